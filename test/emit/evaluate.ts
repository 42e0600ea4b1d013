/**
 * Running generated text for real, to prove what it means: TypeScript through esbuild and
 * node:vm (typescript 7 has no JavaScript API). Each helper batches its inputs, so a property
 * test pays for one esbuild call.
 */
import { Script, createContext } from 'node:vm';
import { transformSync } from 'esbuild';

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
