/**
 * Checks on the syntax tree the parser built: typed constructs' properties
 * against their schemas (vocabulary.ts), field types, modifiers and defaults.
 * Produces the plain {@link FileAst} and the diagnostics.
 *
 * A construct that lost a line to error recovery is incomplete: what is
 * missing from it is not reported again (no "required property is missing"
 * for the line that held the syntax error).
 */
import { closest, diag, didYouMean, quote, type Diagnostic, type SourceText, type Span } from '../diagnostics/index.js';
import type { Decl, Field, FileAst, Member, Property, SubBlock } from './ast.js';
import type { ParsedFile } from './parser.js';
import {
  DATE_UNIT_SUFFIXES,
  DERIVED_RELATIONS,
  FIELD_CONTINUATIONS,
  FIELD_MODIFIERS,
  SCALAR_TYPES,
  SCHEMAS,
  VALUED_MODIFIERS,
  type ConstructSchema,
  type PropertySpec,
} from './vocabulary.js';

export { unquote } from './parser.js';

/** Who owns a set of properties, for messages: a name and where it is written. */
interface Owner {
  readonly name: string;
  readonly span: Span;
}

const spanEnd = (s: Span): number => s.offset + s.length;

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly dropped: readonly (readonly [number, number])[]) {}

  /** Whether error recovery dropped a line inside `span`. */
  incomplete(span: Span): boolean {
    for (const [a, b] of this.dropped) if (a < spanEnd(span) && b > span.offset) return true;
    return false;
  }

  decl(d: Decl): void {
    switch (d.kind) {
      case 'app':
        this.properties('app', d.properties, { name: d.name, span: d.nameSpan }, d.span);
        return;
      case 'entity':
      case 'archetype':
        for (const f of d.fields) this.field(f);
        return;
      case 'transaction':
        this.properties('transaction', d.members, { name: d.name, span: d.nameSpan }, d.span);
        for (const t of d.transfers) this.properties('transfer', t.members, { name: t.name, span: t.nameSpan }, t.span);
        this.duplicateBlocks(d.transfers, 'transfer');
        return;
      case 'channel':
        this.properties('channel', d.members, { name: d.name, span: d.nameSpan }, d.span);
        for (const op of d.operations) this.properties(op.keyword, op.members, { name: op.name, span: op.nameSpan }, op.span);
        return;
      case 'event_model':
        for (const t of d.topics) this.properties('topic', t.members, { name: t.name, span: t.nameSpan }, t.span);
        for (const e of d.events) this.properties('event', e.members, { name: e.name, span: e.nameSpan }, e.span);
        return;
      case 'stream':
        this.properties('stream', d.members, { name: d.name, span: d.nameSpan }, d.span);
        for (const s of d.schemas) for (const f of s.fields) this.field(f);
        return;
      case 'ledger':
      case 'schedule':
      case 'job':
      case 'service':
      case 'integration':
      case 'experience':
      case 'webhook':
      case 'llm_model':
      case 'llm_intent':
        this.properties(d.kind, d.members, { name: d.name, span: d.nameSpan }, d.span);
        if (d.kind === 'llm_intent') {
          for (const m of d.members) {
            if (m.kind === 'property' && (m.key === 'retry' || m.key === 'pii')) this.properties(m.key, m.members, { name: `${d.name}.${m.key}`, span: m.keySpan }, m.span);
          }
        }
        return;
      case 'tenancy':
      case 'llm_config':
        this.properties(d.kind, d.members, { name: d.kind, span: d.keySpan }, d.span);
        return;
      default:
        return;
    }
  }

  field(f: Field): void {
    for (const m of f.modifiers) {
      const word = m.name.endsWith('?') ? m.name.slice(0, -1) : m.name;
      if (!FIELD_MODIFIERS.has(word)) {
        const hint = didYouMean(word, FIELD_MODIFIERS);
        this.diagnostics.push(
          diag('DZ2103', `unknown modifier ${quote(m.name)} on field '${f.name}'; it has no effect`, {
            span: m.span,
            hint: hint ?? `known modifiers: ${[...FIELD_MODIFIERS].join(', ')}`,
          }),
        );
      } else if (VALUED_MODIFIERS.has(word) && m.value === undefined) {
        this.diagnostics.push(
          diag('DZ2102', `modifier '${word}' on field '${f.name}' needs a value`, { span: m.span, hint: word === 'was' ? `write was: old_name` : `write ${word}=value` }),
        );
      }
    }
    if (f.type.kind === 'scalar') this.scalar(f.type.name, f.type.args, f.typeSpan);
    if (f.type.kind === 'relation' && (DERIVED_RELATIONS as readonly string[]).includes(f.type.relation) && f.type.via === undefined) {
      this.diagnostics.push(
        diag('DZ2221', `field '${f.name}' is '${f.type.relation} ${f.type.target}' without 'via'`, {
          span: f.typeSpan,
          hint: f.type.relation === 'latest_one' ? `name the foreign key on ${f.type.target} that points back here, e.g. '${f.type.relation} ${f.type.target} via owner'` : `name the parent field, e.g. '${f.type.relation} self via parent'`,
        }),
      );
    }
    if (f.type.kind === 'relation' && f.type.via !== undefined && f.type.relation !== 'has_many' && !(DERIVED_RELATIONS as readonly string[]).includes(f.type.relation)) {
      this.diagnostics.push(
        diag('DZ2222', `'via' does not apply to '${f.type.relation}' (field '${f.name}')`, {
          span: f.typeSpan,
          hint: `'via' names a junction entity after has_many (has_many Tag via ArticleTag) or a foreign key after latest_one; remove it`,
        }),
      );
    }
    const e = f.defaultExpression;
    if (e && e.kind === 'date_arithmetic' && e.unit === null) {
      const span = f.modifiers.find((m) => m.name === 'default')?.span ?? f.span;
      this.diagnostics.push(
        diag('DZ2220', `date arithmetic in the default of field '${f.name}' cannot use ${quote(e.duration)}; allowed units: ${DATE_UNIT_SUFFIXES.join(', ')}`, {
          span,
          hint: `e.g. ${e.base} ${e.operator} 7d (min minutes, h hours, d days, w weeks, m or mo months, y years)`,
        }),
      );
    }
    // A field may carry indented continuation lines (`semantic: a=positive, …`); anything else
    // indented under it is a mistake (usually a field indented one step too far).
    for (const l of f.continuation ?? []) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(l.text);
      if (m && FIELD_CONTINUATIONS.has(m[1] as string)) continue;
      this.diagnostics.push(
        diag('DZ1005', `this line is indented under field '${f.name}', which takes no block here`, {
          span: l.span,
          related: [{ message: `field '${f.name}' is here`, span: f.nameSpan }],
          hint: `indent it like the field above if it is another field (only ${[...FIELD_CONTINUATIONS].map((k) => `'${k}:'`).join(', ')} may continue a field)`,
        }),
      );
    }
  }

  scalar(name: string, args: readonly (string | number)[], span: Span): void {
    const spec = SCALAR_TYPES.get(name);
    // Names that are not built-in types are resolved at link time (shared enums); see ir/link.ts.
    if (!spec) return;
    const bad = (msg: string, hint: string) => this.diagnostics.push(diag('DZ2102', msg, { span, hint }));
    const ints = args.every((a) => typeof a === 'number' && Number.isInteger(a) && a > 0);
    switch (spec.args) {
      case 'none':
        if (args.length) bad(`type '${name}' takes no arguments, got (${args.join(', ')})`, `write just '${name}'`);
        break;
      case 'optional-length':
        if (args.length > 1 || !ints) bad(`'${name}' takes one positive length, got (${args.join(', ')})`, `e.g. ${name}(200)`);
        break;
      case 'precision': {
        const [p, sc] = args;
        const whole = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
        if (args.length !== 2 || !whole(p) || !whole(sc) || p < 1 || sc < 0) bad(`'decimal' takes a precision and a scale, got (${args.join(', ')})`, 'e.g. decimal(10,2): 10 digits, 2 after the point');
        else if (p > 1000) bad(`decimal precision ${p} is more than the maximum of 1000`, 'e.g. decimal(38,2)');
        else if (sc > p) bad(`decimal scale ${sc} must not exceed precision ${p}`, `e.g. decimal(${p},2)`);
        break;
      }
      case 'currency':
        if (args.length > 1 || (args[0] !== undefined && !/^[A-Z]{3}$/.test(String(args[0])))) bad(`'money' takes an ISO 4217 currency code, got (${args.join(', ')})`, 'e.g. money(GBP) or money(USD)');
        break;
      case 'targets':
        if (args.length === 0) bad(`'poly_ref' needs at least one target entity`, 'e.g. poly_ref [Invoice, Order]');
        break;
      default:
        break;
    }
  }

  duplicateBlocks(blocks: readonly SubBlock[], what: string): void {
    const seen = new Map<string, SubBlock>();
    for (const b of blocks) {
      const first = seen.get(b.name);
      if (first) {
        this.diagnostics.push(
          diag('DZ3003', `${what} '${b.name}' is declared twice`, {
            span: b.nameSpan,
            related: [{ message: 'first declared here', span: first.nameSpan }],
            hint: `rename one of them`,
          }),
        );
      } else seen.set(b.name, b);
    }
  }

  /** Check a construct's properties against its schema. */
  properties(construct: string, members: readonly Member[], owner: Owner, whole: Span): void {
    const schema: ConstructSchema | undefined = SCHEMAS[construct];
    if (!schema) return;
    const seen = new Map<string, Property>();
    for (const m of members) {
      if (m.kind !== 'property') continue;
      const spec = schema.properties[m.key];
      if (!spec) {
        if (schema.strict) {
          const known = Object.keys(schema.properties);
          const hint = didYouMean(m.key, known);
          this.diagnostics.push(
            diag('DZ2201', `${construct} has no property ${quote(m.key)}; allowed: ${known.join(', ')}`, {
              span: m.keySpan,
              hint: hint ?? `remove the line, or use one of the allowed properties`,
            }),
          );
        }
        continue;
      }
      const first = seen.get(m.key);
      if (first && !spec.repeatable) {
        this.diagnostics.push(
          diag('DZ2202', `${quote(m.key)} is given twice in this ${construct}`, {
            span: m.keySpan,
            related: [{ message: 'first given here', span: first.keySpan }],
            hint: 'keep one of them',
          }),
        );
        continue;
      }
      if (!first) seen.set(m.key, m);
      this.value(construct, m, spec);
    }
    // A construct that lost a line to error recovery is not also reported for what that line held.
    if (this.incomplete(whole)) return;
    // A misspelt key already reported with "did you mean <key>" stands in for the missing one.
    const misspelt = new Set(members.filter((m): m is Property => m.kind === 'property' && !schema.properties[m.key]).map((m) => closest(m.key, Object.keys(schema.properties))));
    for (const [key, spec] of Object.entries(schema.properties)) {
      if (spec.required && !seen.has(key) && !(schema.strict && misspelt.has(key))) {
        this.diagnostics.push(
          diag('DZ2205', `${construct} '${owner.name}' has no '${key}'`, {
            span: owner.span,
            hint: `add a line '${key}: …'${spec.allowed ? ` (one of ${spec.allowed.join(', ')})` : ''}`,
          }),
        );
      }
    }
  }

  value(construct: string, p: Property, spec: PropertySpec): void {
    const parts = p.value.parts;
    const where = p.value.span ?? p.keySpan;
    const wrong = (expected: string, example: string) =>
      this.diagnostics.push(
        diag('DZ2203', `'${p.key}' in ${construct} expects ${expected}, got ${parts.length ? quote(p.value.text) : 'nothing'}`, {
          span: where,
          hint: `e.g. ${p.key}: ${example}`,
        }),
      );
    const one = parts.length === 1 ? parts[0] : undefined;
    switch (spec.kind) {
      case 'string':
        if (one?.type !== 'string') wrong('a "quoted string"', '"…"');
        return;
      case 'int':
        if (one?.type !== 'number' || one.image.includes('.')) wrong('a whole number', '1001');
        return;
      case 'bool':
        if (one?.type !== 'name' || (one.image !== 'true' && one.image !== 'false')) wrong('true or false', 'true');
        return;
      case 'name':
        if (one?.type !== 'name') {
          wrong('a name', spec.allowed?.[0] ?? 'name');
          return;
        }
        this.allowed(construct, p, [one.image], spec, where);
        return;
      case 'names': {
        const names = parts.filter((x) => x.type === 'name').map((x) => x.image);
        const symbolsOk = parts.every((x) => x.type === 'name' || (x.type === 'symbol' && (x.image === ',' || x.image === '[' || x.image === ']')));
        if (names.length === 0 || !symbolsOk) {
          wrong('a list of names', spec.allowed ? spec.allowed.slice(0, 2).join(', ') : 'a, b');
          return;
        }
        this.allowed(construct, p, names, spec, where);
        return;
      }
      case 'duration':
        if (!one || (one.type !== 'duration' && one.type !== 'number' && one.type !== 'string')) wrong('a duration', '30s, 15m, 24h or 7d');
        return;
      case 'cron': {
        const isCall = parts.length === 4 && parts[0]?.image === 'cron' && parts[1]?.image === '(' && parts[2]?.type === 'string' && parts[3]?.image === ')';
        if (one?.type !== 'string' && !isCall) wrong('a cron expression in quotes', '"0 2 * * *"');
        return;
      }
      case 'expr':
        if (parts.length === 0 && p.members.length === 0) wrong('a value', '…');
        return;
      default:
        return;
    }
  }

  allowed(construct: string, p: Property, values: readonly string[], spec: PropertySpec, where: Span): void {
    if (!spec.allowed) return;
    for (const v of values) {
      const candidate = spec.anyCase ? v.toUpperCase() : v;
      if (!spec.allowed.includes(candidate)) {
        const hint = didYouMean(candidate, spec.allowed);
        this.diagnostics.push(
          diag('DZ2204', `'${p.key}' in ${construct} cannot be ${quote(v)}; allowed: ${spec.allowed.join(', ')}`, {
            span: where,
            hint: hint ?? `use one of: ${spec.allowed.join(', ')}`,
          }),
        );
      }
    }
  }
}

/** Check the declarations the parser read and return the file's syntax tree. */
export function buildAst(source: SourceText, parsed: ParsedFile): { ast: FileAst; diagnostics: Diagnostic[] } {
  const c = new Checker(parsed.dropped);
  for (const d of parsed.decls) c.decl(d);
  if (parsed.affected.length === 0) return { ast: { path: source.path, decls: parsed.decls }, diagnostics: c.diagnostics };
  const declared = new Set(parsed.decls.map((d) => ('name' in d && d.name !== undefined ? `${d.kind}:${d.name}` : d.kind)));
  const broken = parsed.affected.filter((a) => !declared.has(a.name !== undefined ? `${a.keyword}:${a.name}` : a.keyword));
  const ast: FileAst = { path: source.path, decls: parsed.decls, ...(broken.length ? { broken } : {}) };
  return { ast, diagnostics: c.diagnostics };
}
