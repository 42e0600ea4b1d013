/**
 * The CI report stage in-process: reports that are not dazzle's are refused at their file
 * (DZ8201); the comment stays within GitHub's limit; annotations escape what workflow commands
 * would read; one marker per project and environment.
 */
import { describe, expect, it } from 'vitest';
import { ciReport, commentMarker, COMMENT_LIMIT, diagnosticAnnotations, readReport, type CiReports, type DiagnosticJson } from '../../src/ci/index.js';
import { planWith } from '../emit/in-process.js';
import { REPO, runCli, tempProject } from '../helpers.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');
const context = { project: 'shop', failOn: 'high' as const, failOnDiff: 'destructive' as const, missing: [] };

const finding = (i: number, level: string, suppressed = false) => ({
  ruleId: `RULE_${i}`,
  level: 'error',
  message: { text: `finding ${i} | with <html> and a very long explanation ${'x'.repeat(400)}` },
  locations: [{ physicalLocation: { artifactLocation: { uri: 'shop/dazzle.toml', uriBaseId: '%SRCROOT%' }, region: { startLine: i + 1, startColumn: 1 } } }],
  properties: { severity: level },
  ...(suppressed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: 'accepted for now' }] } : {}),
});
const sarif = (results: unknown[]) => JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'dazzle', rules: [] } }, results }] });

describe('dazzle deploy ci report, in-process', () => {
  it('refuses a report that is not the JSON dazzle writes, saying which and why (DZ8201)', () => {
    expect(readReport('plan', 'plan.json', '{"format_version": 2}').diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['DZ8201', "'plan.json' is not the output of `dazzle deploy plan --format json`: its format_version is 2, and this dazzle reads 1"],
    ]);
    expect(readReport('preflight', 'p.sarif', 'not json').diagnostics[0]?.code).toBe('DZ8201');
    expect(readReport('preflight', 'p.sarif', JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'other' } }, results: [] }] })).diagnostics[0]?.message).toContain('not one of dazzle preflight');
    expect(readReport('preflight', 'p.sarif', sarif([{ ...finding(1, 'high'), properties: {} }])).diagnostics[0]?.message).toContain('has no severity');
    expect(readReport('check', 'c.json', '{"ok": true, "diagnostics": [{"code": 1}]}').diagnostics[0]?.code).toBe('DZ8201');
  });

  it('fails at --fail-on on open findings only; acknowledged ones are listed, never failing', () => {
    const preflight = readReport('preflight', 'p.sarif', sarif([finding(1, 'medium'), finding(2, 'critical', true)])).value;
    const reports: CiReports = { ...(preflight ? { preflight } : {}) };
    expect(ciReport(reports, context).failures).toEqual([]);
    expect(ciReport(reports, { ...context, failOn: 'medium' }).failures).toEqual(['preflight: 1 unacknowledged finding at medium or above (fail-on: medium)']);
    expect(ciReport(reports, context).outputs).toEqual({ 'has-changes': '', destructive: '', findings: '1', 'cost-delta': '' });
    const summary = ciReport(reports, context).summary;
    expect(summary).toContain('<details><summary>Acknowledged (1)</summary>');
    // Table cells cannot break the table or inject HTML.
    expect(summary).toContain('finding 1 \\| with &lt;html&gt;');
  });

  it('keeps the comment within GitHub\'s limit, leaving out the details and saying where they are', () => {
    const plan = planWith(EXAMPLE, 'prod');
    const preflight = readReport('preflight', 'p.sarif', sarif(Array.from({ length: 400 }, (_, i) => finding(i, 'high')))).value;
    const r = ciReport({ plan, ...(preflight ? { preflight } : {}) }, { ...context, runUrl: 'https://github.com/acme/shop/actions/runs/1' });
    expect(r.comment.length).toBeLessThan(COMMENT_LIMIT);
    expect(r.comment.startsWith(`${r.marker}\n`)).toBe(true);
    expect(r.comment).toContain('see the [job summary](https://github.com/acme/shop/actions/runs/1)');
    expect(r.summary).toContain('```mermaid');
  });

  it('has one marker per project and environment', () => {
    expect(new Set([commentMarker('shop', 'prod'), commentMarker('shop', 'staging'), commentMarker('shop/x', 'prod'), commentMarker('.', 'prod')]).size).toBe(4);
    expect(commentMarker('a --> b', 'prod')).not.toMatch(/-->.*-->/);
  });

  it('annotates each diagnostic at its line, escaping what a workflow command would read', () => {
    const d: DiagnosticJson = { code: 'DZ3011', severity: 'error', title: 'unknown field type', message: "100% wrong:\nnext, line", file: 'dsl/a,b.dsl', line: 5, col: 9, endLine: 5, endCol: 14, hint: null };
    expect(diagnosticAnnotations([d, { ...d, severity: 'warning', file: null, line: null }])).toBe('::error file=dsl/a%2Cb.dsl,line=5,col=9,endLine=5,endColumn=14,title=DZ3011 unknown field type::100%25 wrong:%0Anext, line\n');
  });

  it('exits 2 for a report that is not dazzle\'s, naming the file (process)', () => {
    const dir = tempProject({ 'plan.json': '[]' });
    writeFileSync(join(dir, 'summary.md'), '');
    const r = runCli(['deploy', 'ci', 'report', '--plan', 'plan.json'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: join(dir, 'summary.md') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error DZ8201: 'plan\.json' is not the output of `dazzle deploy plan --format json`/);
  });
});
