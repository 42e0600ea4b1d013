/**
 * Settings in the DSL that become AWS settings, checked at `dazzle check` and
 * reported at their value: schedule and job expressions (what EventBridge
 * Scheduler accepts, and that they fire at all), schedule time zones, a queue's
 * dead-letter count, an email channel's from address, and whole numbers too
 * large to keep exactly.
 */
import { diag, didYouMean, quote, type Diagnostic } from '../diagnostics/index.js';
import { SCHEMAS, type ChannelDecl, type Decl, type Member, type Property, type PropertyConstructDecl } from '../syntax/index.js';
import { toAwsCron, toAwsRate } from './schedule-expression.js';
import { TIME_ZONE_RELEASE, TIME_ZONES } from './time-zones.js';
import { decimalInteger, expressionText, isEmailAddress, plainValue, propertyMap, valueSpan } from './values.js';

/** SQS's range for maxReceiveCount, the number of receives before a message moves to the dead-letter queue. */
const DEAD_LETTER_RANGE = [1, 1000] as const;

/** Check every construct's settings; `flagged` properties (holding control characters) are already reported. */
export function checkSettings(decls: readonly Decl[], flagged: ReadonlySet<Property>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const tooLarge = new Set<Property>();
  for (const d of decls) if (d.kind !== 'app' && 'members' in d) wholeNumbers(d, tooLarge, out);
  const ok = (p: Property | undefined): p is Property => p !== undefined && !flagged.has(p) && !tooLarge.has(p);
  for (const d of decls) {
    if (d.kind === 'schedule') schedule(d, ok, out);
    else if (d.kind === 'job') job(d, ok, out);
    else if (d.kind === 'channel') channel(d, ok, out);
  }
  return out;
}

type Usable = (p: Property | undefined) => p is Property;

/** The properties a schedule's interval may come from, in the order the linker reads them. */
export const INTERVAL_KEYS = ['interval', 'every', 'interval_seconds'] as const;

function schedule(d: PropertyConstructDecl, ok: Usable, out: Diagnostic[]): void {
  const p = propertyMap(d.members);
  // One expression runs a schedule: a second one would be silently ignored.
  const [first, ...more] = ['cron', ...INTERVAL_KEYS].map((k) => p.get(k)).filter((x): x is Property => x !== undefined);
  for (const extra of more) {
    if (!first) continue;
    out.push(
      diag('DZ5003', `schedule '${d.name}' has both '${first.key}' and '${extra.key}'; EventBridge runs a schedule by one expression`, {
        span: extra.keySpan,
        related: [{ message: `'${first.key}' given here`, span: first.keySpan }],
        hint: 'keep one of them, or split the schedule in two',
      }),
    );
  }
  if (ok(first)) expression(`schedule '${d.name}'`, first, first.key === 'cron' ? 'cron' : 'rate', out);
  const tz = p.get('timezone');
  if (ok(tz)) timezone(d.name, tz, out);
}

function job(d: PropertyConstructDecl, ok: Usable, out: Diagnostic[]): void {
  const s = propertyMap(d.members).get('schedule');
  if (ok(s)) expression(`job '${d.name}'`, s, 'cron', out);
}

function expression(owner: string, p: Property, kind: 'cron' | 'rate', out: Diagnostic[]): void {
  const text = expressionText(p);
  const r = kind === 'cron' ? toAwsCron(text) : toAwsRate(text);
  if (!r.ok) out.push(diag('DZ5003', `${owner}: ${r.message}`, { span: valueSpan(p), hint: r.hint }));
}

function timezone(schedule: string, p: Property, out: Diagnostic[]): void {
  const name = plainValue(p);
  if (TIME_ZONES.has(name)) return;
  const near = didYouMean(name, TIME_ZONES);
  out.push(
    diag('DZ2209', `schedule '${schedule}': time zone ${quote(name)} is not an IANA time zone name`, {
      span: valueSpan(p),
      hint: near ?? `use a name from the IANA tz database (release ${TIME_ZONE_RELEASE}), such as "UTC", "Europe/London" or "America/New_York"`,
    }),
  );
}

function channel(d: ChannelDecl, ok: Usable, out: Diagnostic[]): void {
  const p = propertyMap(d.members);
  const kind = p.get('kind') ? plainValue(p.get('kind') as Property) : 'queue';
  const config = propertyMap(p.get('config')?.members ?? []);
  if (kind === 'queue') {
    for (const key of ['dead_letter_after', 'max_retries']) {
      const v = config.get(key);
      if (!ok(v)) continue;
      const n = decimalInteger(plainValue(v));
      if (n !== null && n >= DEAD_LETTER_RANGE[0] && n <= DEAD_LETTER_RANGE[1]) continue;
      out.push(
        diag('DZ5002', `channel '${d.name}': ${key} must be a whole number from ${DEAD_LETTER_RANGE[0]} to ${DEAD_LETTER_RANGE[1]}, written in decimal; got ${quote(v.value.text)}`, {
          span: valueSpan(v),
          hint: 'the number of receives before a message moves to the dead-letter queue (SQS allows 1-1000), e.g. dead_letter_after: 3',
        }),
      );
    }
  }
  if (kind === 'email') {
    const from = config.get('from_address');
    if (ok(from) && !isEmailAddress(plainValue(from))) {
      const text = plainValue(from);
      const angle = /<([^<>]+)>/.exec(text)?.[1];
      out.push(
        diag('DZ2208', `channel '${d.name}': from_address ${quote(text)} is not an email address`, {
          span: valueSpan(from),
          hint: angle
            ? `write the address alone (from_address: "${angle}") and the name in from_name`
            : 'write the address SES sends from, such as "noreply@example.com" (letters, digits and . _ % + - before the @; a domain after it)',
        }),
      );
    }
  }
}

/** Whole-number properties (`max_tokens: 1024`) must be exactly representable; those that are not go in `tooLarge`. */
function wholeNumbers(d: Extract<Decl, { readonly members: readonly Member[] }>, tooLarge: Set<Property>, out: Diagnostic[]): void {
  const construct = d.kind;
  const visit = (members: readonly Member[], schemaName: string) => {
    const schema = SCHEMAS[schemaName];
    for (const m of members) {
      if (m.kind !== 'property' || schema?.properties[m.key]?.kind !== 'int') continue;
      const text = m.value.text;
      if (!/^\d+$/.test(text) || decimalInteger(text) !== null) continue;
      tooLarge.add(m);
      out.push(
        diag('DZ2207', `'${m.key}' in ${schemaName} is ${quote(text, 30)}, too large to keep exactly`, {
          span: valueSpan(m),
          hint: `whole numbers go up to ${Number.MAX_SAFE_INTEGER}`,
        }),
      );
    }
  };
  visit(d.members, construct);
  if (d.kind === 'transaction') for (const t of d.transfers) visit(t.members, 'transfer');
}
