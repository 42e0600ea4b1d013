/** What every lowering pass sees: the AppSpec, the resolved config, the requirements so far, and a place for diagnostics. */
import type { ConfigSource, ResolvedConfig } from '../config/index.js';
import type { Diagnostic, RelatedLocation, Span } from '../diagnostics/index.js';
import type { AppSpec } from '../ir/index.js';
import type { Because, InfraRequirements } from './requirements.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** The requirements being built; passes fill it in order. */
export type Draft = Mutable<InfraRequirements>;

export interface PassContext {
  readonly spec: AppSpec;
  readonly config: ResolvedConfig;
  readonly draft: Draft;
  readonly report: (d: Diagnostic) => void;
}

/** A lowering pass: reads the AppSpec and config, adds requirements to the draft. */
export type Pass = (ctx: PassContext) => void;

export function dsl(construct: string, item: { readonly name: string; readonly span: Span }): Because {
  return { kind: 'dsl', construct, name: item.name, span: item.span };
}

export function configKey(config: ResolvedConfig, key: string): Because {
  const source: ConfigSource = config.sources[key] ?? { kind: 'default' };
  return { kind: 'config', key: `deploy.${key}`, source, value: configValue(config, key) };
}

/** The resolved value at a dotted [deploy] key, as TOML-ish text (for "because" lines). */
export function configValue(config: ResolvedConfig, key: string): string {
  let cur: unknown = config.deploy;
  for (const k of key.split('.')) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return JSON.stringify(cur) ?? 'unset';
}

/**
 * Where a cause is written: the DSL construct, or the dazzle.toml line of a config key
 * (following inherited values to where they were set). Empty for defaults.
 */
export function spanOf(config: ResolvedConfig, because: Because): { span?: Span } {
  if (because.kind === 'dsl') return { span: because.span };
  let source: ConfigSource | undefined = because.source;
  for (let hops = 0; source?.kind === 'inherited' && hops < 10; hops++) source = config.sources[source.from];
  if (source?.kind !== 'file') return {};
  return { span: { file: source.file, line: source.line, col: source.col, endLine: source.line, endCol: source.col + 1, offset: 0, length: 0 } };
}

/** `entity User`, `deploy.secrets.api_key`: a cause as the user wrote it. */
export function causeText(b: Because): string {
  return b.kind === 'dsl' ? `${b.construct} ${b.name}` : b.key;
}

/** The first of `causes` that has a place, as a related location. */
export function relatedAt(config: ResolvedConfig, causes: readonly Because[], message: (b: Because) => string): RelatedLocation[] {
  for (const b of causes) {
    const { span } = spanOf(config, b);
    if (span) return [{ message: message(b), span }];
  }
  return [];
}
