/**
 * The syntax tree of one file: plain, JSON-serialisable data with spans.
 * Typed constructs keep their properties schema-checked; every other construct
 * is an {@link OpaqueDecl} that keeps its text.
 */
import type { Span } from '../diagnostics/index.js';
import type { RelationKind } from './vocabulary.js';

/** One token of a property value. */
export interface ValuePart {
  readonly type: 'string' | 'number' | 'duration' | 'name' | 'symbol';
  /** The token as written. */
  readonly image: string;
  /** For strings: the unescaped contents. */
  readonly value?: string;
}

/** The value after `key:`, as written, with its tokens. */
export interface Value {
  readonly text: string;
  readonly parts: readonly ValuePart[];
  readonly span: Span | undefined;
}

/** `key: value` with an optional nested block. */
export interface Property {
  readonly kind: 'property';
  readonly key: string;
  readonly keySpan: Span;
  readonly value: Value;
  readonly members: readonly Member[];
  readonly span: Span;
}

/** A line we keep as text (with its nested block). */
export interface OpaqueLine {
  readonly kind: 'line';
  readonly text: string;
  readonly span: Span;
}

export type Member = Property | OpaqueLine;

export type FieldType =
  | { readonly kind: 'scalar'; readonly name: string; readonly args: readonly (string | number)[] }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | {
      readonly kind: 'relation';
      readonly relation: RelationKind;
      readonly target: string;
      readonly targetSpan: Span;
      /** `has_many X via Junction`: the junction entity; `latest_one X via fk`: the foreign key on X. */
      readonly via?: string;
      readonly viaSpan?: Span;
    }
  | { readonly kind: 'computed'; readonly expression: string };

/** Units of date arithmetic (`7d`, `24h`, `30min`, `2w`, `3m` or `3mo` months, `1y`). */
export type DateUnit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';

/** A date default: `today`, `now`, or `today + 7d` / `now - 24h`. */
export type DateExpression =
  | { readonly kind: 'today' | 'now' }
  | {
      readonly kind: 'date_arithmetic';
      readonly base: 'today' | 'now';
      readonly operator: '+' | '-';
      readonly amount: number;
      /** null when the duration's unit is not one date arithmetic allows (reported when checked). */
      readonly unit: DateUnit | null;
      /** The duration as written. */
      readonly duration: string;
    };

export interface FieldModifier {
  readonly name: string;
  readonly value?: string;
  readonly span: Span;
}

export interface Field {
  readonly name: string;
  readonly nameSpan: Span;
  readonly type: FieldType;
  readonly typeSpan: Span;
  readonly modifiers: readonly FieldModifier[];
  /** The default value as written (`=open`, `=0`, `="x"`, `=today + 7d`). */
  readonly default?: string;
  /** The default as an expression, when it is a date (`today`, `now - 24h`). */
  readonly defaultExpression?: DateExpression;
  /** Indented lines continuing the field (`semantic: …`). */
  readonly continuation?: readonly OpaqueLine[];
  readonly span: Span;
}

interface NamedDecl {
  readonly name: string;
  readonly nameSpan: Span;
  readonly title?: string;
  readonly span: Span;
}

export interface ModuleDecl {
  readonly kind: 'module';
  readonly name: string;
  readonly span: Span;
}

export interface UseDecl {
  readonly kind: 'use';
  readonly module: string;
  readonly moduleSpan: Span;
  readonly alias?: string;
  readonly span: Span;
}

export interface AppDecl extends NamedDecl {
  readonly kind: 'app';
  readonly properties: readonly Member[];
}

export interface EntityDecl extends NamedDecl {
  readonly kind: 'entity' | 'archetype';
  readonly fields: readonly Field[];
  /** Directive lines (`intent:`, `transitions:`, `access:`, …) kept as text. */
  readonly directives: readonly OpaqueLine[];
}

export interface EnumDecl extends NamedDecl {
  readonly kind: 'enum';
  readonly values: readonly string[];
}

/** A named block of properties: `send x:`, `transfer y:`, `topic z:`, `event E:`. */
export interface SubBlock {
  readonly keyword: string;
  readonly name: string;
  readonly nameSpan: Span;
  readonly members: readonly Member[];
  readonly span: Span;
}

export interface TransactionDecl extends NamedDecl {
  readonly kind: 'transaction';
  readonly members: readonly Member[];
  readonly transfers: readonly SubBlock[];
}

export interface ChannelDecl extends NamedDecl {
  readonly kind: 'channel';
  readonly members: readonly Member[];
  readonly operations: readonly SubBlock[];
}

export interface EventModelDecl {
  readonly kind: 'event_model';
  /** `event_model Name "Title":` names the model; `event_model:` does not. */
  readonly name?: string;
  readonly nameSpan?: Span;
  readonly title?: string;
  readonly members: readonly Member[];
  readonly topics: readonly SubBlock[];
  readonly events: readonly SubBlock[];
  readonly span: Span;
}

export type PropertyConstructKind = 'ledger' | 'schedule' | 'job' | 'service' | 'integration' | 'experience' | 'webhook' | 'llm_model' | 'llm_intent';

export interface PropertyConstructDecl extends NamedDecl {
  readonly kind: PropertyConstructKind;
  readonly members: readonly Member[];
}

export interface SectionDecl {
  readonly kind: 'tenancy' | 'llm_config';
  /** The keyword (`llm_config`). */
  readonly keySpan: Span;
  readonly members: readonly Member[];
  readonly span: Span;
}

/** `schema Name:` inside a stream: the event's fields. */
export interface StreamSchema {
  readonly name: string;
  readonly nameSpan: Span;
  readonly fields: readonly Field[];
  /** Other lines (`extends:`, `compatibility:` …) as written. */
  readonly members: readonly Member[];
  readonly span: Span;
}

/** `stream name:` (HLESS): a record stream with its kind, keys and schemas. */
export interface StreamDecl extends NamedDecl {
  readonly kind: 'stream';
  readonly members: readonly Member[];
  readonly schemas: readonly StreamSchema[];
}

/** Any construct without a typed rule (surface, workspace, persona, story, process, …). */
export interface OpaqueDecl {
  readonly kind: 'opaque';
  /** The first word of the construct (`surface`, `persona`, `feedback_widget`, …). */
  readonly keyword: string;
  /** The second word, when it is a name. */
  readonly name?: string;
  readonly text: string;
  readonly span: Span;
}

export type Decl =
  | ModuleDecl
  | UseDecl
  | AppDecl
  | EntityDecl
  | EnumDecl
  | TransactionDecl
  | ChannelDecl
  | EventModelDecl
  | StreamDecl
  | PropertyConstructDecl
  | SectionDecl
  | OpaqueDecl;

export interface FileAst {
  readonly path: string;
  readonly decls: readonly Decl[];
  /**
   * Statements that held a syntax error (keyword and name), present only when
   * there were any: the linker does not report references to them.
   */
  readonly broken?: readonly { readonly keyword: string; readonly name?: string }[];
}
