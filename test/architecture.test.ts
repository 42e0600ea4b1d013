/** House rules that keep the pipeline honest: one-way imports, and only the CLI touches the outside world. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

const SRC = join(REPO, 'src');
/** Lower layers never import higher ones. */
const LAYERS = ['version.ts', 'diagnostics', 'syntax', 'config', 'ir', 'lower', 'plan', 'emit', 'preflight', 'diff', 'ci', 'project', 'cli'];
/**
 * Stages beside synth (templates + plan → findings or changes) are narrower than the order above:
 * they read only these layers, never each other, and only the CLI reads them. CI reads the
 * reports of preflight and diff (their types and thresholds), so it may read those two.
 */
const BESIDE_SYNTH: Readonly<Record<string, readonly string[]>> = {
  preflight: ['version.ts', 'diagnostics', 'config', 'lower', 'plan'],
  diff: ['version.ts', 'diagnostics', 'config', 'lower', 'plan'],
  ci: ['version.ts', 'diagnostics', 'config', 'lower', 'plan', 'emit', 'preflight', 'diff'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(path: string): number {
  const top = relative(SRC, path).split('/')[0] ?? '';
  return LAYERS.indexOf(top);
}

describe('architecture', () => {
  const all = files(SRC);

  it('every source file belongs to a layer', () => {
    for (const f of all) expect(layerOf(f), relative(REPO, f)).toBeGreaterThanOrEqual(0);
  });

  it('imports point one way: down the pipeline', () => {
    const violations: string[] = [];
    for (const f of all) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/from '(\.[^']+)'/g)) {
        const target = join(f, '..', m[1] as string);
        if (layerOf(target) > layerOf(f)) violations.push(`${relative(REPO, f)} imports ${m[1]}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('stages beside synth import only the layers they need, and only the CLI imports them', () => {
    const violations: string[] = [];
    for (const f of all) {
      const own = relative(SRC, f).split('/')[0] ?? '';
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/from '(\.[^']+)'/g)) {
        const target = (relative(SRC, join(f, '..', m[1] as string)).split('/')[0] ?? '').replace(/\.js$/, '.ts');
        if (target === own) continue;
        const allowed = BESIDE_SYNTH[own];
        if (allowed && !allowed.includes(target)) violations.push(`${relative(REPO, f)} imports ${m[1]}`);
        if (target in BESIDE_SYNTH && own !== 'cli' && !allowed?.includes(target)) violations.push(`${relative(REPO, f)} imports ${m[1]}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('only the CLI touches the file system, the process and the environment', () => {
    const violations: string[] = [];
    for (const f of all) {
      if (relative(SRC, f).startsWith('cli/')) continue;
      const src = readFileSync(f, 'utf8');
      if (/from 'node:(fs|child_process|os)'|\bprocess\.(env|exit|cwd|argv|stdout|stderr)|Date\.now\(|new Date\(/.test(src)) violations.push(relative(REPO, f));
    }
    expect(violations).toEqual([]);
  });

  it('the CLI entry point loads commands lazily (no parser at start-up)', () => {
    const main = readFileSync(join(SRC, 'cli', 'main.ts'), 'utf8');
    expect(main).not.toMatch(/^import .*(syntax|project|commands)/m);
  });

  it('aws-cdk-lib, cdk-nag, esbuild and cloudformation-diff are loaded by synth and diff only: never by check, plan or generate', () => {
    // Run the built CLI in a child process and list the heavy packages in its module cache afterwards.
    const script = `
      import { createRequire } from 'node:module';
      const { run } = await import(${JSON.stringify(join(REPO, 'dist', 'dazzle.mjs'))});
      const code = await run(JSON.parse(process.argv[1]), { stdout: () => {}, stderr: () => {}, color: false }, process.cwd());
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ code, heavy: ['aws-cdk-lib', 'cdk-nag', 'esbuild', '@aws-cdk/cloudformation-diff'].filter((p) => cache.some((k) => k.includes('/node_modules/' + p + '/'))) }));`;
    const loaded = (args: string[]) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(args)], { cwd: REPO, encoding: 'utf8' });
      return JSON.parse(r.stdout) as { code: number; heavy: string[] };
    };
    const example = join(REPO, 'examples', 'ledger-app');
    const out = mkdtempSync(join(tmpdir(), 'dazzle-arch-'));
    expect(loaded(['check', '-p', example])).toEqual({ code: 0, heavy: [] });
    expect(loaded(['deploy', 'plan', '-p', example])).toEqual({ code: 0, heavy: [] });
    expect(loaded(['deploy', 'generate', '-p', example, '--out', out, '--allow-out-anywhere'])).toEqual({ code: 0, heavy: [] });
    // The probe sees them when they are loaded.
    expect(loaded(['deploy', 'synth', '-p', example, '--out', out]).heavy).toEqual(['aws-cdk-lib', 'cdk-nag', 'esbuild']);
    expect(loaded(['deploy', 'diff', '-p', example, '--out', out]).heavy).toEqual(['aws-cdk-lib', 'esbuild', '@aws-cdk/cloudformation-diff']);
    // The Action's report reads JSON: none of them.
    const plan = join(out, 'plan.json');
    writeFileSync(plan, spawnSync(process.execPath, [join(REPO, 'bin', 'dazzle'), 'deploy', 'plan', '-p', example, '--format', 'json'], { encoding: 'utf8' }).stdout);
    expect(loaded(['deploy', 'ci', 'report', '--plan', plan])).toEqual({ code: 0, heavy: [] });
  });
});
