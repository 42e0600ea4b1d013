/**
 * `[deploy.preflight]`: the findings of `dazzle deploy preflight` a team has
 * accepted, each with a reason a reviewer can read.
 *
 * ```toml
 * [[deploy.preflight.acknowledge]]
 * rule = "TB_SUBOPTIMAL_IOPS"
 * reason = "Staging runs the ledger at 5000 IOPS to save cost; prod has 10000."
 * expires = "2027-03-01"
 * environment = "staging"     # optional: only there
 * resource = "Replica0"       # optional: only this resource (logical ID or construct path)
 * ```
 *
 * The form of each entry (a rule, a reason of at least three words, a date
 * `YYYY-MM-DD`) is checked by the schema, like every other key; that the date
 * exists is checked here; that the rule exists is checked by preflight, which
 * owns the rules. Acknowledgements are not part of the deployment: they are
 * kept out of the resolved `[deploy]` values (and so out of the inputs
 * checksum), so adding one never makes a generated app stale.
 */
import { diag, quote, type Diagnostic, type Result, type Span } from '../diagnostics/index.js';
import { NO_CONTROL } from './forms.js';
import { positionOf, type KeyPosition } from './toml-positions.js';
import { ENVIRONMENTS, type Environment } from './vocabulary.js';

/** One accepted finding, as written in dazzle.toml. */
export interface Acknowledgement {
  /** A preflight rule (`TB_SUBOPTIMAL_IOPS`) or a cdk-nag rule (`AwsSolutions-IAM5`). */
  readonly rule: string;
  readonly reason: string;
  /** The last day (UTC) it applies, `YYYY-MM-DD`. @default null (no end) */
  readonly expires: string | null;
  /**
   * Only findings on this resource: its logical ID, or one or more whole segments of its
   * construct path (`Replica0`, `TigerBeetle/Replica0Data`). @default null (any resource)
   */
  readonly resource: string | null;
  /** Only in this environment. @default null (every environment) */
  readonly environment: Environment | null;
  /** Where the entry and each of its values are written. */
  readonly at: AcknowledgementSpans;
}

export interface AcknowledgementSpans {
  readonly entry: Span;
  readonly rule: Span;
  readonly reason: Span;
  readonly expires?: Span;
  readonly resource?: Span;
  readonly environment?: Span;
}

/** The resolved `[deploy.preflight]` table. */
export interface PreflightConfig {
  readonly acknowledge: readonly Acknowledgement[];
}

export const NO_PREFLIGHT: PreflightConfig = { acknowledge: [] };

/** A rule name: ours (`TB_LOW_IOPS`) or cdk-nag's (`AwsSolutions-IAM5`, `HIPAA.Security-IAMNoInlinePolicy`). */
export const ACK_RULE = '^[A-Za-z][A-Za-z0-9_.]*(-[A-Za-z0-9]+)?$';
/** At least three words, at least one with a letter: "ok", "accepted" or "..." explain nothing. */
export const ACK_REASON = '^(?=[\\s\\S]*\\p{L})\\s*\\S+(\\s+\\S+){2,}\\s*$';
export const ACK_DATE = '^\\d{4}-\\d{2}-\\d{2}$';

const DOC = {
  table: 'preflight checks of `dazzle deploy preflight`',
  acknowledge: 'findings your team accepts, each [[deploy.preflight.acknowledge]] with a rule and a reason (optional: expires, environment, resource); acknowledged findings are still shown, and never fail the run',
  rule: 'the preflight rule (e.g. "TB_SUBOPTIMAL_IOPS") or cdk-nag rule (e.g. "AwsSolutions-IAM5") of the finding',
  reason: 'why the finding is acceptable here, in at least three words a reviewer would accept',
  expires: 'the last day the acknowledgement applies, a quoted date "YYYY-MM-DD" (after it, the finding counts again)',
  resource: "only the finding on this resource: its logical ID, or whole segments of its construct path (e.g. \"Replica0\")",
  environment: 'only in this environment: dev, staging or prod',
} as const;

/** JSON Schema of `[deploy.preflight]` (part of dazzle.toml's schema). */
export const PREFLIGHT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  description: `${DOC.table}.`,
  properties: {
    acknowledge: {
      type: 'array',
      description: `${DOC.acknowledge}.`,
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'reason'],
        properties: {
          rule: { type: 'string', pattern: ACK_RULE, maxLength: 200, description: `${DOC.rule}.` },
          reason: { type: 'string', pattern: ACK_REASON, maxLength: 1000, description: `${DOC.reason}.` },
          expires: { type: 'string', pattern: ACK_DATE, description: `${DOC.expires}.` },
          resource: { type: 'string', minLength: 1, maxLength: 1000, pattern: NO_CONTROL, description: `${DOC.resource}.` },
          environment: { enum: [...ENVIRONMENTS], description: `${DOC.environment}.` },
        },
      },
    },
  },
} as const;

/** What the forms of the values are, for messages about a value that does not match. */
export const ACK_FORMS: Readonly<Record<string, string>> = {
  rule: 'a rule name such as "TB_SUBOPTIMAL_IOPS" or "AwsSolutions-IAM5"',
  reason: 'a reason of at least three words that says why the finding is acceptable here',
  expires: 'a date "YYYY-MM-DD" such as "2027-03-01"',
  resource: 'a logical ID or construct path without control characters',
};

/** True when `yyyy-mm-dd` names a day of the calendar (2027-02-30 does not). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] as number;
  return d <= days;
}

type Obj = { readonly [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The acknowledgements of a document the schema has accepted, with where each
 * value is written. `path` is dazzle.toml as shown to the user.
 */
export function resolvePreflight(doc: unknown, positions: ReadonlyMap<string, KeyPosition>, path: string): Result<PreflightConfig> {
  const deploy = isObj(doc) && isObj(doc.deploy) ? doc.deploy : undefined;
  const table = deploy && isObj(deploy.preflight) ? deploy.preflight : undefined;
  const list = table && Array.isArray(table.acknowledge) ? (table.acknowledge as unknown[]) : [];
  const diagnostics: Diagnostic[] = [];
  const base = ['deploy', 'preflight', 'acknowledge'];
  const at = (keys: readonly (string | number)[], of: 'key' | 'value' = 'value'): Span => {
    const p = positionOf(positions, [...base, ...keys]);
    const line = p ? (of === 'key' ? p.line : p.valueLine) : 1;
    const col = p ? (of === 'key' ? p.col : p.valueCol) : 1;
    return { file: path, line, col, endLine: line, endCol: col + 1, offset: 0, length: 0 };
  };
  const acknowledge: Acknowledgement[] = [];
  list.forEach((raw, i) => {
    if (!isObj(raw)) return;
    const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : null);
    const spans: { -readonly [K in keyof AcknowledgementSpans]: AcknowledgementSpans[K] } = { entry: at([i], 'key'), rule: at([i, 'rule']), reason: at([i, 'reason']) };
    for (const k of ['expires', 'resource', 'environment'] as const) if (text(k) !== null) spans[k] = at([i, k]);
    const expires = text('expires');
    if (expires !== null && !isCalendarDate(expires)) {
      diagnostics.push(
        diag('DZ4005', `deploy.preflight.acknowledge.${i}.expires ${quote(expires)} is not a day of the calendar`, {
          span: spans.expires as Span,
          keyPath: `deploy.preflight.acknowledge.${i}.expires`,
          hint: `write a date that exists, "YYYY-MM-DD" (e.g. "${expires.slice(0, 8)}01")`,
        }),
      );
    }
    acknowledge.push({
      rule: text('rule') ?? '',
      reason: (text('reason') ?? '').trim(),
      expires,
      resource: text('resource'),
      environment: (text('environment') as Environment | null) ?? null,
      at: spans,
    });
  });
  return { value: { acknowledge }, diagnostics };
}
