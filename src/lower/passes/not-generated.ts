/**
 * What the plan would need but this version cannot generate yet is an error as soon
 * as the plan is made (DZ7001), so that `plan` and `generate` report it alike, at the
 * same place: an email channel without a from address, and the settings that are
 * accepted but build nothing yet. Emission refuses the same plans (`unsupported()` in emit), with the
 * same diagnostics, for a plan built any other way.
 */
import type { ResolvedConfig } from '../../config/index.js';
import { diag, quote, type Diagnostic, type Span } from '../../diagnostics/index.js';
import { VERSION } from '../../version.js';
import { configKey, spanOf, type Pass } from '../context.js';

/** DZ7001 for an email channel without a from address: SES has no identity to create. */
export function noFromAddress(channel: string, span?: Span): Diagnostic {
  return diag('DZ7001', `email channel '${channel}' has no from address, so there is no SES identity to create`, {
    ...(span ? { span } : {}),
    hint: "set the channel's from_address in its config: block to the address the app sends from",
  });
}

/** `[deploy]` settings that are accepted and documented, but that dazzle does not build yet. */
export const NOT_GENERATED = {
} as const;

export type NotGeneratedKey = keyof typeof NOT_GENERATED;

/** DZ7001 for a `[deploy]` setting that asks for something not built yet. */
export function notGenerated(key: NotGeneratedKey, value: string | boolean, span?: Span): Diagnostic {
  const { what, hint } = NOT_GENERATED[key];
  const shown = typeof value === 'string' ? quote(value) : String(value);
  return diag('DZ7001', `dazzle ${VERSION} cannot generate ${what} yet (deploy.${key} = ${shown})`, { ...(span ? { span } : {}), keyPath: `deploy.${key}`, hint });
}

/** The settings of `config` that ask for something not built yet, with their values. */
export function notGeneratedSettings(config: ResolvedConfig): { readonly key: NotGeneratedKey; readonly value: string | boolean }[] {
  const out: { key: NotGeneratedKey; value: string | boolean }[] = [];
  void config; // every documented setting is built today; a new one that is not goes in NOT_GENERATED
  return out;
}

export const notGeneratedYet: Pass = ({ config, draft, report }) => {
  for (const e of draft.emailSenders) {
    if (e.fromAddress) continue;
    const at = e.because.find((b) => b.kind === 'dsl');
    report(noFromAddress(e.name, at?.kind === 'dsl' ? at.span : undefined));
  }
  for (const { key, value } of notGeneratedSettings(config)) report(notGenerated(key, value, spanOf(config, configKey(config, key)).span));
};
