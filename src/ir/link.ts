/**
 * Linking and checking: the files' syntax trees → one AppSpec. Resolves
 * modules and `use`, requires exactly one `app`, reports duplicate names and
 * unresolved references, and turns typed constructs' properties into IR.
 */
import { diag, didYouMean, quote, type Diagnostic, type Result, type Span } from '../diagnostics/index.js';
import {
  SCALAR_TYPES,
  type AppDecl,
  type ChannelDecl,
  type Decl,
  type EntityDecl,
  type EnumDecl,
  type EventModelDecl,
  type FileAst,
  type Member,
  type OpaqueDecl,
  type Property,
  type PropertyConstructDecl,
  type SectionDecl,
  type StreamDecl,
  type SubBlock,
  type TransactionDecl,
} from '../syntax/index.js';
import {
  APPSPEC_FORMAT_VERSION,
  type AppSpec,
  type Channel,
  type ConfigReference,
  type Entity,
  type EnumType,
  type Field,
  type FieldType,
  type Job,
  type Ledger,
  type LlmIntent,
  type LlmModel,
  type Module,
  type OpaqueConstruct,
  type PropertyConstruct,
  type Schedule,
  type Service,
  type Stream,
  type Transaction,
  type Webhook,
} from './appspec.js';
import { checkDeclarations } from './checks.js';
import { decimalInteger, expressionText, propertyMap as props, valueString as stringValue } from './values.js';

type Located<T> = { readonly decl: T; readonly module: string | null; readonly file: string };
/** The declaration types whose `kind` admits K (distributes over the union). */
type DeclOf<K, D = Decl> = D extends { readonly kind: infer DK } ? (K extends DK ? D : never) : never;

/** Properties as `key → value text`, nested blocks flattened as `key.sub`. */
function propertyRecord(members: readonly Member[], prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of members) {
    if (m.kind !== 'property') continue;
    const key = prefix + m.key;
    if (m.value.text || m.members.length === 0) out[key] = stringValue(m.value);
    Object.assign(out, propertyRecord(m.members, `${key}.`));
  }
  return out;
}

function text(p: Property | undefined): string | null {
  return p ? stringValue(p.value) : null;
}

/** A whole number exactly as written in decimal; `0x10`, `1e3` or ` 12` are not numbers (checks.ts reports them). */
function intValue(p: Property | undefined): number | null {
  return p ? decimalInteger(p.value.text) : null;
}

function names(p: Property | undefined): string[] {
  return p ? p.value.parts.filter((x) => x.type === 'name').map((x) => x.image) : [];
}

function located(p: Property | undefined): { value: string; span: Span } | null {
  if (!p) return null;
  return { value: expressionText(p), span: p.value.span ?? p.keySpan };
}

function byName<T extends { readonly name: string }>(xs: T[]): T[] {
  return xs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

class Linker {
  readonly diagnostics: Diagnostic[] = [];
  /** Names of declarations that did not parse: a reference to one is not a second error. */
  broken = new Set<string>();
  /** Whether a file did not parse at all (its names are unknown, so unresolved references are not reported). */
  unreadable = false;

  /** Report `name` declared twice within one namespace. */
  unique<T>(what: string, items: readonly Located<T>[], nameOf: (t: T) => { name: string; span: Span }): void {
    const seen = new Map<string, Span>();
    for (const it of items) {
      const { name, span } = nameOf(it.decl);
      const first = seen.get(name);
      if (first) {
        this.diagnostics.push(
          diag('DZ3003', `${what} '${name}' is declared twice`, {
            span,
            related: [{ message: 'first declared here', span: first }],
            hint: `rename one of them, or remove the duplicate (names are shared by all modules of the project)`,
          }),
        );
      } else seen.set(name, span);
    }
  }

  link(files: readonly FileAst[], projectFiles: readonly string[], unreadable: boolean): AppSpec | undefined {
    this.unreadable = unreadable;
    for (const f of files) for (const b of f.broken ?? []) this.broken.add(b.name ?? b.keyword);
    const brokenApp = files.some((f) => (f.broken ?? []).some((b) => b.keyword === 'app'));
    const all: Located<Decl>[] = [];
    const modules = new Map<string | null, { files: Set<string>; uses: Set<string> }>();
    const uses: Located<Extract<Decl, { kind: 'use' }>>[] = [];
    for (const f of files) {
      const mod = f.decls.find((d) => d.kind === 'module');
      const moduleName = mod?.kind === 'module' ? mod.name : null;
      const entry = modules.get(moduleName) ?? { files: new Set<string>(), uses: new Set<string>() };
      entry.files.add(f.path);
      modules.set(moduleName, entry);
      for (const d of f.decls) {
        if (d.kind === 'module' && d !== mod) {
          this.diagnostics.push(
            diag('DZ3003', `a file declares its module once; '${d.name}' follows 'module ${moduleName ?? ''}'`, {
              span: d.span,
              related: mod ? [{ message: 'first module line here', span: mod.span }] : [],
              hint: 'split the file, or remove the second module line',
            }),
          );
        }
        if (d.kind === 'use') {
          uses.push({ decl: d, module: moduleName, file: f.path });
          entry.uses.add(d.module);
        }
        all.push({ decl: d, module: moduleName, file: f.path });
      }
    }
    const moduleNames = [...modules.keys()].filter((m): m is string => m !== null);
    for (const u of uses) {
      if (!modules.has(u.decl.module)) {
        const hint = didYouMean(u.decl.module, moduleNames);
        this.diagnostics.push(
          diag('DZ3006', `no file declares module ${quote(u.decl.module)}`, {
            span: u.decl.moduleSpan,
            hint: hint ?? (moduleNames.length ? `declared modules: ${moduleNames.sort().join(', ')}` : 'add `module …` lines to the files, or remove the use line'),
          }),
        );
      }
    }

    // The declarations of each kind, in file order, grouped in one pass (a project may have 100,000).
    const byKind = new Map<Decl['kind'], Located<Decl>[]>();
    for (const x of all) {
      const list = byKind.get(x.decl.kind);
      if (list) list.push(x);
      else byKind.set(x.decl.kind, [x]);
    }
    const of = <K extends Decl['kind']>(kind: K) => [...(byKind.get(kind) ?? [])] as Located<DeclOf<K>>[];
    const opaque = of('opaque');

    // Exactly one app.
    const apps = of('app');
    const firstApp = apps[0];
    if (!firstApp && !brokenApp && !unreadable) {
      const first = projectFiles[0] ?? files[0]?.path ?? 'dsl';
      this.diagnostics.push(
        diag('DZ3001', `none of the project's ${projectFiles.length} DSL file${projectFiles.length === 1 ? '' : 's'} declares the app`, {
          span: { file: first, line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, length: 0 },
          hint: 'add a line such as `app my_app "My App"` to one file (usually dsl/app.dsl)',
        }),
      );
    }
    for (const extra of apps.slice(1)) {
      this.diagnostics.push(
        diag('DZ3002', `a second app ${quote(extra.decl.name)} is declared; a project has exactly one`, {
          span: extra.decl.nameSpan,
          related: firstApp ? [{ message: `app '${firstApp.decl.name}' declared here`, span: firstApp.decl.nameSpan }] : [],
          hint: 'keep one app line; split separate applications into separate projects',
        }),
      );
    }

    const entityDecls = of('entity');
    const archetypeDecls = of('archetype');
    const enumDecls = of('enum');
    // Entities, archetypes and enums share one namespace: a field type may name any of them.
    this.unique<EntityDecl | EnumDecl>('type', [...entityDecls, ...archetypeDecls, ...enumDecls], (d) => ({ name: d.name, span: d.nameSpan }));
    const entityNames = new Set(entityDecls.map((e) => e.decl.name));
    const enumNames = new Set(enumDecls.map((e) => e.decl.name));

    const entityByName = new Map(entityDecls.map((e) => [e.decl.name, e.decl] as const));
    const entities = entityDecls.map((e) => this.entity(e.decl, e.module, entityNames, enumNames, entityByName));
    const archetypes = archetypeDecls.map((e) => this.entity(e.decl, e.module, entityNames, enumNames, entityByName));
    const enums: EnumType[] = enumDecls.map(({ decl }: Located<EnumDecl>) => ({
      name: decl.name,
      ...(decl.title !== undefined ? { title: decl.title } : {}),
      values: decl.values,
      span: decl.span,
    }));

    const pc = (k: PropertyConstructDecl['kind']) => of(k);

    const ledgerDecls = pc('ledger');
    this.unique('ledger', ledgerDecls, (d) => ({ name: d.name, span: d.nameSpan }));
    const ledgers: Ledger[] = ledgerDecls.map(({ decl }) => {
      const p = props(decl.members);
      return {
        name: decl.name,
        ...(decl.title !== undefined ? { title: decl.title } : {}),
        accountCode: intValue(p.get('account_code')) ?? 0,
        ledgerId: intValue(p.get('ledger_id')),
        accountType: text(p.get('account_type')) ?? '',
        currency: text(p.get('currency')) ?? '',
        flags: names(p.get('flags')),
        syncTo: text(p.get('sync_to')),
        tenantScoped: text(p.get('tenant_scoped')) === 'true',
        span: decl.span,
      };
    });
    const ledgerNames = ledgers.map((l) => l.name);
    // One lookup per transfer side, not a scan of every ledger (thousands of transfers and ledgers).
    const ledgerSet: ReadonlySet<string> = new Set(ledgerNames);

    const txDecls = of('transaction');
    this.unique('transaction', txDecls, (d) => ({ name: d.name, span: d.nameSpan }));
    const transactions = txDecls.map(({ decl }) => this.transaction(decl, ledgerNames, ledgerSet));

    const messageNames = new Set(opaque.filter((o) => o.decl.keyword === 'message' && o.decl.name).map((o) => o.decl.name as string));
    const channelDecls = of('channel');
    this.unique('channel', channelDecls, (d) => ({ name: d.name, span: d.nameSpan }));
    const channels = channelDecls.map(({ decl }) => this.channel(decl, messageNames));

    const eventModels = this.lastPerModule(of('event_model'), 'event_model').map((x) => x.decl as EventModelDecl);
    this.unique('event_model', of('event_model').filter((x) => x.decl.name !== undefined), (d) => ({ name: d.name as string, span: d.nameSpan as Span }));
    const modelOf = new Map<SubBlock, string>();
    for (const m of eventModels) if (m.name !== undefined) for (const t of m.topics) modelOf.set(t, m.name);
    const topicBlocks = eventModels.flatMap((m) => m.topics);
    const eventBlocks = eventModels.flatMap((m) => m.events);
    this.unique('topic', topicBlocks.map((t) => ({ decl: t, module: null, file: t.span.file })), (t) => ({ name: t.name, span: t.nameSpan }));
    this.unique('event', eventBlocks.map((t) => ({ decl: t, module: null, file: t.span.file })), (t) => ({ name: t.name, span: t.nameSpan }));
    const topicNames = topicBlocks.map((t) => t.name);
    const topicSet: ReadonlySet<string> = new Set(topicNames);
    const eventTopics = topicBlocks.map((t) => {
      const p = props(t.members);
      const model = modelOf.get(t);
      return { name: t.name, ...(model !== undefined ? { model } : {}), retention: text(p.get('retention')), partitionKey: text(p.get('partition_key')), span: t.span };
    });
    const events = eventBlocks.map((e) => {
      const topic = props(e.members).get('topic');
      const topicName = text(topic);
      if (topic && topicName && !topicSet.has(topicName) && !this.broken.has(topicName) && !this.unreadable) {
        const hint = didYouMean(topicName, topicNames);
        this.diagnostics.push(
          diag('DZ3009', `event '${e.name}' names topic ${quote(topicName)}, which is not declared`, {
            span: topic.value.span ?? topic.keySpan,
            hint: hint ?? (topicNames.length ? `declared topics: ${topicNames.join(', ')}` : 'declare it with `topic name:` inside event_model'),
          }),
        );
      }
      return { name: e.name, topic: topicName, span: e.span };
    });

    const streamDecls = of('stream');
    this.unique('stream', streamDecls, (d) => ({ name: d.name, span: d.nameSpan }));
    const streams = streamDecls.map(({ decl }) => this.stream(decl, entityNames, enumNames, entityByName));

    const scheduleDecls = pc('schedule');
    const jobDecls = pc('job');
    this.unique('schedule or job', [...scheduleDecls, ...jobDecls], (d) => ({ name: d.name, span: d.nameSpan }));
    const schedules: Schedule[] = scheduleDecls.map(({ decl }) => {
      const p = props(decl.members);
      const interval = p.get('interval') ?? p.get('every') ?? p.get('interval_seconds');
      return {
        name: decl.name,
        ...(decl.title !== undefined ? { title: decl.title } : {}),
        cron: located(p.get('cron')),
        interval: located(interval),
        timezone: text(p.get('timezone')),
        properties: propertyRecord(decl.members),
        span: decl.span,
      };
    });
    const jobs: Job[] = jobDecls.map(({ decl }) => {
      const p = props(decl.members);
      return {
        name: decl.name,
        ...(decl.title !== undefined ? { title: decl.title } : {}),
        trigger: text(p.get('trigger')),
        schedule: located(p.get('schedule')),
        run: text(p.get('run')),
        properties: propertyRecord(decl.members),
        span: decl.span,
      };
    });

    const serviceDecls = pc('service');
    this.unique('service', serviceDecls, (d) => ({ name: d.name, span: d.nameSpan }));
    const services: Service[] = serviceDecls.map(({ decl }) => this.service(decl));

    const bag = (k: 'integration' | 'experience') => {
      const ds = pc(k);
      this.unique(k, ds, (d) => ({ name: d.name, span: d.nameSpan }));
      return ds.map(({ decl }): PropertyConstruct => ({ name: decl.name, ...(decl.title !== undefined ? { title: decl.title } : {}), properties: propertyRecord(decl.members), span: decl.span }));
    };
    const integrations = bag('integration');
    const experiences = bag('experience');

    const webhookDecls = pc('webhook');
    this.unique('webhook', webhookDecls, (d) => ({ name: d.name, span: d.nameSpan }));
    const webhooks: Webhook[] = webhookDecls.map(({ decl }) => {
      const p = props(decl.members);
      const entity = p.get('entity');
      const entityName = text(entity);
      if (entity && entityName) this.checkEntityRef(entityName, entity.value.span ?? entity.keySpan, entityNames, `webhook '${decl.name}'`);
      return {
        name: decl.name,
        ...(decl.title !== undefined ? { title: decl.title } : {}),
        entity: entityName,
        events: names(p.get('events')),
        url: text(p.get('url')),
        properties: propertyRecord(decl.members),
        span: decl.span,
      };
    });

    const modelDecls = pc('llm_model');
    this.unique('llm_model', modelDecls, (d) => ({ name: d.name, span: d.nameSpan }));
    const llmModels: LlmModel[] = modelDecls.map(({ decl }) => {
      const p = props(decl.members);
      return {
        name: decl.name,
        ...(decl.title !== undefined ? { title: decl.title } : {}),
        provider: text(p.get('provider')),
        modelId: text(p.get('model_id')),
        tier: text(p.get('tier')),
        maxTokens: intValue(p.get('max_tokens')),
        span: decl.span,
      };
    });

    const intentDecls = pc('llm_intent');
    this.unique('llm_intent', intentDecls, (d) => ({ name: d.name, span: d.nameSpan }));
    const modelNames = llmModels.map((m) => m.name);
    const llmIntents: LlmIntent[] = intentDecls.map(({ decl }) => {
      const p = props(decl.members);
      const model = p.get('model');
      const modelName = text(model);
      if (model && modelName && !modelNames.includes(modelName) && !this.broken.has(modelName) && !this.unreadable) {
        const hint = didYouMean(modelName, modelNames);
        this.diagnostics.push(
          diag('DZ3010', `llm_intent '${decl.name}' uses model ${quote(modelName)}, which is not a declared llm_model`, {
            span: model.value.span ?? model.keySpan,
            hint: hint ?? (modelNames.length ? `declared models: ${modelNames.join(', ')}` : 'declare it with `llm_model name "Title":`'),
          }),
        );
      }
      return {
        name: decl.name,
        ...(decl.title !== undefined ? { title: decl.title } : {}),
        model: modelName,
        timeout: text(p.get('timeout')),
        properties: propertyRecord(decl.members),
        span: decl.span,
      };
    });

    // A module holds one llm_config and one tenancy: a later block in the same module replaces
    // the earlier one (as Dazzle reads them); two modules each declaring one is an error.
    const section = (k: 'llm_config' | 'tenancy'): PropertyConstruct | null => {
      const ds = this.lastPerModule(of(k), k);
      for (const extra of ds.slice(1)) {
        this.diagnostics.push(
          diag('DZ3003', `'${k}' is declared in two modules (${quote(ds[0]?.module ?? '(no module)')} and ${quote(extra.module ?? '(no module)')}); an app has one`, {
            span: extra.decl.keySpan,
            related: ds[0] ? [{ message: 'first declared here', span: ds[0].decl.keySpan }] : [],
            hint: 'keep one block, in one module',
          }),
        );
      }
      const d = ds[0]?.decl;
      return d ? { name: k, properties: propertyRecord(d.members), span: d.span } : null;
    };
    const llmConfig = section('llm_config');
    const tenancy = section('tenancy');
    const defaultModel = llmConfig?.properties.default_model;
    if (llmConfig && defaultModel && !llmModels.some((m) => m.name === defaultModel) && !this.broken.has(defaultModel) && !this.unreadable) {
      const decl = all.find((x) => x.decl.kind === 'llm_config' && x.decl.span === llmConfig.span)?.decl as SectionDecl;
      const p = props(decl.members).get('default_model') as Property;
      const hint = didYouMean(defaultModel, llmModels.map((m) => m.name));
      this.diagnostics.push(
        diag('DZ3010', `llm_config's default_model ${quote(defaultModel)} is not a declared llm_model`, {
          span: p.value.span ?? p.keySpan,
          hint: hint ?? (llmModels.length ? `declared models: ${llmModels.map((m) => m.name).join(', ')}` : 'declare it with `llm_model name "Title":`'),
        }),
      );
    }

    const constructs: OpaqueConstruct[] = opaque.map(({ decl }: Located<OpaqueDecl>) => ({ keyword: decl.keyword, name: decl.name ?? null, text: decl.text, span: decl.span }));

    const configReferences = this.configReferences(all);
    this.diagnostics.push(...checkDeclarations(all.map((x) => x.decl), configReferences));

    if (!firstApp) return undefined;
    const app: AppDecl = firstApp.decl;
    const moduleList: Module[] = [...modules.entries()]
      .map(([name, m]) => ({ name, files: [...m.files].sort(), uses: [...m.uses].sort() }))
      .sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : 0));

    return {
      formatVersion: APPSPEC_FORMAT_VERSION,
      app: { name: app.name, ...(app.title !== undefined ? { title: app.title } : {}), properties: propertyRecord(app.properties), span: app.span },
      modules: moduleList,
      entities: byName(entities),
      archetypes: byName(archetypes),
      enums: byName(enums),
      ledgers: byName(ledgers),
      transactions: byName(transactions),
      channels: byName(channels),
      eventTopics: byName(eventTopics),
      events: byName(events),
      streams: byName(streams),
      schedules: byName(schedules),
      jobs: byName(jobs),
      services: byName(services),
      integrations: byName(integrations),
      experiences: byName(experiences),
      webhooks: byName(webhooks),
      llmModels: byName(llmModels),
      llmIntents: byName(llmIntents),
      llmConfig,
      tenancy,
      configReferences,
      constructs,
    };
  }

  /**
   * Keep the last of the blocks each module declares (as Dazzle reads a module), with a warning
   * on each block that a later one replaces.
   */
  lastPerModule<T extends { readonly span: Span }>(items: readonly Located<T>[], what: string): Located<T>[] {
    const last = new Map<string | null, Located<T>>();
    for (const it of items) {
      const prev = last.get(it.module);
      if (prev) {
        this.diagnostics.push(
          diag('DZ3040', `this ${what} block replaces the one before it in module ${quote(it.module ?? '(no module)')}; only the last one is read`, {
            span: prev.decl.span,
            related: [{ message: `the ${what} block that replaces it`, span: it.decl.span }],
            hint: `merge the blocks into one ${what}`,
          }),
        );
      }
      last.set(it.module, it);
    }
    return [...last.values()];
  }

  checkEntityRef(target: string, span: Span, entityNames: ReadonlySet<string>, where: string): void {
    if (entityNames.has(target) || this.broken.has(target) || this.unreadable) return;
    const hint = didYouMean(target, entityNames);
    this.diagnostics.push(
      diag('DZ3004', `${where} refers to entity ${quote(target)}, which is not declared`, {
        span,
        hint: hint ?? (entityNames.size ? `declared entities: ${[...entityNames].sort().join(', ')}` : 'declare the entity, or fix the name'),
      }),
    );
  }

  entity(decl: EntityDecl, module: string | null, entityNames: ReadonlySet<string>, enumNames: ReadonlySet<string>, entityByName: ReadonlyMap<string, EntityDecl>): Entity {
    // A few fields each: a scan of the ones before finds a duplicate without a map per entity.
    const many = decl.fields.length > 32;
    const seen = many ? new Map<string, Span>() : undefined;
    const fields: Field[] = [];
    for (let i = 0; i < decl.fields.length; i++) {
      const f = decl.fields[i] as EntityDecl['fields'][number];
      const first = seen ? seen.get(f.name) : earlierName(decl.fields, i);
      if (first) {
        this.diagnostics.push(
          diag('DZ3007', `field '${f.name}' is declared twice in ${decl.kind} '${decl.name}'`, {
            span: f.nameSpan,
            related: [{ message: 'first declared here', span: first }],
            hint: 'rename or remove one of them',
          }),
        );
        continue;
      }
      seen?.set(f.name, f.nameSpan);
      let type: FieldType = f.type;
      if (f.type.kind === 'relation') {
        this.relation(decl, f, entityNames, entityByName);
        type = { kind: 'relation', relation: f.type.relation, target: f.type.target, ...(f.type.via !== undefined ? { via: f.type.via } : {}) };
      } else if (f.type.kind === 'scalar' && !SCALAR_TYPES.has(f.type.name)) {
        if (enumNames.has(f.type.name) && f.type.args.length === 0) type = { kind: 'enum_ref', enum: f.type.name };
        else if (!this.broken.has(f.type.name) && !this.unreadable) this.unknownType(f.type.name, f.typeSpan, decl, f.name, entityNames, enumNames);
      } else if (f.type.kind === 'scalar' && f.type.name === 'poly_ref') {
        for (const t of f.type.args) this.checkEntityRef(String(t), f.typeSpan, entityNames, `field '${decl.name}.${f.name}'`);
      }
      const mods = this.modifierNames(f.modifiers);
      const storage = f.modifiers.find((m) => m.name === 'storage')?.value;
      const required = mods.includes('required') || mods.includes('pk');
      const primaryKey = mods.includes('pk');
      const unique = mods.includes('unique') || mods.includes('pk');
      const sensitive = mods.includes('sensitive');
      // In the IR's key order, without spreads (this runs for every field of the project); most fields
      // are one literal, which keeps all its properties in the object (added ones take a second block).
      if (storage === undefined && f.defaultExpression === undefined) {
        fields.push(
          f.default === undefined
            ? { name: f.name, type, required, primaryKey, unique, sensitive, modifiers: mods, span: f.span }
            : { name: f.name, type, required, primaryKey, unique, sensitive, default: f.default, modifiers: mods, span: f.span },
        );
        continue;
      }
      const field: { -readonly [K in keyof Field]: Field[K] } = { name: f.name, type, required, primaryKey, unique, sensitive } as Field;
      if (storage !== undefined) field.storage = storage;
      if (f.default !== undefined) field.default = f.default;
      if (f.defaultExpression !== undefined) field.defaultExpression = f.defaultExpression;
      field.modifiers = mods;
      field.span = f.span;
      fields.push(field);
    }
    const directives = decl.directives.length ? decl.directives.map((d) => d.text) : NONE;
    // At its exact size: an array filled by push keeps spare room, and the IR lives until the command ends.
    const kept = fields.length ? fields.slice() : NONE;
    return decl.title !== undefined
      ? { name: decl.name, title: decl.title, module, fields: kept, directives, span: decl.span }
      : { name: decl.name, module, fields: kept, directives, span: decl.span };
  }

  /** The names of a field's modifiers, one shared frozen list per distinct list (the IR is frozen, and a project repeats a few lists thousands of times). */
  private readonly modifierLists = new Map<string, readonly string[]>();
  modifierNames(modifiers: readonly { readonly name: string }[]): readonly string[] {
    if (modifiers.length === 0) return NONE;
    let key = (modifiers[0] as { readonly name: string }).name;
    for (let i = 1; i < modifiers.length; i++) key += `\n${(modifiers[i] as { readonly name: string }).name}`;
    let names = this.modifierLists.get(key);
    if (!names) {
      names = Object.freeze(modifiers.map((m) => m.name));
      this.modifierLists.set(key, names);
    }
    return names;
  }

  /**
   * A relation's target (and junction, or foreign key) must exist: `has_many Tag via ArticleTag`
   * needs the entity ArticleTag; `latest_one Employment via person` needs Employment's field
   * `person`, a reference back to this entity, and Employment's `temporal:` block.
   */
  relation(decl: EntityDecl | { readonly name: string; readonly kind: string }, f: EntityDecl['fields'][number], entityNames: ReadonlySet<string>, entityByName: ReadonlyMap<string, EntityDecl>): void {
    if (f.type.kind !== 'relation') return;
    const t = f.type;
    const where = `field '${decl.name}.${f.name}'`;
    const selfTarget = t.target === 'self' && (t.relation === 'descendants_of' || t.relation === 'ancestors_of');
    if (!selfTarget) this.checkEntityRef(t.target, t.targetSpan, entityNames, where);
    if (t.via === undefined || t.viaSpan === undefined) return;
    if (t.relation === 'has_many') {
      this.checkEntityRef(t.via, t.viaSpan, entityNames, `the junction of ${where}`);
      return;
    }
    if (t.relation !== 'latest_one') return;
    const target = entityByName.get(t.target);
    if (!target || this.brokenEntity(target)) return;
    const fk = target.fields.find((x) => x.name === t.via);
    if (!fk) {
      const hint = didYouMean(t.via, target.fields.map((x) => x.name));
      this.diagnostics.push(
        diag('DZ3041', `${where} reads the newest ${t.target} via ${quote(t.via)}, which is not a field of ${t.target}`, {
          span: t.viaSpan,
          related: [{ message: `entity ${t.target} is declared here`, span: target.nameSpan }],
          hint: hint ?? `name the field of ${t.target} that refers to ${decl.name}, e.g. 'latest_one ${t.target} via ${decl.name.toLowerCase()}'`,
        }),
      );
      return;
    }
    if (fk.type.kind !== 'relation' || (fk.type.relation !== 'ref' && fk.type.relation !== 'belongs_to') || fk.type.target !== decl.name) {
      this.diagnostics.push(
        diag('DZ3042', `${where} reads the newest ${t.target} via '${t.via}', but ${t.target}.${t.via} is not a 'ref ${decl.name}'`, {
          span: t.viaSpan,
          related: [{ message: `${t.target}.${t.via} is declared here`, span: fk.nameSpan }],
          hint: `latest_one follows a foreign key on ${t.target} back to ${decl.name}: declare '${t.via}: ref ${decl.name}' on ${t.target}, or name that field`,
        }),
      );
      return;
    }
    if (!target.directives.some((d) => /^temporal\s*:/.test(d.text))) {
      this.diagnostics.push(
        diag('DZ3043', `${where} is 'latest_one ${t.target}', but ${t.target} has no 'temporal:' block to say which of its rows is current`, {
          span: t.targetSpan,
          related: [{ message: `entity ${t.target} is declared here`, span: target.nameSpan }],
          hint: `add to ${t.target}: temporal: with start_field, end_field and key_field`,
        }),
      );
    }
  }

  /** An entity that lost a line to error recovery (its fields may be missing). */
  brokenEntity(e: EntityDecl): boolean {
    return this.broken.has(e.name);
  }

  stream(decl: StreamDecl, entityNames: ReadonlySet<string>, enumNames: ReadonlySet<string>, entityByName: ReadonlyMap<string, EntityDecl>): Stream {
    const p = props(decl.members);
    const kind = (text(p.get('kind')) ?? 'FACT').toUpperCase() as Stream['kind'];
    const schemas = decl.schemas.map((s) => ({
      name: s.name,
      fields: s.fields.map((f) => {
        let type: FieldType = f.type;
        if (f.type.kind === 'relation') {
          this.relation({ name: decl.name, kind: 'stream' }, f, entityNames, entityByName);
          type = { kind: 'relation', relation: f.type.relation, target: f.type.target, ...(f.type.via !== undefined ? { via: f.type.via } : {}) };
        } else if (f.type.kind === 'scalar' && !SCALAR_TYPES.has(f.type.name)) {
          if (enumNames.has(f.type.name) && f.type.args.length === 0) type = { kind: 'enum_ref', enum: f.type.name };
          else this.unknownType(f.type.name, f.typeSpan, { name: `${decl.name}.${s.name}` }, f.name, entityNames, enumNames);
        }
        const mods = f.modifiers.map((m) => m.name);
        return { name: f.name, type, required: mods.includes('required') || mods.includes('pk'), span: f.span };
      }),
      span: s.span,
    }));
    return {
      name: decl.name,
      ...(decl.title !== undefined ? { title: decl.title } : {}),
      kind,
      description: text(p.get('description')),
      partitionKey: text(p.get('partition_key')),
      orderingScope: text(p.get('ordering_scope')),
      retention: text(p.get('retention')),
      schemas,
      properties: propertyRecord(decl.members),
      span: decl.span,
    };
  }

  unknownType(name: string, span: Span, decl: { readonly name: string }, field: string, entityNames: ReadonlySet<string>, enumNames: ReadonlySet<string>): void {
    const candidates = [...SCALAR_TYPES.keys(), ...enumNames];
    const near = didYouMean(name, candidates);
    const isEntity = entityNames.has(name);
    this.diagnostics.push(
      diag('DZ3011', `field '${decl.name}.${field}' has unknown type ${quote(name)}`, {
        span,
        hint: isEntity
          ? `to reference the entity, write 'ref ${name}'`
          : near ?? `field types: ${[...SCALAR_TYPES.keys()].join(', ')}, enum[…], ref Entity${enumNames.size ? `, or a declared enum (${[...enumNames].sort().join(', ')})` : ''}`,
      }),
    );
  }

  transaction(decl: TransactionDecl, ledgerNames: readonly string[], ledgerSet: ReadonlySet<string>): Transaction {
    const p = props(decl.members);
    const transfers = decl.transfers.map((t: SubBlock) => {
      const tp = props(t.members);
      for (const side of ['debit', 'credit'] as const) {
        const prop = tp.get(side);
        const name = text(prop);
        if (prop && name && !ledgerSet.has(name) && !this.broken.has(name) && !this.unreadable) {
          const hint = didYouMean(name, ledgerNames);
          this.diagnostics.push(
            diag('DZ3005', `transfer '${t.name}' in transaction '${decl.name}' ${side}s ledger ${quote(name)}, which is not declared`, {
              span: prop.value.span ?? prop.keySpan,
              hint: hint ?? (ledgerNames.length ? `declared ledgers: ${ledgerNames.join(', ')}` : 'declare it with `ledger Name "Title":` (account_code, account_type, currency)'),
            }),
          );
        }
      }
      return {
        name: t.name,
        debit: text(tp.get('debit')) ?? '',
        credit: text(tp.get('credit')) ?? '',
        amount: text(tp.get('amount')) ?? '',
        code: intValue(tp.get('code')),
        flags: names(tp.get('flags')),
        span: t.span,
      };
    });
    return {
      name: decl.name,
      ...(decl.title !== undefined ? { title: decl.title } : {}),
      execution: text(p.get('execution')) === 'async' ? 'async' : 'sync',
      priority: text(p.get('priority')) ?? 'normal',
      idempotencyKey: text(p.get('idempotency_key')),
      transfers,
      span: decl.span,
    };
  }

  channel(decl: ChannelDecl, messageNames: ReadonlySet<string>): Channel {
    const p = props(decl.members);
    const config = p.get('config');
    const operations = decl.operations.map((op) => {
      const op_ = props(op.members);
      const message = op_.get('message');
      const messageName = text(message);
      if (message && messageName && messageNames.size > 0 && !messageNames.has(messageName) && !this.broken.has(messageName) && !this.unreadable) {
        const hint = didYouMean(messageName, messageNames);
        this.diagnostics.push(
          diag('DZ3008', `${op.keyword} '${op.name}' of channel '${decl.name}' uses message ${quote(messageName)}, which is not declared`, {
            span: message.value.span ?? message.keySpan,
            hint: hint ?? `declared messages: ${[...messageNames].sort().join(', ')}`,
          }),
        );
      }
      return { direction: op.keyword as 'send' | 'receive', name: op.name, message: messageName, when: text(op_.get('when')), span: op.span };
    });
    const mode = text(p.get('delivery_mode'));
    return {
      name: decl.name,
      ...(decl.title !== undefined ? { title: decl.title } : {}),
      kind: (text(p.get('kind')) ?? 'queue') as Channel['kind'],
      provider: text(p.get('provider')),
      config: config ? propertyRecord(config.members) : {},
      deliveryMode: mode === 'outbox' || mode === 'direct' ? mode : null,
      operations,
      span: decl.span,
    };
  }

  service(decl: PropertyConstructDecl): Service {
    const p = props(decl.members);
    const spec = p.get('spec');
    const specKind = spec?.value.parts[0]?.image;
    const specValue = spec?.value.parts.find((x) => x.type === 'string')?.value;
    const auth = p.get('auth_profile');
    const authParts = auth?.value.parts ?? [];
    const options: Record<string, string> = {};
    for (let i = 1; i + 2 < authParts.length; i++) {
      const k = authParts[i];
      const eq = authParts[i + 1];
      const v = authParts[i + 2];
      if (k?.type === 'name' && eq?.image === '=' && v) {
        options[k.image] = v.value ?? v.image;
        i += 2;
      }
    }
    return {
      name: decl.name,
      ...(decl.title !== undefined ? { title: decl.title } : {}),
      kind: text(p.get('kind')),
      spec: spec && (specKind === 'url' || specKind === 'inline') && specValue !== undefined ? { type: specKind, value: specValue } : null,
      authProfile: auth && authParts[0] ? { kind: authParts[0].image, options } : null,
      properties: propertyRecord(decl.members),
      span: decl.span,
    };
  }

  /** Every `config("NAME")` in a typed construct's properties. */
  configReferences(all: readonly Located<Decl>[]): ConfigReference[] {
    const out: ConfigReference[] = [];
    const visit = (members: readonly Member[], usedBy: string) => {
      for (const m of members) {
        if (m.kind !== 'property') continue;
        const ps = m.value.parts;
        for (let i = 0; i + 3 < ps.length; i++) {
          if (ps[i]?.image === 'config' && ps[i + 1]?.image === '(' && ps[i + 2]?.type === 'string' && ps[i + 3]?.image === ')' && m.value.span) {
            out.push({ name: ps[i + 2]?.value ?? '', usedBy, span: m.value.span });
          }
        }
        visit(m.members, usedBy);
      }
    };
    for (const { decl } of all) {
      if ('members' in decl && 'name' in decl) visit(decl.members, `${decl.kind} ${decl.name}`);
      else if ('members' in decl) visit(decl.members, decl.kind);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.span.offset - b.span.offset));
  }
}

/** Link parsed files into one AppSpec. `projectFiles` lists every DSL file (for messages). */
/**
 * Link parsed files into one AppSpec. `projectFiles` lists every DSL file (for messages);
 * `unreadable` says a file could not be parsed at all, so names it may declare are unknown
 * and unresolved references are not reported (they would follow from that file's errors).
 */
export function link(files: readonly FileAst[], projectFiles: readonly string[], unreadable = false): Result<AppSpec | undefined> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const l = new Linker();
  const spec = l.link(sorted, projectFiles, unreadable);
  return { value: spec ? deepFreeze(spec) : undefined, diagnostics: l.diagnostics };
}

/** Where the first of `fields` before index `i` with the same name as the field at `i` is named, if one is. */
function earlierName(fields: readonly { readonly name: string; readonly nameSpan: Span }[], i: number): Span | undefined {
  const name = (fields[i] as { readonly name: string }).name;
  for (let j = 0; j < i; j++) if ((fields[j] as { readonly name: string }).name === name) return (fields[j] as { readonly nameSpan: Span }).nameSpan;
  return undefined;
}

/** The empty list every empty list of the IR is. */
const NONE: readonly never[] = Object.freeze([]);

/** Freeze the IR and everything in it. Indexed and for-in loops: an AppSpec can hold millions of objects. */
function deepFreeze<T>(o: T): T {
  if (typeof o !== 'object' || o === null || Object.isFrozen(o)) return o;
  Object.freeze(o);
  // Primitives are tested here rather than in a call each: most of the IR's values are numbers and strings.
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) {
      const v: unknown = o[i];
      if (typeof v === 'object' && v !== null) deepFreeze(v);
    }
  } else {
    const r = o as Record<string, unknown>;
    for (const k in r) {
      const v = r[k];
      if (typeof v === 'object' && v !== null) deepFreeze(v);
    }
  }
  return o;
}
