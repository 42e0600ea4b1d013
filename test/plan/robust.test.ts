/** Planning never throws: random configurations and every corpus project, in every environment. */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readProject } from '../../src/cli/io.js';
import { BASE_DEFAULTS, ENVIRONMENTS, loadConfig, type Environment } from '../../src/config/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { buildPlan, planMarkdown, planText } from '../../src/plan/index.js';
import { frontEnd } from '../../src/project/index.js';
import { CORPUS, corpusProjects, REPO, sharedCases } from '../helpers.js';

const projects = [...sharedCases('the corpus projects', () => corpusProjects().map((p) => join(CORPUS, p))), join(REPO, 'examples', 'ledger-app')];
const specs = projects.map((dir) => {
  const files = readProject(dir, REPO);
  const spec = frontEnd(files.dsl).value.spec;
  if (!spec) throw new Error(dir);
  return spec;
});

/** A random [deploy] document built from real keys and plausible values. */
const tomlValue = fc.oneof(fc.integer({ min: 0, max: 70000 }), fc.boolean(), fc.constantFrom('"dev"', '"prod"', '"t3.medium"', '"r6i.large"', '"db.r6g.large"', '"ssm:/x/y"', '"10.0.0.0/16"', '"10.0.0.0/24"', '"10.1.16.0/20"', '"10.0.1.0/16"', '"Dockerfile"', '""'));
const tables = Object.entries(BASE_DEFAULTS).filter(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0);
const deployDoc = fc
  .array(
    fc.constantFrom(...tables).chain(([table, keys]) =>
      fc.tuple(fc.constant(table), fc.array(fc.tuple(fc.constantFrom(...Object.keys(keys as object)), tomlValue), { maxLength: 4 })),
    ),
    { maxLength: 5 },
  )
  .map((ts) => ts.map(([t, kvs]) => `[deploy.${t}]\n${[...new Map(kvs).entries()].map(([k, v]) => `${k} = ${v}`).join('\n')}\n`).join('\n'));

describe('planning is total', () => {
  it('random configurations never make lowering or planning throw', () => {
    let planned = 0;
    fc.assert(
      fc.property(deployDoc, fc.constantFrom(...ENVIRONMENTS), fc.integer({ min: 0, max: specs.length - 1 }), (text, environment: Environment, i) => {
        const config = loadConfig({ path: 'dazzle.toml', text, environment });
        if (!config.value) return; // invalid configs are reported, not planned
        const lowered = lowerToRequirements(specs[i] as NonNullable<(typeof specs)[number]>, config.value);
        if (!lowered.value) return;
        const plan = buildPlan(lowered.value, config.value);
        planned++;
        expect(plan.stacks.length).toBeGreaterThan(0);
        expect(Number.isFinite(plan.total.low) && Number.isFinite(plan.total.high) && plan.total.low <= plan.total.high).toBe(true);
        expect(planText(plan).length).toBeGreaterThan(0);
        expect(planMarkdown(plan)).toContain('```mermaid');
      }),
      { seed: 5, numRuns: 300 },
    );
    // Not vacuous: many of the random configurations are valid and get planned.
    expect(planned).toBeGreaterThan(50);
  });
});
