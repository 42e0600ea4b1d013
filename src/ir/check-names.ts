/**
 * Names that collide once mangled. DSL names become construct IDs, AWS names
 * and environment variables through `pascal`, `envName` and `bucketPart`
 * (names.ts), which forget case and underscores: `payment_jobs` and
 * `PaymentJobs` are one queue to AWS, `storage=Media` and `storage=media` one
 * bucket, a stream channel and a topic both named `orders` one event bus. Every
 * resource the DSL causes claims its generated names; two different resources
 * claiming one name is an error at the later one, with the first as related.
 */
import { diag, type Diagnostic, type Span } from '../diagnostics/index.js';
import type { Decl, Property } from '../syntax/index.js';
import type { ConfigReference } from './appspec.js';
import { GENERATED_NAMES, LLM_KEY_ENV, RESERVED_NAMES, serviceCredentials, VARIABLE_NAMESPACE, type GeneratedName } from './names.js';
import { isEmailAddress, isStorageName, plainValue, propertyMap, valueSpan } from './values.js';
import { INTERVAL_KEYS } from './check-settings.js';

interface Claim {
  /** The resource: claims with the same owner are one resource (a bucket shared by fields, one secret read twice). */
  readonly owner: string;
  /** The resource in the user's terms: `channel 'orders'`. */
  readonly label: string;
  readonly generated: GeneratedName;
  readonly span: Span;
}

const FILE_TYPES = new Set(['file', 'image']);

/**
 * Every generated name of the DSL's resources, and the pairs of resources that share one;
 * also `storage=` bindings that cannot name a bucket (one pass over the fields).
 */
export function checkGeneratedNames(decls: readonly Decl[], configReferences: readonly ConfigReference[], flagged: ReadonlySet<Property>): Diagnostic[] {
  const invalid: Diagnostic[] = [];
  const claims: Claim[] = [];
  // Declarations come in file order, so an owner's first claim is its earliest; later ones add nothing.
  const owners = new Set<string>();
  const claim = (owner: string, label: string, span: Span, names: readonly GeneratedName[]) => {
    for (const generated of names) claims.push({ owner, label, generated, span });
  };
  const once = (owner: string): boolean => {
    if (owners.has(owner)) return false;
    owners.add(owner);
    return true;
  };
  const usable = (p: Property | undefined): p is Property => p !== undefined && !flagged.has(p);

  for (const d of decls) {
    switch (d.kind) {
      case 'channel': {
        const p = propertyMap(d.members);
        const kind = p.get('kind') ? plainValue(p.get('kind') as Property) : 'queue';
        const owner = `channel ${d.name}`;
        const label = `${kind} channel '${d.name}'`;
        if (kind === 'queue') claim(owner, label, d.nameSpan, GENERATED_NAMES.queue(d.name));
        if (kind === 'stream') claim(owner, label, d.nameSpan, GENERATED_NAMES.bus(d.name));
        if (kind === 'email') {
          claim(owner, label, d.nameSpan, GENERATED_NAMES.emailSender(d.name));
          const from = propertyMap(p.get('config')?.members ?? []).get('from_address');
          if (usable(from) && isEmailAddress(plainValue(from))) claim(owner, `the from_address of ${label}`, valueSpan(from), GENERATED_NAMES.emailIdentity(plainValue(from)));
        }
        break;
      }
      case 'event_model':
        for (const t of d.topics) claim(`topic ${t.name}`, `topic '${t.name}'`, t.nameSpan, GENERATED_NAMES.bus(t.name));
        break;
      case 'stream':
        claim(`stream ${d.name}`, `stream '${d.name}'`, d.nameSpan, GENERATED_NAMES.bus(d.name));
        break;
      case 'entity':
      case 'archetype':
        for (const f of d.fields) {
          const storage = f.modifiers.find((m) => m.name === 'storage');
          if (storage?.value !== undefined && !isStorageName(storage.value)) {
            invalid.push(
              diag('DZ2210', `field '${d.name}.${f.name}': storage=${storage.value} is not a plain name`, {
                span: storage.span,
                hint: 'storage= names the bucket the field is kept in: letters, digits and underscores, e.g. storage=media',
              }),
            );
            continue;
          }
          // Lowering makes buckets for entities' fields only.
          if (d.kind === 'archetype') continue;
          if (storage?.value !== undefined) {
            if (once(`store ${storage.value}`)) claim(`store ${storage.value}`, `storage=${storage.value} (field '${d.name}.${f.name}')`, storage.span, GENERATED_NAMES.bucket(storage.value));
          } else if (f.type.kind === 'scalar' && FILE_TYPES.has(f.type.name) && once('store files')) {
            claim('store files', `the files bucket of file field '${d.name}.${f.name}'`, f.nameSpan, GENERATED_NAMES.bucket('files'));
          }
        }
        break;
      case 'schedule': {
        const p = propertyMap(d.members);
        if (p.has('cron') || INTERVAL_KEYS.some((k) => p.has(k))) claim(`schedule ${d.name}`, `schedule '${d.name}'`, d.nameSpan, GENERATED_NAMES.schedule(d.name));
        break;
      }
      case 'job':
        // Schedules and jobs share one namespace (DZ3003), so they share an owner name too.
        if (propertyMap(d.members).has('schedule')) claim(`schedule ${d.name}`, `job '${d.name}'`, d.nameSpan, GENERATED_NAMES.schedule(d.name));
        break;
      case 'service': {
        const auth = propertyMap(d.members).get('auth_profile');
        const kind = auth?.value.parts[0]?.image;
        if (!auth || kind === undefined || kind === 'none') break;
        const env = serviceCredentials(d.name);
        claim(`secret ${env}`, `the credentials of service '${d.name}' (${env})`, d.nameSpan, GENERATED_NAMES.secret(env));
        claim(`service ${d.name}`, `service '${d.name}'`, d.nameSpan, [{ namespace: 'credentials secret', name: env }]);
        break;
      }
      case 'llm_model': {
        const provider = propertyMap(d.members).get('provider');
        const env = provider ? LLM_KEY_ENV[plainValue(provider)] : undefined;
        if (env) claim(`secret ${env}`, `the ${plainValue(provider as Property)} key of llm_model '${d.name}' (${env})`, d.nameSpan, GENERATED_NAMES.secret(env));
        break;
      }
      default:
        break;
    }
  }
  // config("X") of a variable dazzle sets (DATABASE_HOST, QUEUE_JOBS_URL, …) reads that variable: the plan
  // supplies it and makes no secret, so it claims nothing.
  const isVariable = (g: GeneratedName) => g.namespace === VARIABLE_NAMESPACE;
  const variables = new Set([...RESERVED_NAMES, ...claims.map((c) => c.generated)].filter(isVariable).map((g) => g.name));
  for (const r of configReferences) if (!variables.has(r.name)) claim(`secret ${r.name}`, `config("${r.name}")`, r.span, GENERATED_NAMES.secret(r.name));

  claims.sort((a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.offset - b.span.offset));
  return [...invalid, ...collisions(claims)];
}

const keyOf = (g: GeneratedName) => `${g.namespace}\u0000${g.name}`;

function collisions(claims: readonly Claim[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reserved = new Map(RESERVED_NAMES.map((r) => [keyOf(r), r]));
  const first = new Map<string, Claim>();
  const reported = new Set<string>();
  for (const c of claims) {
    const key = keyOf(c.generated);
    const own = reserved.get(key);
    if (own) {
      if (reported.has(`${c.owner}\u0000dazzle`)) continue;
      reported.add(`${c.owner}\u0000dazzle`);
      out.push(
        diag('DZ3013', `${c.label} becomes the ${c.generated.namespace} '${c.generated.name}', which is ${own.what}`, {
          span: c.span,
          hint: 'rename it: dazzle generates that name itself',
        }),
      );
      continue;
    }
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, c);
      continue;
    }
    const pair = `${c.owner}\u0000${earlier.owner}`;
    if (earlier.owner === c.owner || reported.has(pair)) continue;
    reported.add(pair);
    out.push(
      diag('DZ3012', `${c.label} and ${earlier.label} both become the ${c.generated.namespace} '${c.generated.name}'`, {
        span: c.span,
        related: [{ message: 'first declared here', span: earlier.span }],
        hint: 'rename one of them: AWS names and construct IDs are made from the words of a name, so names that differ only in letter case or underscores become the same',
      }),
    );
  }
  return out;
}
