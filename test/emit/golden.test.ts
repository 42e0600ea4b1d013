/**
 * The golden app: every generated file of the seed example (prod) and the construct paths of its
 * synthesized templates, pinned. `npm run accept` rewrites test/golden/app/; CI never does.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { APP_CASES, constructIds, normalizeVersionFile } from '../../scripts/golden-cases.mjs';
import { synthApp } from '../../src/cli/synth.js';
import { copyProject, REPO, runCli } from '../helpers.js';

const cases = APP_CASES as { name: string; project: string; env: string }[];
const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
const REVIEW = 'review the change, then run npm run accept';

describe.each(cases.map((c) => [c.name, c] as const))('golden app %s', (_, c) => {
  it('generates the pinned files and construct IDs', async () => {
    const project = mkdtempSync(join(tmpdir(), 'dazzle-golden-'));
    copyProject(join(REPO, c.project), project);
    const r = runCli(['deploy', 'generate', '-p', project, '--env', c.env]);
    expect(r.code, r.stderr).toBe(0);
    const app = join(project, 'infra');
    const golden = join(REPO, 'test', 'golden', 'app', c.name);
    const expected = walk(join(golden, 'files')).map((f) => relative(join(golden, 'files'), f)).sort();
    expect(walk(app).map((f) => relative(app, f)).sort()).toEqual(expected);
    for (const rel of expected) {
      const text = readFileSync(join(app, rel), 'utf8');
      const got = rel === '.dazzle-infra-version.json' ? normalizeVersionFile(text) : text;
      expect(got, `test/golden/app/${c.name}/files/${rel} differs: ${REVIEW}`).toBe(readFileSync(join(golden, 'files', rel), 'utf8'));
    }
    const out = await synthApp(app);
    const templates = [...out.templates.values()].map((f) => JSON.parse(readFileSync(join(out.outdir, f), 'utf8')));
    expect(constructIds(templates), `test/golden/app/${c.name}/construct-ids.txt differs: a changed construct ID replaces the resource in AWS; ${REVIEW}`).toBe(
      readFileSync(join(golden, 'construct-ids.txt'), 'utf8'),
    );
  });
});
