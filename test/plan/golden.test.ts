/** Golden plans: the text and JSON plan of each case, pinned. `npm run accept` rewrites them; CI never does. */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { FORMATS, PLAN_CASES } from '../../scripts/golden-cases.mjs';
import { REPO, runCli, SHARED, sharedCases } from '../helpers.js';

type Case = { name: string; args: string[] };
/** Cases of projects in the shared folder (`../shared/corpus/…`), found where the tests find it. */
const readsShared = (c: Case) => c.args.some((a) => a.startsWith('../shared/'));
const cases = [
  ...(PLAN_CASES as Case[]).filter((c) => !readsShared(c)),
  ...sharedCases('the corpus plans', () => (PLAN_CASES as Case[]).filter(readsShared).map((c) => ({ ...c, args: c.args.map((a) => a.replace(/^\.\.\/shared\//, `${relative(REPO, SHARED)}/`)) }))),
];
const formats = FORMATS as [string, string][];

describe('golden plans', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    for (const [file, format] of formats) {
      const r = runCli(['deploy', 'plan', '--format', format, ...c.args]);
      expect(r.code, r.stderr).toBe(0);
      const expected = readFileSync(join(REPO, 'test', 'golden', 'plan', c.name, file), 'utf8');
      expect(r.stdout, `test/golden/plan/${c.name}/${file} differs: review, then run npm run accept`).toBe(expected);
    }
  });
});
