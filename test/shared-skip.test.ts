/**
 * A clone of the repository alone has no ../shared: the suites that read it are
 * skipped and named on one line; with it (CI), they run. Proven by running vitest
 * itself on one such suite, with the folder hidden through DAZZLE_TEST_SHARED.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, REPO } from './helpers.js';

/** `vitest run test/lower/passes.test.ts -t 'corpus projects'` as a process: its output and counts. */
function vitestOnCorpusSuite(shared: string | undefined) {
  const report = join(mkdtempSync(join(tmpdir(), 'dazzle-vitest-')), 'report.json');
  // The outer run's own variables would make the inner vitest think it is a worker.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'DAZZLE_TEST_SHARED'));
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/lower/passes.test.ts', '-t', 'corpus projects', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...env, NO_COLOR: '1', ...(shared === undefined ? {} : { DAZZLE_TEST_SHARED: shared }) },
    timeout: 60_000,
  });
  const counts = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
  return { code: r.status, lines: r.stdout.split('\n').filter((l) => /^Skipped \d+ suites? /.test(l)), stdout: r.stdout, counts };
}

describe('tests from a clone without ../shared', () => {
  it('skip the suites that read it, named on one line, and pass', () => {
    const r = vitestOnCorpusSuite(join(tmpdir(), 'dazzle-no-shared-here'));
    expect(r.code, r.stdout).toBe(0);
    expect(r.counts.numFailedTests).toBe(0);
    expect(r.counts.numPassedTests).toBe(0);
    expect(r.lines).toEqual([expect.stringMatching(/^Skipped 1 suite in 1 file that read .*dazzle-no-shared-here, which is not there .*: test\/lower\/passes\.test\.ts: corpus projects$/)]);
  }, 60_000);

  it.runIf(HAS_SHARED)('run those suites when it is there (as in CI), and print no such line', () => {
    const r = vitestOnCorpusSuite(undefined);
    expect(r.code, r.stdout).toBe(0);
    expect(r.counts.numPassedTests).toBeGreaterThan(0);
    expect(r.counts.numFailedTests).toBe(0);
    expect(r.lines).toEqual([]);
  }, 60_000);
});
