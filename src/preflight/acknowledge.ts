/**
 * dazzle.toml acknowledgements: which findings each covers, and what is wrong
 * with them. An acknowledgement of a rule that does not exist is an error (at
 * its rule's line); an expired one stops applying and says so; one that
 * matches nothing is a warning. Acknowledged findings stay in the report.
 */
import type { Acknowledgement, PreflightConfig } from '../config/index.js';
import { closest, diag, quote, type Diagnostic } from '../diagnostics/index.js';
import type { Finding } from './model.js';
import { isKnownRule, NAG_PACKS, RULES, SAME_RULE } from './rules.js';

/** Acknowledgements that name no rule preflight knows: errors, found before anything is synthesized. */
export function checkAcknowledgements(preflight: PreflightConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const a of preflight.acknowledge) {
    if (isKnownRule(a.rule)) continue;
    const near = closest(a.rule, Object.keys(RULES));
    out.push(
      diag('DZ8001', `acknowledgement of ${quote(a.rule)}: preflight has no such rule`, {
        span: a.at.rule,
        keyPath: 'deploy.preflight.acknowledge.rule',
        hint: near
          ? `did you mean '${near}'?`
          : `name one of preflight's rules (${Object.keys(RULES).slice(0, 4).join(', ')}, …: see \`dazzle deploy preflight --help\` and the README) or a cdk-nag rule such as 'AwsSolutions-IAM5' (packs: AwsSolutions, ${Object.values(NAG_PACKS)
              .map((p) => p.prefix)
              .join(', ')})`,
      }),
    );
  }
  return out;
}

/** Whether an acknowledgement narrowed to `resource` covers the finding. */
function coversResource(a: Acknowledgement, f: Finding, entry: string | undefined): boolean {
  if (a.resource === null) return true;
  const want = a.resource.replace(/^\/+|\/+$/g, '');
  const r = f.resource;
  if (want === f.location.span.file) return true;
  if (!r) return false;
  if (want === r.logicalId || want === r.stack || want === entry) return true;
  return r.path !== undefined && `/${r.path}/`.includes(`/${want}/`);
}

const sameRule = (a: Acknowledgement, f: Finding) => f.rule === a.rule || SAME_RULE[a.rule] === f.rule;

/**
 * Mark the findings the acknowledgements cover (in `environment`, on `today`, `YYYY-MM-DD`).
 * `entryOf` gives a finding's plan entry (`Replica0`), which `resource` may name too.
 */
export function applyAcknowledgements(
  findings: readonly Finding[],
  preflight: PreflightConfig,
  environment: string,
  today: string,
  entryOf: (f: Finding) => string | undefined,
): { readonly findings: Finding[]; readonly diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const out = [...findings];
  for (const a of preflight.acknowledge) {
    if (!isKnownRule(a.rule)) continue;
    if (a.environment !== null && a.environment !== environment) continue;
    if (a.expires !== null && today > a.expires) {
      diagnostics.push(
        diag('DZ8003', `the acknowledgement of ${a.rule} expired on ${a.expires}; its findings count again`, {
          span: a.at.expires ?? a.at.rule,
          keyPath: 'deploy.preflight.acknowledge.expires',
          hint: 'fix what it acknowledged, or, if it is still acceptable, move expires to a later date (and say why in reason)',
        }),
      );
      continue;
    }
    let matched = 0;
    out.forEach((f, i) => {
      if (f.acknowledged || !sameRule(a, f) || !coversResource(a, f, entryOf(f))) return;
      out[i] = { ...f, acknowledged: { reason: a.reason, expires: a.expires, span: a.at.rule } };
      matched += 1;
    });
    if (!matched) {
      diagnostics.push(
        diag('DZ8002', `the acknowledgement of ${a.rule}${a.resource !== null ? ` on ${quote(a.resource)}` : ''}${a.environment !== null ? ` in ${a.environment}` : ''} matches no finding`, {
          span: a.at.rule,
          keyPath: 'deploy.preflight.acknowledge.rule',
          hint: a.resource !== null ? "remove it, or check its resource: a finding's logical ID, construct path segments, or plan entry (see the report)" : 'remove it: what it acknowledged is fixed',
        }),
      );
    }
  }
  return { findings: out, diagnostics };
}
