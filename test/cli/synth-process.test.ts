/**
 * `dazzle deploy synth` as a process: it exits promptly and leaves no child
 * behind (esbuild's service), and `--debug` shows the stack trace its hint
 * promises when the app fails to synthesize.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, copyProject, REPO, runCli, STACK_TRACE } from '../helpers.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');
let project = '';

beforeAll(() => {
  project = copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-synth-proc-')));
  const r = runCli(['deploy', 'generate', '-p', project, '--env', 'prod']);
  expect(r.code, r.stderr).toBe(0);
});

/** The processes whose process group is `pgid` (from /proc: field 5 of stat), with their state. */
function processGroup(pgid: number): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const [state, , group] = stat.slice(close + 2).split(' ');
      if (Number(group) === pgid) out.push(`${pid} ${stat.slice(stat.indexOf('(') + 1, close)} (${state})`);
    } catch {
      // gone while we looked
    }
  }
  return out;
}

describe('deploy synth as a process', () => {
  it.runIf(process.platform === 'linux')('exits promptly and leaves no process behind (esbuild stopped and reaped)', async () => {
    // Its own process group, so that anything it started is found by the group, even after it has gone.
    const child = spawn(process.execPath, [BIN, 'deploy', 'synth', '-p', project, '--env', 'prod'], { cwd: REPO, detached: true, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const left = processGroup(child.pid as number);
    expect(code).toBe(0);
    expect(left).toEqual([]);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('--debug prints the stack trace of a synth failure, as its hint says; without it there is none', () => {
    const file = join(project, 'infra', 'lib', 'network-stack.ts');
    const text = readFileSync(file, 'utf8');
    const broken = text.replace(/(constructor\([^)]*\) \{\n\s*super\([^;]*;\n)/, "$1    throw new Error('the network is down');\n");
    expect(broken).not.toBe(text);
    writeFileSync(file, broken);
    try {
      const plain = runCli(['deploy', 'synth', '-p', project, '--env', 'prod']);
      expect(plain.code).toBe(2);
      expect(plain.stderr).toMatch(/error DZ7102: the app failed to synthesize: the network is down\n/);
      expect(plain.stderr).toContain('run with --debug for the stack trace');
      expect(plain.stderr).not.toMatch(STACK_TRACE);
      const debug = runCli(['deploy', 'synth', '-p', project, '--env', 'prod', '--debug']);
      expect(debug.code).toBe(2);
      expect(debug.stderr).toMatch(/error DZ7102: the app failed to synthesize: the network is down\n/);
      expect(debug.stderr).toMatch(STACK_TRACE);
      // The trace is the app's: it starts where the error was thrown.
      expect(debug.stderr).toMatch(/\nError: the network is down\n\s+at new NetworkStack /);
    } finally {
      writeFileSync(file, text);
    }
  }, 60_000);
});
