/**
 * The words of the language that the typed rules know: field types, field
 * modifiers, entity directives, and the properties each typed construct takes.
 */

/** Scalar field types and their argument shapes. */
export const SCALAR_TYPES: ReadonlyMap<string, { readonly args: 'none' | 'length' | 'precision' | 'currency' | 'optional-length' | 'targets' }> = new Map([
  ['str', { args: 'optional-length' }],
  ['text', { args: 'none' }],
  ['int', { args: 'none' }],
  ['decimal', { args: 'precision' }],
  ['float', { args: 'none' }],
  ['bool', { args: 'none' }],
  ['date', { args: 'none' }],
  ['datetime', { args: 'none' }],
  ['time', { args: 'none' }],
  ['uuid', { args: 'none' }],
  ['email', { args: 'none' }],
  ['url', { args: 'none' }],
  ['slug', { args: 'none' }],
  ['json', { args: 'none' }],
  ['money', { args: 'currency' }],
  ['file', { args: 'none' }],
  ['image', { args: 'none' }],
  ['timezone', { args: 'none' }],
  ['poly_ref', { args: 'targets' }],
] as const);

/** Relations written `kw Entity` (with an optional `via Junction` after has_many). */
export const RELATION_KINDS = ['ref', 'has_many', 'has_one', 'embeds', 'belongs_to'] as const;
/**
 * Derived relations written `kw Target via path`: `latest_one Employment via person`
 * (the newest row of a has-many, through the foreign key on the target),
 * `descendants_of self via parent`, `ancestors_of self via parent`.
 */
export const DERIVED_RELATIONS = ['latest_one', 'descendants_of', 'ancestors_of'] as const;
export type RelationKind = (typeof RELATION_KINDS)[number] | (typeof DERIVED_RELATIONS)[number];
/** The derived relation words, for the parser's gate. */
export const VIA_RELATIONS: ReadonlySet<string> = new Set(DERIVED_RELATIONS);

/** Every word that can start a field type. */
export const TYPE_NAMES: ReadonlySet<string> = new Set([...SCALAR_TYPES.keys(), ...RELATION_KINDS, ...DERIVED_RELATIONS, 'enum', 'computed']);

/** The bases of date arithmetic in defaults: `today`, `now` (`today + 7d`, `now - 24h`). */
export const DATE_BASES: ReadonlySet<string> = new Set(['today', 'now']);
/** Duration suffixes date arithmetic allows, as Dazzle defines them (`m` and `mo` are months). */
export const DATE_UNIT_SUFFIXES = ['min', 'h', 'd', 'w', 'm', 'mo', 'y'] as const;

/** Record kinds of a `stream` (HLESS); Dazzle reads them in any case and they are shown in capitals. */
export const STREAM_KINDS = ['INTENT', 'FACT', 'OBSERVATION', 'DERIVATION'] as const;

/** Field modifiers (bare words). `storage=…` and `=default` are handled separately. */
export const FIELD_MODIFIERS: ReadonlySet<string> = new Set([
  'required',
  'optional',
  'pk',
  'unique',
  'auto_add',
  'auto_update',
  'sensitive',
  'indexed',
  'searchable',
  'readonly',
  'pii',
  'cascade',
  'restrict',
  'nullify',
  'was',
  'storage',
  'default',
]);

/** Keys of the indented lines that may continue a field (`semantic: open=neutral, done=positive`). */
export const FIELD_CONTINUATIONS: ReadonlySet<string> = new Set(['semantic']);

/** Modifiers that take a value: `storage=media`, `default=…`, `was: old`. */
export const VALUED_MODIFIERS: ReadonlySet<string> = new Set(['storage', 'default', 'was']);

/**
 * Keys that start a directive line inside an entity rather than a field
 * (`intent: "…"`, `transitions:`, `access:`, …). A line whose key is one of
 * these but whose value is a field type is still read as a field.
 */
export const ENTITY_DIRECTIVES: ReadonlySet<string> = new Set([
  'intent',
  'domain',
  'patterns',
  'extends',
  'subtype_of',
  'was',
  'archetype',
  'managed_by',
  'display_field',
  'transitions',
  'invariant',
  'access',
  'permit',
  'forbid',
  'scope',
  'audit',
  'examples',
  'publish',
  'visible',
  'soft_delete',
  'signable',
  'signing_validator',
  'signing_template',
  'tenant_host',
  'temporal',
  'searchable',
  'bulk',
  'import',
  'export',
  'notification',
  'notify',
  'ranking',
  'highlight',
  'tokenizer',
  'lifecycle',
  'fitness',
  'graph_edge',
  'graph_node',
  'state_machine',
  'description',
  'ux',
  'unique',
  'index',
  'seed',
  'tenant_scoped',
]);

/** The shape a property value must have. */
export type ValueKind =
  | 'string' // "quoted"
  | 'int' // 42
  | 'name' // identifier
  | 'names' // a, b, c   or   [a, b, c]
  | 'bool' // true | false
  | 'duration' // 30s, 24h, 7d, or a number of seconds
  | 'cron' // "0 2 * * *" or cron("…")
  | 'expr' // any expression, kept as text
  | 'block'; // an indented block (value on the line is optional)

export interface PropertySpec {
  readonly kind: ValueKind;
  readonly allowed?: readonly string[];
  readonly required?: boolean;
  /** The allowed values match in any case (`kind: fact` is FACT). @default false */
  readonly anyCase?: boolean;
  /** The key may be given more than once (`note:` lines of a stream). @default false */
  readonly repeatable?: boolean;
}

export interface ConstructSchema {
  /** Unknown keys are errors (true) or kept as they are (false). */
  readonly strict: boolean;
  readonly properties: Readonly<Record<string, PropertySpec>>;
}

const expr: PropertySpec = { kind: 'expr' };
const block: PropertySpec = { kind: 'block' };
const str: PropertySpec = { kind: 'string' };

export const LLM_PROVIDERS = ['anthropic', 'openai', 'google', 'bedrock', 'azure_openai', 'mistral', 'ollama', 'local', 'mock'] as const;

/** Property schemas of the typed constructs (keys in the order documented). */
export const SCHEMAS: Readonly<Record<string, ConstructSchema>> = {
  app: { strict: false, properties: { description: str, multi_tenant: { kind: 'bool' }, audit_trail: { kind: 'bool' }, security_profile: { kind: 'name' } } },
  ledger: {
    strict: true,
    properties: {
      intent: str,
      account_code: { kind: 'int', required: true },
      ledger_id: { kind: 'int' },
      account_type: { kind: 'name', allowed: ['asset', 'liability', 'equity', 'revenue', 'expense'], required: true },
      currency: { kind: 'name', required: true },
      flags: { kind: 'names', allowed: ['debits_must_not_exceed_credits', 'credits_must_not_exceed_debits', 'linked', 'history'] },
      sync_to: expr,
      tenant_scoped: { kind: 'bool' },
      metadata_mapping: block,
      description: str,
    },
  },
  transaction: {
    strict: true,
    properties: {
      intent: str,
      description: str,
      execution: { kind: 'name', allowed: ['sync', 'async'] },
      priority: { kind: 'name', allowed: ['critical', 'high', 'normal', 'low'] },
      timeout: { kind: 'duration' },
      idempotency_key: expr,
      validation: block,
    },
  },
  transfer: {
    strict: true,
    properties: {
      debit: { kind: 'name', required: true },
      credit: { kind: 'name', required: true },
      amount: { kind: 'expr', required: true },
      code: { kind: 'int' },
      flags: { kind: 'names', allowed: ['linked', 'pending', 'post_pending', 'void_pending', 'balancing'] },
      pending_id: expr,
      user_data: block,
    },
  },
  channel: {
    strict: true,
    properties: {
      kind: { kind: 'name', allowed: ['email', 'queue', 'stream'], required: true },
      provider: { kind: 'name' },
      description: str,
      config: block,
      provider_config: block,
      delivery_mode: { kind: 'name', allowed: ['outbox', 'direct'] },
      throttle: block,
    },
  },
  send: { strict: false, properties: { message: { kind: 'name' }, when: expr, delivery_mode: { kind: 'name', allowed: ['outbox', 'direct'] }, mapping: block, throttle: block } },
  receive: { strict: false, properties: { message: { kind: 'name' }, match: block, action: expr, mapping: block } },
  schedule: {
    strict: false,
    properties: {
      cron: { kind: 'cron' },
      interval: { kind: 'duration' },
      interval_seconds: { kind: 'int' },
      every: { kind: 'duration' },
      timezone: str,
      catch_up: { kind: 'bool' },
      overlap: { kind: 'name', allowed: ['skip', 'queue', 'cancel_previous', 'allow'] },
      timeout: { kind: 'duration' },
      process: { kind: 'name' },
      steps: block,
      input: block,
      description: str,
    },
  },
  job: {
    strict: false,
    properties: {
      trigger: expr,
      schedule: { kind: 'cron' },
      run: expr,
      retry: expr,
      retry_backoff: { kind: 'name' },
      timeout: { kind: 'duration' },
      dead_letter: expr,
      description: str,
    },
  },
  service: {
    strict: false,
    properties: { spec: expr, auth_profile: expr, owner: str, kind: { kind: 'name' }, stub: { kind: 'name' }, input: block, output: block, guarantees: block, description: str },
  },
  integration: { strict: false, properties: {} },
  experience: { strict: false, properties: {} },
  webhook: {
    strict: false,
    properties: { entity: { kind: 'name' }, events: { kind: 'names', allowed: ['created', 'updated', 'deleted'] }, url: expr, auth: block, payload: block, retry: block },
  },
  llm_model: {
    strict: false,
    properties: {
      provider: { kind: 'name', allowed: LLM_PROVIDERS },
      model_id: expr,
      tier: { kind: 'name' },
      max_tokens: { kind: 'int' },
      cost_per_1k_input: expr,
      cost_per_1k_output: expr,
      description: str,
    },
  },
  llm_config: { strict: false, properties: { default_model: { kind: 'name' }, default_provider: { kind: 'name', allowed: LLM_PROVIDERS }, artifact_store: expr, logging: block, rate_limits: block } },
  llm_intent: {
    strict: false,
    properties: {
      model: { kind: 'name' },
      prompt: str,
      description: str,
      output_schema: expr,
      input: block,
      timeout: { kind: 'duration' },
      retry: block,
      pii: block,
      trigger: { kind: 'block', repeatable: true },
    },
  },
  retry: {
    strict: false,
    properties: { max_attempts: { kind: 'int' }, backoff: { kind: 'name', allowed: ['linear', 'exponential'] }, initial_delay_ms: { kind: 'int' }, max_delay_ms: { kind: 'int' } },
  },
  pii: { strict: false, properties: { scan: { kind: 'bool' }, action: { kind: 'name', allowed: ['warn', 'redact', 'reject'] }, patterns: expr } },
  tenancy: { strict: false, properties: { mode: { kind: 'name' } } },
  topic: { strict: false, properties: { retention: { kind: 'duration' }, partition_key: { kind: 'name' } } },
  event: { strict: false, properties: { topic: { kind: 'name' }, payload: { kind: 'name' }, fields: block } },
  event_model: { strict: false, properties: {} },
  stream: {
    strict: false,
    properties: {
      kind: { kind: 'name', allowed: STREAM_KINDS, required: true, anyCase: true },
      description: str,
      partition_key: { kind: 'name' },
      ordering_scope: { kind: 'name' },
      t_event: { kind: 'name' },
      t_log: { kind: 'name' },
      t_process: { kind: 'name' },
      idempotency: expr,
      outcomes: block,
      derives_from: expr,
      emits: { kind: 'names' },
      side_effects: expr,
      causality_fields: { kind: 'names' },
      cross_partition: { kind: 'bool' },
      retention: { kind: 'duration' },
      invariant: { kind: 'string', repeatable: true },
      note: { kind: 'string', repeatable: true },
    },
  },
};
