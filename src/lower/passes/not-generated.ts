/**
 * What the plan would need but this version cannot generate yet is an error as soon
 * as the plan is made (DZ7001), so that `plan` and `generate` report it alike, at the
 * same place: an email channel without a from address. Emission refuses the same plans
 * (`unsupported()` in emit), with the same diagnostics, for a plan built any other way.
 */
import { diag, type Diagnostic, type Span } from '../../diagnostics/index.js';
import type { Pass } from '../context.js';

/** DZ7001 for an email channel without a from address: SES has no identity to create. */
export function noFromAddress(channel: string, span?: Span): Diagnostic {
  return diag('DZ7001', `email channel '${channel}' has no from address, so there is no SES identity to create`, {
    ...(span ? { span } : {}),
    hint: "set the channel's from_address in its config: block to the address the app sends from",
  });
}

/** DZ7001 at each email channel without a from address. */
export const notGeneratedYet: Pass = ({ draft, report }) => {
  for (const e of draft.emailSenders) {
    if (e.fromAddress) continue;
    const at = e.because.find((b) => b.kind === 'dsl');
    report(noFromAddress(e.name, at?.kind === 'dsl' ? at.span : undefined));
  }
};
