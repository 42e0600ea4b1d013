/**
 * Running generated text for real, to prove what it means: TypeScript through esbuild and
 * node:vm (typescript 7 has no JavaScript API), shell through a real bash. Each helper
 * batches its inputs, so a property test pays for one esbuild call or one bash process.
 */
import { spawnSync } from 'node:child_process';
import { Script, createContext } from 'node:vm';
import { transformSync } from 'esbuild';
import { SHELL_WORD_FUNCTION } from '../../src/emit/code.js';

/** TypeScript → JavaScript (types stripped, comments dropped); throws on a syntax error. */
export function transpile(source: string): string {
  return transformSync(source, { loader: 'ts', format: 'cjs', target: 'es2022', legalComments: 'none' }).code;
}

/**
 * Run TypeScript in a fresh context whose only global is `out` (what the code writes). Returns
 * `out` and any other global the code created: injected code shows up as one, or as a throw.
 */
export function run(source: string): { out: Record<string, unknown>; globals: string[] } {
  const context = createContext({ out: {} as Record<string, unknown> });
  new Script(transpile(source)).runInContext(context, { timeout: 2000 });
  return { out: context.out as Record<string, unknown>, globals: Object.keys(context).filter((k) => k !== 'out') };
}

/** The values of TypeScript expressions (one esbuild transform, one evaluation). */
export function evaluateAll(expressions: readonly string[]): unknown[] {
  const { out } = run(`out.values = [\n${expressions.map((e) => `  ${e},`).join('\n')}\n];`);
  return out.values as unknown[];
}

/** The generated `sh()` of the stacks that build user data, as a function here. */
export function generatedShellWord(): (value: string) => string {
  const { out } = run(`${SHELL_WORD_FUNCTION}\nout.sh = sh;`);
  return out.sh as (value: string) => string;
}

/** Bash, once: `script` with a UTF-8-agnostic locale; stdout split on NUL. */
export function bash(script: string): { words: string[]; code: number | null; stderr: string } {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }, maxBuffer: 256 * 1024 * 1024 });
  const out = r.stdout ?? '';
  return { words: out === '' ? [] : out.replace(/\0$/, '').split('\0'), code: r.status, stderr: r.stderr ?? '' };
}

/** What bash makes of shell words: each word as one argument, printed back. */
export function shellWords(words: readonly string[]): string[] {
  const r = bash(words.map((w) => `printf '%s\\0' ${w}`).join('\n'));
  if (r.code !== 0) throw new Error(`bash failed (${r.code}): ${r.stderr}`);
  return r.words;
}

/** The text as bash sees it (the script file is UTF-8: lone surrogates become U+FFFD). */
export function asBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/**
 * The TigerBeetle boot script's block of values, evaluated by bash: name → value. Proves that
 * every value is exactly one word (bash assigns it, nothing else runs in the block).
 */
export function bootScriptValues(script: string): Map<string, string> {
  const end = script.indexOf('# End of the values.');
  if (end < 0) throw new Error('the boot script has no block of values');
  const block = script.slice(0, end).replace(/^set -Eeuo pipefail$/m, 'set -u');
  const names = [...block.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1] as string);
  const r = bash(`${block}\nprintf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`);
  if (r.code !== 0) throw new Error(`the block of values failed in bash (${r.code}): ${r.stderr}`);
  return new Map(names.map((n, i) => [n, r.words[i] as string]));
}

/** The words of a command written by the boot script (`exec a b c`), as bash splits them. */
export function commandWords(command: string): string[] {
  const r = bash(command.replace(/^exec /, "printf '%s\\0' "));
  if (r.code !== 0) throw new Error(`bash failed (${r.code}): ${r.stderr}`);
  return r.words;
}

/** `bash -n`: the script parses. Returns bash's complaint, '' when it parses. */
export function bashSyntax(script: string): string {
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : `${r.stderr}`.trim() || `exit ${r.status}`;
}
