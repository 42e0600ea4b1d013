/**
 * Global setup: collects the suites skipped because the shared folder is missing
 * (helpers.ts, `describeShared` and `itShared`) and prints them, after the run, on
 * one line. With the folder present (as in CI) nothing is skipped or printed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { SHARED, SHARED_SKIPS } from './shared-folder.js';

/** The line printed for the skipped suites, by file: `… skipped 3 suites … (a.test.ts: x, y; b.test.ts: z)`. */
export function skippedLine(skipped: readonly { readonly file: string; readonly name: string }[], shared: string, cwd: string): string {
  const byFile = new Map<string, string[]>();
  for (const s of skipped) {
    const names = byFile.get(s.file) ?? [];
    if (!names.includes(s.name)) names.push(s.name);
    byFile.set(s.file, names);
  }
  const files = [...byFile.keys()].sort();
  const count = files.reduce((n, f) => n + (byFile.get(f) as string[]).length, 0);
  const where = relative(cwd, shared) || shared;
  const list = files.map((f) => `${f}: ${(byFile.get(f) as string[]).join(', ')}`).join('; ');
  return `Skipped ${count} suite${count === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'} that read ${where}, which is not there (it holds the Dazzle corpus and seeds, beside the repository in CI): ${list}`;
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-shared-skips-'));
  const report = join(dir, 'skipped.jsonl');
  project.provide(SHARED_SKIPS, report);
  return () => {
    let text = '';
    try {
      text = readFileSync(report, 'utf8');
    } catch {
      // nothing was skipped
    }
    rmSync(dir, { recursive: true, force: true });
    const skipped = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { file: string; name: string });
    if (skipped.length) process.stdout.write(`\n${skippedLine(skipped, SHARED, process.cwd())}\n`);
  };
}
