/**
 * Schedule expressions → EventBridge Scheduler expressions.
 *
 * - A 5-field cron (`0 2 * * *`) becomes AWS's 6-field form (`cron(0 2 * * ? *)`):
 *   AWS needs `?` in one of day-of-month / day-of-week, numbers days of the week
 *   1-7 from Sunday (cron uses 0-7 from Sunday, both 0 and 7 being Sunday), and
 *   adds a year field.
 * - `@daily`, `@hourly`, … are expanded first; a 6-field expression is checked as AWS's own form.
 * - An expression that can never fire (`0 0 31 2 *`, the 31st of a 30-day month) is an error.
 * - An interval (`15m`, `2h`, `1d`, `300` seconds, `"2 hours"`) becomes `rate(…)`
 *   with a singular or plural unit; the shortest rate is one minute.
 *
 * Numbers are decimal whole numbers as written: `0x10` or `1e3` is never a number here.
 * Pure: returns the expression or a message saying what is wrong. The linker
 * runs these at `dazzle check`; lowering converts what the linker accepted.
 */

export type Converted = { readonly ok: true; readonly expression: string } | { readonly ok: false; readonly message: string; readonly hint: string };

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** The most days each month can have (February: 29, in leap years). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTHS };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: DAYS };
const FIELDS: readonly FieldSpec[] = [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK];

const fail = (message: string, hint: string): Converted => ({ ok: false, message, hint });

/** A decimal whole number as written (`07` is 7; `0x10`, `1e3`, ` 12` are not numbers). */
const DECIMAL = /^\d+$/;

/**
 * The values one cron field selects (`*`, `5`, `1-5`, `*\/15`, `10/5`, `1,15`, `MON-FRI`),
 * or the message saying what is wrong with it.
 */
function expand(value: string, spec: FieldSpec): { readonly values: ReadonlySet<number> } | { readonly error: string } {
  const values = new Set<number>();
  for (const part of value.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') return { error: `'${part}' is not a valid ${spec.name}` };
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return { error: `step '${step}' in the ${spec.name} must be a positive whole number` };
    const bounds = range === '*' ? [spec.min, spec.max] : [];
    if (range !== '*') {
      const ends = range.split('-');
      if (ends.length > 2) return { error: `'${range}' is not a valid ${spec.name} range` };
      for (const b of ends) {
        const named = spec.names?.indexOf(b.toUpperCase()) ?? -1;
        const n = named >= 0 ? named + (spec === MONTH ? 1 : 0) : DECIMAL.test(b) ? Number(b) : NaN;
        if (Number.isNaN(n)) return { error: `'${b}' is not a ${spec.name}${spec.names ? ` (use ${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]})` : ''}` };
        if (n < spec.min || n > spec.max) return { error: `${spec.name} ${n} is out of range ${spec.min}-${spec.max}` };
        bounds.push(n);
      }
      // `10/5` means from 10 to the end of the field, every 5.
      if (bounds.length === 1 && step !== undefined) bounds.push(spec.max);
    }
    const from = bounds[0] as number;
    const to = bounds[bounds.length - 1] as number;
    if (from > to) return { error: `the ${spec.name} range '${range}' runs backwards` };
    for (let n = from; n <= to; n += step === undefined ? 1 : Number(step)) values.add(n);
  }
  return { values };
}

/** `[1,2,3,5]` → `1-3,5`. */
function compact(sorted: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    out.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/**
 * Cron days of the week (0-7, both 0 and 7 Sunday) → AWS's (1-7 from Sunday), or
 * null when every day is selected. A field of names only (`MON-FRI`) keeps its names;
 * any number is mapped through the set of days it selects, so `0-7` is every day and
 * `5-7` (Friday to Sunday) is `1,6-7`, never the backwards `6-1`.
 */
function awsDayOfWeek(field: string, days: ReadonlySet<number>): string | null {
  const week = new Set([...days].map((d) => d % 7));
  if (week.size === 7) return null;
  if (!/\d/.test(field)) return field.toUpperCase();
  return compact([...week].map((d) => d + 1).sort((a, b) => a - b));
}

/** Whether some month in `months` has some day in `days` (February counts its 29th). */
function someDateExists(days: ReadonlySet<number>, months: ReadonlySet<number>): boolean {
  for (const m of months) for (const d of days) if (d <= (DAYS_IN_MONTH[m - 1] as number)) return true;
  return false;
}

const NEVER_HINT = 'February has at most 29 days; April, June, September and November have 30';

/** A cron expression (5 fields, a macro, or AWS's own 6 fields) → `cron(…)` for EventBridge. */
export function toAwsCron(input: string): Converted {
  const raw = input.trim();
  const expanded = MACROS[raw.toLowerCase()] ?? raw;
  if (expanded.startsWith('@')) return fail(`'${raw}' is not a cron macro`, `use one of ${Object.keys(MACROS).join(', ')}, or five fields such as "0 2 * * *"`);
  const fields = expanded.split(/[ \t]+/).filter((f) => f !== '');
  if (fields.length === 6) return checkAws(fields, raw);
  if (fields.length !== 5) {
    return fail(`cron expression '${raw}' has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected 5 (minute hour day-of-month month day-of-week)`, 'e.g. "0 2 * * *" runs at 02:00 every day');
  }
  const sets: ReadonlySet<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const r = expand(fields[i] as string, FIELDS[i] as FieldSpec);
    if ('error' in r) return fail(`cron expression '${raw}': ${r.error}`, 'fields are minute (0-59), hour (0-23), day-of-month (1-31), month (1-12), day-of-week (0-7, Sunday is 0 or 7)');
    sets.push(r.values);
  }
  const [min, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (dom !== '*' && dow !== '*') {
    return fail(`cron expression '${raw}' sets both day-of-month and day-of-week, which EventBridge cannot schedule together`, 'keep one of them and write * for the other, or use two schedules');
  }
  if (!someDateExists(sets[2] as ReadonlySet<number>, sets[3] as ReadonlySet<number>)) {
    return fail(`cron expression '${raw}' never fires: no month it names has day ${dom}`, NEVER_HINT);
  }
  const week = dow === '*' ? null : awsDayOfWeek(dow, sets[4] as ReadonlySet<number>);
  const awsDom = week === null ? dom : '?';
  const awsDow = week === null ? '?' : week;
  return { ok: true, expression: `cron(${min} ${hour} ${awsDom} ${month.toUpperCase()} ${awsDow} *)` };
}

const AWS_DAY = `(?:[1-7]|${DAYS.join('|')})`;
/** One item of AWS's day-of-week: `*`, `2`, `2-6`, `MON-FRI`, `*\/2`, `2/2`, `L`, `6L`, `2#1`. */
const AWS_DOW_ITEM = new RegExp(`^(?:\\*|${AWS_DAY}(?:-${AWS_DAY})?)(?:/[1-9]\\d*)?$|^L$|^${AWS_DAY}L$|^${AWS_DAY}#[1-5]$`, 'i');
/** An item of AWS's day-of-month other than plain days: `L`, `LW`, `15W`. */
const AWS_DOM_ITEM = /^LW?$|^\d{1,2}W$/i;

function checkAws(fields: readonly string[], raw: string): Converted {
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    return fail(`six-field cron '${raw}' must have '?' in exactly one of day-of-month and day-of-week`, 'e.g. "0 2 * * ? *"');
  }
  const checks: [string, FieldSpec][] = [
    [min, MINUTE],
    [hour, HOUR],
    [month, MONTH],
  ];
  const sets: ReadonlySet<number>[] = [];
  for (const [v, spec] of checks) {
    const r = expand(v, spec);
    if ('error' in r) return fail(`cron expression '${raw}': ${r.error}`, 'the six fields are minute hour day-of-month month day-of-week year');
    sets.push(r.values);
  }
  if (dom !== '?') {
    if (/^[\d,\-*/]+$/.test(dom)) {
      // Plain days (no L or W): in range, and existing in some month named.
      const r = expand(dom, DAY_OF_MONTH);
      if ('error' in r) return fail(`cron expression '${raw}': ${r.error}`, 'use 1-31, *, L or W');
      if (!someDateExists(r.values, sets[2] as ReadonlySet<number>)) return fail(`cron expression '${raw}' never fires: no month it names has day ${dom}`, NEVER_HINT);
    } else {
      const bad = dom.split(',').find((x) => !AWS_DOM_ITEM.test(x) || Number(x.replace(/W$/i, '')) > 31 || x.startsWith('0'));
      if (bad !== undefined) return fail(`cron expression '${raw}': '${bad}' is not a valid day-of-month`, 'use 1-31, *, L, LW or a day with W (15W: the weekday nearest the 15th)');
    }
  }
  if (dow !== '?') {
    const bad = dow.split(',').find((x) => !AWS_DOW_ITEM.test(x));
    if (bad !== undefined) {
      // A day number AWS does not have (0, 8, 9, 10…) is usually cron's numbering (Sunday 0) in the six-field form.
      const numbering = /[089]|\d\d/.test(bad.split('#')[0] ?? '');
      return fail(
        `cron expression '${raw}': '${bad}' is not a valid day-of-week${numbering ? ' (in the six-field form AWS numbers the days 1-7, Sunday is 1)' : ''}`,
        'in the six-field form use 1-7 (Sunday is 1) or SUN-SAT; or write five fields, where Sunday is 0 or 7',
      );
    }
  }
  if (!/^(\*|\d{4}(-\d{4})?(\/\d+)?)(,\d{4}(-\d{4})?)*$/.test(year)) return fail(`cron expression '${raw}': '${year}' is not a year`, 'use * or a year such as 2027');
  return { ok: true, expression: `cron(${fields.join(' ')})` };
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
};

/** An interval (`15m`, `2h`, `"2 hours"`, `every 5 minutes`, a number of seconds) → `rate(…)`. */
export function toAwsRate(input: string | number): Converted {
  const raw = String(input).trim();
  const m = /^(?:every[ \t]+)?(\d+)[ \t]*([a-z]*)$/i.exec(raw);
  const unit = (m?.[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : UNIT_SECONDS[unit];
  if (!m || factor === undefined) {
    return fail(`interval '${raw}' is not a duration`, 'write a whole number and a unit, e.g. 15m, 2h, 1d, or a number of seconds (at least 60)');
  }
  const seconds = Number(m[1]) * factor;
  if (seconds === 0) return fail(`interval '${raw}' is zero, so the schedule would never repeat`, 'use at least 1m (60 seconds)');
  if (seconds < 60) return fail(`interval '${raw}' is shorter than EventBridge's minimum of one minute`, 'use at least 1m (60 seconds)');
  if (!Number.isSafeInteger(seconds)) return fail(`interval '${raw}' is too long`, 'use a number of minutes, hours or days that fits in a schedule, e.g. 30d');
  if (seconds % 60 !== 0) return fail(`interval '${raw}' is not a whole number of minutes`, `EventBridge rates count minutes, hours or days: e.g. ${Math.round(seconds / 60)}m`);
  const minutes = seconds / 60;
  const [n, u] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return { ok: true, expression: `rate(${n} ${u}${n === 1 ? '' : 's'})` };
}
