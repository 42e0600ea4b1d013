/** Start-up: a command loads only the code it runs (the bundled CLI in dist/, run as users run it). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, copyProject, REPO } from '../helpers.js';

/** Run dazzle; the files of dist/ it loaded (Node's ESM debug log) and the built-in modules it loaded. */
function loaded(args: readonly string[]): { status: number | null; files: string[]; builtins: string[] } {
  const probe = `data:text/javascript,process.on('exit',()=>process.stderr.write('BUILTINS '+JSON.stringify(process.moduleLoadList)+'\\n'))`;
  const r = spawnSync(process.execPath, ['--import', probe, BIN, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'esm' } });
  const urls = [...r.stderr.matchAll(/Storing (file:\/\/\S+\.mjs)/g)].map((m) => fileURLToPath(m[1] as string));
  const list = JSON.parse(/^BUILTINS (.*)$/m.exec(r.stderr)?.[1] ?? '[]') as string[];
  return { status: r.status, files: [...new Set(urls)], builtins: list.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)) };
}

const example = join(REPO, 'examples', 'ledger-app');
/** The generator (emit) and the version file's JSON Schema validator (ajv) are in these files when loaded. */
const generator = (files: readonly string[]) => files.filter((f) => /\bfunction emitApp\(|node_modules\/ajv\/dist\/core/.test(readFileSync(f, 'utf8')));

describe('start-up', () => {
  it('deploy plan loads neither the generator nor node:crypto or node:child_process when there is no generated app', () => {
    const r = loaded(['deploy', 'plan', '-p', example, '--env', 'prod']);
    expect(r.status).toBe(0);
    expect(r.files.length).toBeGreaterThan(3);
    expect(generator(r.files)).toEqual([]);
    expect(r.builtins.filter((b) => b === 'crypto' || b === 'child_process')).toEqual([]);
  });

  it('deploy plan beside a generated app reads where it put each unit without loading the generator', () => {
    const dir = copyProject(example, join(mkdtempSync(join(tmpdir(), 'dazzle-startup-')), 'app'));
    try {
      expect(loaded(['deploy', 'generate', '-p', dir, '--env', 'prod']).status).toBe(0);
      const r = loaded(['deploy', 'plan', '-p', dir, '--env', 'prod']);
      expect(r.status).toBe(0);
      expect(generator(r.files).filter((f) => /\bfunction emitApp\(/.test(readFileSync(f, 'utf8')))).toEqual([]);
      // The version file was read: its reader (and the placement it records) is loaded.
      expect(r.files.some((f) => /\bfunction previousPlacement\(/.test(readFileSync(f, 'utf8')))).toBe(true);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });

  it('check loads neither node:crypto nor node:child_process', () => {
    const r = loaded(['check', '-p', example]);
    expect(r.status).toBe(0);
    expect(r.builtins.filter((b) => b === 'crypto' || b === 'child_process')).toEqual([]);
  });

  it('the probe sees them when a command runs them: generate --dry-run hashes its files', () => {
    const r = loaded(['deploy', 'generate', '-p', example, '--dry-run', '--out', join(REPO, 'examples', 'ledger-app', 'infra-startup-probe')]);
    expect(r.status).toBe(0);
    expect(generator(r.files).length).toBeGreaterThan(0);
    expect(r.builtins).toContain('crypto');
  });
});
