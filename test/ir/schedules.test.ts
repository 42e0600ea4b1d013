/**
 * Every cron and interval of a schedule or a job is checked at `dazzle check`
 * (the linker), at its value, with what EventBridge Scheduler accepts; before,
 * these were found by `plan` only, or not at all.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { APP, checkTexts, runCli, tempProject } from '../helpers.js';

const check = (dsl: string) => checkTexts({ 'dsl/app.dsl': `${APP}${dsl}` }).diagnostics;
const where = (ds: readonly Diagnostic[]) => ds.map((d) => [d.code, `${d.span?.line}:${d.span?.col}`]);

describe('schedule and job expressions at check', () => {
  it.each([
    ['cron: "*/0 * * * *"', 9, /step '0'/],
    ['cron: "0 0 31 2 *"', 9, /never fires/],
    ['cron: "0 0 30 2 *"', 9, /never fires/],
    ['cron: "0 0 31 4,6,9,11 *"', 9, /never fires/],
    ['cron: "0 25 * * *"', 9, /hour 25/],
    ['cron: "0 9 ? * 0 *"', 9, /'0' is not a valid day-of-week/],
    ['interval: 0m', 13, /is zero/],
    ['interval: 30s', 13, /shorter than EventBridge's minimum/],
    ['interval: "0x10"', 13, /not a duration/],
    ['every: 90s', 10, /not a whole number of minutes/],
    ['interval_seconds: 0', 21, /is zero/],
  ])('schedule %s is DZ5003 at the value', (line, col, message) => {
    const ds = check(`schedule nightly "Nightly":\n  ${line}\n`);
    expect(where(ds)).toEqual([['DZ5003', `4:${col}`]]);
    expect(ds[0]?.message).toMatch(message);
  });

  it('a job schedule, written cron("…") or as a string', () => {
    const ds = check(`job sweep "Sweep":
  schedule: cron("0 0 30 2 *")
  run: app.jobs:sweep

job rollup "Rollup":
  schedule: "*/0 * * * *"
  run: app.jobs:rollup
`);
    expect(where(ds)).toEqual([
      ['DZ5003', '4:13'],
      ['DZ5003', '8:13'],
    ]);
  });

  it('reports every bad expression in one run', () => {
    const ds = check(`schedule a "A":\n  cron: "0 0 31 2 *"\n\nschedule b "B":\n  interval: 0m\n`);
    expect(where(ds)).toEqual([
      ['DZ5003', '4:9'],
      ['DZ5003', '7:13'],
    ]);
  });

  it('a schedule runs by one expression: a second one is an error, not silently ignored', () => {
    const ds = check(`schedule nightly "Nightly":\n  cron: "0 2 * * *"\n  interval: 15m\n`);
    expect(ds.map((d) => [d.code, `${d.span?.line}:${d.span?.col}`, d.related.map((r) => `${r.span.line}:${r.span.col}`)])).toEqual([['DZ5003', '5:3', ['4:3']]]);
  });

  it('0-7 is every day, and plans as every day (it planned "Sundays only")', () => {
    const front = checkTexts({ 'dsl/app.dsl': `${APP}schedule daily "Daily":\n  cron: "0 9 * * 0-7"\n\nschedule weekend "Weekend":\n  cron: "0 9 * * 5-7"\n` });
    expect(front.diagnostics).toEqual([]);
    const config = loadConfig({ path: 'dazzle.toml', text: undefined, environment: 'dev' }).value;
    if (!front.value.spec || !config) throw new Error('no spec or config');
    const lowered = lowerToRequirements(front.value.spec, config);
    expect(lowered.value?.schedules.map((s) => [s.name, s.expression])).toEqual([
      ['daily', 'cron(0 9 * * ? *)'],
      ['weekend', 'cron(0 9 ? * 1,6-7 *)'],
    ]);
  });

  it('a queue with dead_letter_after: 0 fails `dazzle check` (it failed at plan only)', () => {
    const dir = tempProject({ 'dsl/app.dsl': `${APP}channel jobs "Jobs":\n  kind: queue\n  config:\n    dead_letter_after: 0\n\nschedule a "A":\n  interval: 0m\n` });
    const r = runCli(['check', '-p', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dsl/app.dsl:6:24 - error DZ5002:');
    expect(r.stderr).toContain('dsl/app.dsl:9:13 - error DZ5003:');
  });
});
