import { describe, expect, it } from 'vitest';
import { toAwsCron, toAwsRate } from '../../src/lower/schedule-expression.js';

const ok = (expression: string) => ({ ok: true, expression });

describe('toAwsCron', () => {
  it.each([
    ['0 2 * * *', 'cron(0 2 * * ? *)'],
    ['0 9 * * MON', 'cron(0 9 ? * MON *)'],
    ['0 9 * * mon-fri', 'cron(0 9 ? * MON-FRI *)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
    ['30 8 * * 0', 'cron(30 8 ? * 1 *)'],
    ['30 8 * * 7', 'cron(30 8 ? * 1 *)'],
    ['0 0 1 * *', 'cron(0 0 1 * ? *)'],
    ['*/15 * * * *', 'cron(*/15 * * * ? *)'],
    ['0 0 1,15 jan *', 'cron(0 0 1,15 JAN ? *)'],
    ['0 * * * *', 'cron(0 * * * ? *)'],
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@hourly', 'cron(0 * * * ? *)'],
    ['@weekly', 'cron(0 0 ? * 1 *)'],
    ['0 2 * * ? *', 'cron(0 2 * * ? *)'],
    ['0 18 ? * MON-FRI *', 'cron(0 18 ? * MON-FRI *)'],
    // Sunday is 0 or 7: a range that includes 7 covers the days it names, never "Sundays only".
    ['0 9 * * 0-7', 'cron(0 9 * * ? *)'],
    ['0 9 * * 0-6', 'cron(0 9 * * ? *)'],
    ['0 9 * * 1-7', 'cron(0 9 * * ? *)'],
    ['0 9 * * 2-7', 'cron(0 9 ? * 1,3-7 *)'],
    ['0 9 * * 5-7', 'cron(0 9 ? * 1,6-7 *)'],
    ['0 9 * * 6,7', 'cron(0 9 ? * 1,7 *)'],
    ['0 9 * * 0,7', 'cron(0 9 ? * 1 *)'],
    ['0 9 * * */2', 'cron(0 9 ? * 1,3,5,7 *)'],
    ['0 9 * * 1-5/2', 'cron(0 9 ? * 2,4,6 *)'],
    ['0 9 * * MON,7', 'cron(0 9 ? * 1-2 *)'],
    ['0 0 29 2 *', 'cron(0 0 29 2 ? *)'],
    ['0 0 31 * *', 'cron(0 0 31 * ? *)'],
    ['0 0 30,31 2,3 *', 'cron(0 0 30,31 2,3 ? *)'],
    ['0 0 29-31 feb *', 'cron(0 0 29-31 FEB ? *)'],
    ['0 0 L * ? *', 'cron(0 0 L * ? *)'],
    ['0 0 15W * ? *', 'cron(0 0 15W * ? *)'],
    ['0 0 ? * 6L *', 'cron(0 0 ? * 6L *)'],
    ['0 0 ? * 2#1 *', 'cron(0 0 ? * 2#1 *)'],
  ])('%s → %s', (input, expected) => {
    expect(toAwsCron(input)).toEqual(ok(expected));
  });

  it.each([
    ['0 2 * *', /has 4 fields; expected 5/],
    ['0 25 * * *', /hour 25 is out of range 0-23/],
    ['60 * * * *', /minute 60 is out of range 0-59/],
    ['0 0 32 * *', /day-of-month 32/],
    ['0 0 * 13 *', /month 13/],
    ['0 0 * * 8', /day-of-week 8/],
    ['0 0 * * FUNDAY', /'FUNDAY' is not a day-of-week/],
    ['0 0 1 * MON', /both day-of-month and day-of-week/],
    ['*/0 * * * *', /step '0'/],
    ['0 5-2 * * *', /runs backwards/],
    ['@sometimes', /not a cron macro/],
    ['0 2 * * * *', /exactly one of day-of-month and day-of-week/],
    ['', /has 0 fields/],
    ['*/0 * * * *', /step '0' in the minute must be a positive whole number/],
    ['0 */0 * * *', /step '0' in the hour/],
    ['0 0 31 2 *', /never fires/],
    ['0 0 30 2 *', /never fires/],
    ['0 0 31 4 *', /never fires/],
    ['0 0 31 4,6,9,11 *', /never fires/],
    ['0 0 30,31 feb *', /never fires/],
    ['0 0 31 2 ? *', /never fires/],
    ['0 0 0x10 * *', /'0x10' is not a day-of-month/],
    ['1e3 * * * *', /'1e3' is not a minute/],
    ['0 9 * * 7-5', /runs backwards/],
    ['0 9 ? * 0 *', /'0' is not a valid day-of-week \(in the six-field form AWS numbers the days 1-7/],
    ['0 9 ? * 8 *', /'8' is not a valid day-of-week/],
    ['0 0 32 * ? *', /day-of-month 32 is out of range/],
    ['0 0 0W * ? *', /'0W' is not a valid day-of-month/],
  ])('rejects %j', (input, message) => {
    const r = toAwsCron(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(message);
      expect(r.hint.length).toBeGreaterThan(10);
    }
  });
});

describe('toAwsRate', () => {
  it.each([
    ['1m', 'rate(1 minute)'],
    ['15m', 'rate(15 minutes)'],
    ['30min', 'rate(30 minutes)'],
    ['60m', 'rate(1 hour)'],
    ['2h', 'rate(2 hours)'],
    ['24h', 'rate(1 day)'],
    ['7d', 'rate(7 days)'],
    ['1w', 'rate(7 days)'],
    ['90 minutes', 'rate(90 minutes)'],
    ['every 5 minutes', 'rate(5 minutes)'],
    ['2 hours', 'rate(2 hours)'],
    [300, 'rate(5 minutes)'],
    ['3600', 'rate(1 hour)'],
  ])('%s → %s', (input, expected) => {
    expect(toAwsRate(input)).toEqual(ok(expected));
  });

  it.each([
    ['30s', /shorter than EventBridge's minimum of one minute/],
    [59, /shorter/],
    ['90s', /not a whole number of minutes/],
    ['soon', /not a duration/],
    ['5 fortnights', /not a duration/],
    ['-5m', /not a duration/],
    ['0m', /is zero/],
    [0, /is zero/],
    ['0x10', /not a duration/],
    ['1e3', /not a duration/],
    ['0b1', /not a duration/],
    ['99999999999999999999d', /too long/],
  ])('rejects %j', (input, message) => {
    const r = toAwsRate(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
