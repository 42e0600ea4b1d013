/**
 * Two `dazzle deploy generate` on one project at once (also for different environments, into the
 * default output folder) as real processes: one writes, the other stops with DZ6013 naming the
 * holder's pid (or, once the folder holds another environment's app, DZ6030); never ENOENT,
 * ENOTEMPTY, DZ9001 or a mixed tree. Stale locks are taken over.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/cli/write.js';
import { BIN, copyProject, REPO, runCli } from '../helpers.js';
import { snapshot } from './tree-helpers.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');
const LOCK = '.dazzle.lock';

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number;
}

function start(args: readonly string[], env: Record<string, string> = {}): { pid: number; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const pid = child.pid as number;
  return { pid, exit: new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr, pid }))) };
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The folder is one complete generation: every file the version file lists, with its checksum, and no leftovers. */
function consistent(infra: string): string {
  const tree = snapshot(infra);
  const v = JSON.parse(tree['.dazzle-infra-version.json'] as string) as { environment: string; files: { path: string; checksum: string }[] };
  const files = Object.keys(tree).filter((k) => !k.endsWith('/') && k !== '.dazzle-infra-version.json');
  expect(files.sort()).toEqual(v.files.map((f) => f.path).sort());
  for (const f of v.files) expect(sha256(tree[f.path] as string), f.path).toBe(f.checksum);
  return v.environment;
}

const project = () => copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-conc-')));

describe('concurrent generate', () => {
  it('the second run stops with DZ6013 naming the first one’s pid, and the first completes', async () => {
    const p = project();
    // The first holds the lock for a while (paused at its first staging step).
    const first = start(['deploy', 'generate', '-p', p, '-e', 'dev'], { DAZZLE_TEST_FAULT: 'pause:3000@stage' });
    await until(() => existsSync(join(p, 'infra', LOCK)));
    const second = runCli(['deploy', 'generate', '-p', p, '-e', 'prod', '--format', 'json']);
    expect(second.code).toBe(2);
    const d = (JSON.parse(second.stdout) as { diagnostics: { code: string; severity: string; message: string }[] }).diagnostics.filter((x) => x.severity === 'error');
    expect(d.map((x) => x.code)).toEqual(['DZ6013']);
    expect(d[0]?.message).toContain(`pid ${first.pid}`);
    // synth waits for no one either: the folder is busy.
    const synth = runCli(['deploy', 'synth', '-p', p, '-e', 'dev']);
    expect(synth.code).toBe(2);
    expect(synth.stderr).toMatch(/error DZ6013/);
    const a = await first.exit;
    expect(a.code, a.stderr).toBe(0);
    expect(consistent(join(p, 'infra'))).toBe('dev');
    expect(existsSync(join(p, 'infra', LOCK))).toBe(false);
  });

  it('four generates for different environments started together: each exits 0, DZ6013 or DZ6030, and the tree is one whole generation', async () => {
    const p = project();
    for (let round = 0; round < 2; round++) {
      const runs = ['dev', 'staging', 'prod', 'dev'].map((e) => start(['deploy', 'generate', '-p', p, '-e', e]));
      const exits = await Promise.all(runs.map((r) => r.exit));
      for (const e of exits) {
        expect(e.stderr).not.toMatch(/DZ9001|ENOENT|ENOTEMPTY|EEXIST/);
        if (e.code !== 0) {
          expect(e.code, e.stderr).toBe(2);
          // Busy, or (after the first one wrote) holding the app of another environment.
          expect(e.stderr).toMatch(/error DZ6013: another dazzle deploy generate is running \(pid \d+|error DZ6030: /);
        }
      }
      // Into an empty folder, one of them writes.
      if (round === 0) expect(exits.some((e) => e.code === 0)).toBe(true);
      expect(['dev', 'staging', 'prod']).toContain(consistent(join(p, 'infra')));
      expect(existsSync(join(p, 'infra', LOCK))).toBe(false);
      expect(existsSync(join(p, 'infra', '.dazzle-staging'))).toBe(false);
    }
  });

  it('a stale lock (its pid is gone, on this host) is taken over with a note (DZ6016)', async () => {
    const p = project();
    const gone = start(['--version']);
    await gone.exit;
    expect(runCli(['deploy', 'generate', '-p', p, '-e', 'prod']).code).toBe(0);
    writeFileSync(join(p, 'infra', LOCK), JSON.stringify({ pid: gone.pid, host: hostname(), command: 'deploy generate', started_at: new Date().toISOString() }));
    const r = runCli(['deploy', 'generate', '-p', p, '-e', 'prod']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note DZ6016/);
    expect(consistent(join(p, 'infra'))).toBe('prod');
    expect(existsSync(join(p, 'infra', LOCK))).toBe(false);
  });

  it('a lock from another host is respected while recent, and taken over when old', () => {
    const p = project();
    expect(runCli(['deploy', 'generate', '-p', p, '-e', 'prod']).code).toBe(0);
    const lock = join(p, 'infra', LOCK);
    const recent = { pid: 4242, host: 'build-agent-7', command: 'deploy generate', started_at: new Date().toISOString() };
    writeFileSync(lock, JSON.stringify(recent));
    const held = runCli(['deploy', 'generate', '-p', p, '-e', 'prod']);
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(/error DZ6013: another dazzle deploy generate is running \(pid 4242 on build-agent-7/);
    expect(readFileSync(lock, 'utf8')).toBe(JSON.stringify(recent));
    writeFileSync(lock, JSON.stringify({ ...recent, started_at: new Date(Date.now() - 3 * 3600_000).toISOString() }));
    const taken = runCli(['deploy', 'generate', '-p', p, '-e', 'prod']);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stderr).toMatch(/note DZ6016/);
    expect(consistent(join(p, 'infra'))).toBe('prod');
  });

  it('an empty lock file is a lock being taken: respected while fresh, taken over when old', () => {
    const p = project();
    expect(runCli(['deploy', 'generate', '-p', p, '-e', 'prod']).code).toBe(0);
    const lock = join(p, 'infra', LOCK);
    writeFileSync(lock, '');
    expect(runCli(['deploy', 'generate', '-p', p, '-e', 'prod']).stderr).toMatch(/error DZ6013/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const r = runCli(['deploy', 'generate', '-p', p, '-e', 'prod']);
    expect(r.code, r.stderr).toBe(0);
    expect(consistent(join(p, 'infra'))).toBe('prod');
  });
});
