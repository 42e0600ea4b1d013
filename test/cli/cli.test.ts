/** The built CLI as a process: exit codes, output formats, no stack traces. */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { BIN, REPO, runCli, STACK_TRACE, tempProject } from '../helpers.js';

const EXAMPLE = 'examples/ledger-app';

describe('dazzle CLI', () => {
  it('--help and --version exit 0', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: dazzle');
    for (const c of ['check', 'inspect', 'deploy']) expect(help.stdout).toContain(c);
    const deploy = runCli(['deploy', '--help']);
    expect(deploy.code).toBe(0);
    for (const c of ['plan', 'generate', 'synth', 'preflight', 'diff']) expect(deploy.stdout).toContain(c);
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('usage mistakes exit 2 with a coded message and no stack trace', () => {
    for (const args of [[], ['frobnicate'], ['check', '--nope'], ['check', '--format', 'yaml'], ['deploy', 'plann']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
    expect(runCli(['frobnicate']).stderr).toContain('error DZ0101');
    expect(runCli(['check', '--format', 'yaml']).stderr).toMatch(/DZ0101.*yaml/);
  });

  it('deploy or config with no subcommand exits 2 with usage listing the subcommands', () => {
    for (const [cmd, subs] of [
      ['deploy', ['plan', 'generate', 'synth', 'preflight', 'diff', 'ci']],
      ['config', ['show']],
    ] as const) {
      const r = runCli([cmd]);
      expect(r.code, cmd).toBe(2);
      expect(r.stdout, cmd).toBe('');
      expect(r.stderr, cmd).toContain(`Usage: dazzle ${cmd} `);
      for (const s of subs) expect(r.stderr, `${cmd} ${s}`).toMatch(new RegExp(`^  ${s} `, 'm'));
      expect(r.stderr, cmd).toMatch(new RegExp(`^dazzle: error DZ0101: 'dazzle ${cmd}' needs a command: ${subs.join(', ')}$`, 'm'));
    }
    expect(runCli(['help']).code).toBe(0);
  });

  it('check succeeds on the bundled example (text and json)', () => {
    const text = runCli(['check', '-p', EXAMPLE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe("ok: app 'ledger_app', 3 files: 2 entities, 1 file field, 2 ledgers, 1 transaction, 1 queue channel, 1 stream channel, 1 schedule, 1 other construct\n");
    const json = runCli(['check', '--project', EXAMPLE, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, app: 'ledger_app', counts: { ledgers: 2, transactions: 1 }, diagnostics: [] });
  });

  it('check reports problems sorted, with file:line:col, a code frame and a hint (exit 2)', () => {
    const dir = tempProject({
      'dsl/b.dsl': 'module t.b\nentity Item "Item":\n  id: uuid pk\n  owner: ref Usr\n',
      'dsl/a.dsl': 'module t.a\napp t "T"\nentity User "User":\n  id: uuid pk\n  kind: strng\n',
    });
    const r = runCli(['check', '-p', dir]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n');
    const heads = lines.filter((l) => / - (error|warning) DZ/.test(l));
    expect(heads).toEqual([
      expect.stringMatching(/dsl\/a\.dsl:5:9 - error DZ3011: field 'User\.kind' has unknown type 'strng'$/),
      expect.stringMatching(/dsl\/b\.dsl:4:14 - error DZ3004: field 'Item\.owner' refers to entity 'Usr', which is not declared$/),
    ]);
    expect(r.stderr).toContain("  5 |   kind: strng\n    |         ^^^^^");
    expect(r.stderr).toContain("hint: did you mean 'str'?");
    expect(r.stderr).toContain("hint: did you mean 'User'?");
    expect(r.stderr).toContain('2 errors, 0 warnings');
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('a missing project directory is exit 2 with DZ0001', () => {
    const r = runCli(['check', '-p', 'no/such/dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error DZ0001');
  });

  it('inspect --format json prints the IR, byte-identical across runs', () => {
    const a = runCli(['inspect', '-p', EXAMPLE, '--format', 'json']);
    const b = runCli(['inspect', '-p', EXAMPLE, '--format', 'json']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const ir = JSON.parse(a.stdout);
    expect(ir.formatVersion).toBe(1);
    expect(ir.transactions[0]).toMatchObject({ name: 'RecordPayment', execution: 'async', transfers: [{ debit: 'CustomerWallet', credit: 'Revenue' }] });
    expect(ir.transactions[0].span).toMatchObject({ file: 'examples/ledger-app/dsl/ledgers.dsl', line: 19, col: 1 });
    expect(ir.channels.map((c: { kind: string }) => c.kind)).toEqual(['stream', 'queue']);
    expect(ir.channels[1].config).toEqual({ dead_letter_after: '5' });
  });

  it('inspect text gives an outline with locations', () => {
    const r = runCli(['inspect', '-p', EXAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('RecordPayment — async, CustomerWallet→Revenue  examples/ledger-app/dsl/ledgers.dsl:19');
  });

  it('preflight without a generated app says to generate (exit 2); every deploy command but synth checks the DSL first', () => {
    const p = runCli(['deploy', 'preflight', '-p', EXAMPLE, '--out', join(tmpdir(), 'dazzle-no-such-app')]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/error DZ6003: no generated app in .*dazzle-no-such-app/);
    const bad = tempProject({ 'dsl/app.dsl': 'app x "X"\nentity A\n' });
    for (const cmd of ['diff', 'generate', 'preflight']) {
      const b = runCli(['deploy', cmd, '-p', bad]);
      expect(b.code, cmd).toBe(2);
      expect(b.stderr, cmd).toContain('error DZ2001');
    }
    // synth reads the generated app and compares the inputs' checksum; it does not parse the DSL.
    const synth = runCli(['deploy', 'synth', '-p', bad]);
    expect(synth.code).toBe(2);
    expect(synth.stderr).toContain('error DZ6003');
  });

  it('an internal error is exit 3 with no stack trace unless --debug', async () => {
    const err: string[] = [];
    const io = { stdout: () => { throw new Error('disk full'); }, stderr: (s: string) => void err.push(s), color: false };
    expect(await run(['check', '-p', EXAMPLE], io, process.cwd())).toBe(3);
    expect(err.join('')).toContain('internal error DZ9001: disk full');
    expect(err.join('')).not.toMatch(STACK_TRACE);
    err.length = 0;
    expect(await run(['check', '-p', EXAMPLE, '--debug'], io, process.cwd())).toBe(3);
    expect(err.join('')).toMatch(STACK_TRACE);
  });

  it('never colours output when NO_COLOR is set or output is not a terminal', () => {
    const r = runCli(['check', 'no-such.dsl']);
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('stops quietly when its reader goes away (`dazzle check | head -1`)', async () => {
    const bad = tempProject({ 'dsl/app.dsl': 'app x "X"\nentity A "A":\n  b: nosuchtype\n  c: alsonot\n' });
    for (const stream of ['stdout', 'stderr'] as const) {
      const args = stream === 'stdout' ? ['inspect', '--format', 'json', '-p', EXAMPLE] : ['check', '-p', bad];
      const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child[stream].once('data', () => child[stream].destroy());
      const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000).unref());
      const result = await Promise.race([exited, timeout]);
      if (result === 'hung') child.kill('SIGKILL');
      expect(result, stream).not.toBe('hung');
      expect([0, 2], stream).toContain(result);
    }
  });
});
