/**
 * Schedule expressions → EventBridge Scheduler expressions.
 *
 * - A 5-field cron (`0 2 * * *`) becomes AWS's 6-field form (`cron(0 2 * * ? *)`):
 *   AWS needs `?` in one of day-of-month / day-of-week, numbers days of the week
 *   1-7 from Sunday (cron uses 0-7 from Sunday), and adds a year field.
 * - `@daily`, `@hourly`, … are expanded first; a 6-field expression is checked as AWS's own form.
 * - An interval (`15m`, `2h`, `1d`, `300` seconds, `"2 hours"`) becomes `rate(…)`
 *   with a singular or plural unit; the shortest rate is one minute.
 *
 * Pure: returns the expression or a message saying what is wrong.
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

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS },
];

const fail = (message: string, hint: string): Converted => ({ ok: false, message, hint });

/** Check one cron field (`*`, `5`, `1-5`, `*\/15`, `1,15`, `MON-FRI`); returns an error message or undefined. */
function checkField(value: string, spec: FieldSpec): string | undefined {
  for (const part of value.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') return `'${part}' is not a valid ${spec.name}`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `step '${step}' in the ${spec.name} must be a positive whole number`;
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `'${range}' is not a valid ${spec.name} range`;
    const nums: number[] = [];
    for (const b of bounds) {
      const upper = b.toUpperCase();
      const named = spec.names?.indexOf(upper) ?? -1;
      const n = named >= 0 ? named + (spec.name === 'month' ? 1 : 0) : /^\d+$/.test(b) ? Number(b) : NaN;
      if (Number.isNaN(n)) return `'${b}' is not a ${spec.name}${spec.names ? ` (use ${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]})` : ''}`;
      if (n < spec.min || n > spec.max) return `${spec.name} ${n} is out of range ${spec.min}-${spec.max}`;
      nums.push(n);
    }
    if (nums.length === 2 && (nums[0] as number) > (nums[1] as number)) return `the ${spec.name} range '${range}' runs backwards`;
  }
  return undefined;
}

/** Cron numbers days 0-7 from Sunday; AWS numbers them 1-7 from Sunday. Names stay names. */
function awsDayOfWeek(value: string): string {
  return value.replace(/(^|[,\-])(\d+)/g, (_, sep: string, d: string) => `${sep}${(Number(d) % 7) + 1}`);
}

/** A cron expression (5 fields, a macro, or AWS's own 6 fields) → `cron(…)` for EventBridge. */
export function toAwsCron(input: string): Converted {
  const raw = input.trim();
  const expanded = MACROS[raw.toLowerCase()] ?? raw;
  if (expanded.startsWith('@')) return fail(`'${raw}' is not a cron macro`, `use one of ${Object.keys(MACROS).join(', ')}, or five fields such as "0 2 * * *"`);
  const fields = expanded.split(/\s+/).filter((f) => f !== '');
  if (fields.length === 6) return checkAws(fields, raw);
  if (fields.length !== 5) {
    return fail(`cron expression '${raw}' has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected 5 (minute hour day-of-month month day-of-week)`, 'e.g. "0 2 * * *" runs at 02:00 every day');
  }
  for (let i = 0; i < 5; i++) {
    const err = checkField(fields[i] as string, FIELDS[i] as FieldSpec);
    if (err) return fail(`cron expression '${raw}': ${err}`, 'fields are minute (0-59), hour (0-23), day-of-month (1-31), month (1-12), day-of-week (0-7, Sunday is 0 or 7)');
  }
  const [min, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (dom !== '*' && dow !== '*') {
    return fail(`cron expression '${raw}' sets both day-of-month and day-of-week, which EventBridge cannot schedule together`, 'keep one of them and write * for the other, or use two schedules');
  }
  const awsDom = dom === '*' && dow !== '*' ? '?' : dom;
  const awsDow = dow === '*' ? '?' : awsDayOfWeek(dow.toUpperCase());
  return { ok: true, expression: `cron(${min} ${hour} ${awsDom} ${month.toUpperCase()} ${awsDow} *)` };
}

function checkAws(fields: readonly string[], raw: string): Converted {
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    return fail(`six-field cron '${raw}' must have '?' in exactly one of day-of-month and day-of-week`, 'e.g. "0 2 * * ? *"');
  }
  const checks: [string, FieldSpec][] = [
    [min, FIELDS[0] as FieldSpec],
    [hour, FIELDS[1] as FieldSpec],
    [month, FIELDS[3] as FieldSpec],
  ];
  for (const [v, spec] of checks) {
    const err = checkField(v, spec);
    if (err) return fail(`cron expression '${raw}': ${err}`, 'the six fields are minute hour day-of-month month day-of-week year');
  }
  if (dom !== '?' && !/^[\d,\-*/LW]+$/i.test(dom)) return fail(`cron expression '${raw}': '${dom}' is not a valid day-of-month`, 'use 1-31, *, L or W');
  if (dow !== '?' && !/^[\d,\-*/L#A-Za-z]+$/.test(dow)) return fail(`cron expression '${raw}': '${dow}' is not a valid day-of-week`, 'use 1-7 (Sunday is 1) or SUN-SAT');
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
  const m = /^(?:every\s+)?(\d+)\s*([a-z]*)$/i.exec(raw);
  const unit = (m?.[2] ?? '').toLowerCase();
  const factor = unit === '' ? 1 : UNIT_SECONDS[unit];
  if (!m || factor === undefined) {
    return fail(`interval '${raw}' is not a duration`, 'write a whole number and a unit, e.g. 15m, 2h, 1d, or a number of seconds (at least 60)');
  }
  const seconds = Number(m[1]) * factor;
  if (seconds < 60) return fail(`interval '${raw}' is shorter than EventBridge's minimum of one minute`, 'use at least 1m (60 seconds)');
  if (seconds % 60 !== 0) return fail(`interval '${raw}' is not a whole number of minutes`, `EventBridge rates count minutes, hours or days: e.g. ${Math.round(seconds / 60)}m`);
  const minutes = seconds / 60;
  const [n, u] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return { ok: true, expression: `rate(${n} ${u}${n === 1 ? '' : 's'})` };
}
