/**
 * The AppSpec IR: what the application declares, linked and checked. Plain,
 * immutable, JSON-serialisable data; every node keeps its source span. Later
 * stages (lowering, plan, generate) read only this, never the syntax tree.
 */
import type { Span } from '../diagnostics/index.js';
import type { DateExpression, RelationKind } from '../syntax/index.js';

export const APPSPEC_FORMAT_VERSION = 1;

export type FieldType =
  | { readonly kind: 'scalar'; readonly name: string; readonly args: readonly (string | number)[] }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A field typed by a shared `enum` declaration. */
  | { readonly kind: 'enum_ref'; readonly enum: string }
  | {
      readonly kind: 'relation';
      readonly relation: RelationKind;
      readonly target: string;
      /** has_many: the junction entity of a many-to-many; latest_one, descendants_of, ancestors_of: the path (a foreign key on the target). */
      readonly via?: string;
    }
  | { readonly kind: 'computed'; readonly expression: string };

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly primaryKey: boolean;
  readonly unique: boolean;
  readonly sensitive: boolean;
  /** Object-storage binding from `storage=name`. */
  readonly storage?: string;
  /** The default as written (`open`, `0`, `today + 30d`). */
  readonly default?: string;
  /** The default as an expression, when it is a date: `{ kind: 'today' }`, or date arithmetic (`today + 30d`). */
  readonly defaultExpression?: DateExpression;
  /** Every modifier as written, in order. */
  readonly modifiers: readonly string[];
  readonly span: Span;
}

export interface Entity {
  readonly name: string;
  readonly title?: string;
  readonly module: string | null;
  readonly fields: readonly Field[];
  /** Directive lines (`intent:`, `transitions:`, `access:` …) as written. */
  readonly directives: readonly string[];
  readonly span: Span;
}

export interface EnumType {
  readonly name: string;
  readonly title?: string;
  readonly values: readonly string[];
  readonly span: Span;
}

export interface Ledger {
  readonly name: string;
  readonly title?: string;
  readonly accountCode: number;
  readonly ledgerId: number | null;
  readonly accountType: string;
  readonly currency: string;
  readonly flags: readonly string[];
  readonly syncTo: string | null;
  readonly tenantScoped: boolean;
  readonly span: Span;
}

export interface Transfer {
  readonly name: string;
  readonly debit: string;
  readonly credit: string;
  readonly amount: string;
  readonly code: number | null;
  readonly flags: readonly string[];
  readonly span: Span;
}

export interface Transaction {
  readonly name: string;
  readonly title?: string;
  /** `sync` unless the DSL says `execution: async`. */
  readonly execution: 'sync' | 'async';
  readonly priority: string;
  readonly idempotencyKey: string | null;
  readonly transfers: readonly Transfer[];
  readonly span: Span;
}

export interface ChannelOperation {
  readonly direction: 'send' | 'receive';
  readonly name: string;
  readonly message: string | null;
  readonly when: string | null;
  readonly span: Span;
}

export interface Channel {
  readonly name: string;
  readonly title?: string;
  readonly kind: 'email' | 'queue' | 'stream';
  readonly provider: string | null;
  /** `config:` entries as written (e.g. `dead_letter_after`, `retention`, `from_address`). */
  readonly config: Readonly<Record<string, string>>;
  readonly deliveryMode: 'outbox' | 'direct' | null;
  readonly operations: readonly ChannelOperation[];
  readonly span: Span;
}

/** A located expression as written (a cron string, an interval, a value). */
export interface Located {
  readonly value: string;
  readonly span: Span;
}

export interface Schedule {
  readonly name: string;
  readonly title?: string;
  /** The cron expression as written (5 or 6 fields), if any. */
  readonly cron: Located | null;
  /** An interval (`interval:`, `every:`, `interval_seconds:`) as written, if any. */
  readonly interval: Located | null;
  readonly timezone: string | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly span: Span;
}

export interface Job {
  readonly name: string;
  readonly title?: string;
  readonly trigger: string | null;
  readonly schedule: Located | null;
  readonly run: string | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly span: Span;
}

export interface Service {
  readonly name: string;
  readonly title?: string;
  /** `domain_logic`, `integration`, `workflow`, … for domain services; null for API services. */
  readonly kind: string | null;
  readonly spec: { readonly type: 'url' | 'inline'; readonly value: string } | null;
  readonly authProfile: { readonly kind: string; readonly options: Readonly<Record<string, string>> } | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly span: Span;
}

/** A construct kept as a bag of properties (integration, experience, tenancy, llm_config). */
export interface PropertyConstruct {
  readonly name: string;
  readonly title?: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly span: Span;
}

export interface Webhook {
  readonly name: string;
  readonly title?: string;
  readonly entity: string | null;
  readonly events: readonly string[];
  readonly url: string | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly span: Span;
}

export interface LlmModel {
  readonly name: string;
  readonly title?: string;
  readonly provider: string | null;
  readonly modelId: string | null;
  readonly tier: string | null;
  readonly maxTokens: number | null;
  readonly span: Span;
}

export interface EventTopic {
  readonly name: string;
  /** The named event model that declares it (`event_model Orders "Orders":`), if it is named. */
  readonly model?: string;
  readonly retention: string | null;
  readonly partitionKey: string | null;
  readonly span: Span;
}

export interface EventType {
  readonly name: string;
  readonly topic: string | null;
  readonly span: Span;
}

/** A field of a stream schema. */
export interface StreamField {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly span: Span;
}

/** A `stream` (HLESS record stream): its record kind, keys and schemas. It becomes an event bus, or a Kafka topic. */
export interface Stream {
  readonly name: string;
  readonly title?: string;
  readonly kind: 'INTENT' | 'FACT' | 'OBSERVATION' | 'DERIVATION';
  readonly description: string | null;
  readonly partitionKey: string | null;
  readonly orderingScope: string | null;
  /** Retention as written (`30d`), when given. */
  readonly retention: string | null;
  readonly schemas: readonly { readonly name: string; readonly fields: readonly StreamField[]; readonly span: Span }[];
  readonly properties: Readonly<Record<string, string>>;
  readonly span: Span;
}

/** An `llm_intent`: a prompt run against a model. */
export interface LlmIntent {
  readonly name: string;
  readonly title?: string;
  readonly model: string | null;
  readonly timeout: string | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly span: Span;
}

/** A `config("NAME")` reference: a value the deployment must supply. */
export interface ConfigReference {
  readonly name: string;
  /** The construct that uses it, e.g. `webhook TicketNotify`. */
  readonly usedBy: string;
  readonly span: Span;
}

/** Any construct without a typed rule, kept with its text. */
export interface OpaqueConstruct {
  readonly keyword: string;
  readonly name: string | null;
  readonly text: string;
  readonly span: Span;
}

export interface Module {
  readonly name: string | null;
  readonly files: readonly string[];
  readonly uses: readonly string[];
}

export interface AppSpec {
  readonly formatVersion: typeof APPSPEC_FORMAT_VERSION;
  readonly app: {
    readonly name: string;
    readonly title?: string;
    readonly properties: Readonly<Record<string, string>>;
    readonly span: Span;
  };
  readonly modules: readonly Module[];
  readonly entities: readonly Entity[];
  readonly archetypes: readonly Entity[];
  readonly enums: readonly EnumType[];
  readonly ledgers: readonly Ledger[];
  readonly transactions: readonly Transaction[];
  readonly channels: readonly Channel[];
  readonly eventTopics: readonly EventTopic[];
  readonly events: readonly EventType[];
  /** HLESS streams (added in format 1; absent from older output). */
  readonly streams: readonly Stream[];
  readonly schedules: readonly Schedule[];
  readonly jobs: readonly Job[];
  readonly services: readonly Service[];
  readonly integrations: readonly PropertyConstruct[];
  readonly experiences: readonly PropertyConstruct[];
  readonly webhooks: readonly Webhook[];
  readonly llmModels: readonly LlmModel[];
  readonly llmIntents: readonly LlmIntent[];
  readonly llmConfig: PropertyConstruct | null;
  readonly tenancy: PropertyConstruct | null;
  readonly configReferences: readonly ConfigReference[];
  readonly constructs: readonly OpaqueConstruct[];
}
