/**
 * Generation over random valid configurations (fast-check): it never throws, it is
 * deterministic, construct IDs are unique per scope; and a sample of them synthesizes with
 * no unacknowledged cdk-nag error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readProject } from '../../src/cli/io.js';
import { synthApp } from '../../src/cli/synth.js';
import { ENVIRONMENTS, loadConfig, type Environment } from '../../src/config/index.js';
import { emitApp } from '../../src/emit/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { buildPlan } from '../../src/plan/index.js';
import { frontEnd } from '../../src/project/index.js';
import { writeApp } from '../cdk-helpers.js';
import { CORPUS, REPO, sharedCases } from '../helpers.js';

const projects = [join(REPO, 'examples', 'ledger-app'), ...sharedCases('the corpus projects', () => ['acme_billing', 'fieldtest_hub', 'simple_task', 'support_tickets'].map((p) => join(CORPUS, p)))];
const specs = projects.map((dir) => {
  const spec = frontEnd(readProject(dir, REPO).dsl).value.spec;
  if (!spec) throw new Error(dir);
  return spec;
});

/** Settings that change what is generated, with values that are valid. */
const settings = fc.record(
  {
    azs: fc.constantFrom(2, 3),
    nat: fc.constantFrom(1, 2),
    nodes: fc.constantFrom(1, 3, 5),
    iops: fc.constantFrom(3000, 10000, 20000),
    size: fc.constantFrom('t3.medium', 'r6i.large', 'r6i.xlarge'),
    dbMode: fc.constantFrom('serverless', 'provisioned'),
    readers: fc.constantFrom(0, 1, 2),
    domain: fc.constantFrom('', 'example.com'),
    zoneId: fc.constantFrom('', 'Z0123456789ABCDEFGHIJ'),
    image: fc.constantFrom('', 'public.ecr.aws/docker/library/nginx:1.27'),
    email: fc.constantFrom('', 'ops@example.com'),
    retention: fc.constantFrom(7, 30, 365),
  },
  { noNullPrototype: true },
);

function toml(s: Record<string, unknown>): string {
  return [
    '[deploy.network]',
    `az_count = ${s.azs}`,
    `nat_gateways = ${Math.min(Number(s.nat), Number(s.azs))}`,
    '[deploy.tigerbeetle]',
    `node_count = ${s.nodes}`,
    `volume_iops = ${s.iops}`,
    `size = "${s.size}"`,
    '[deploy.database]',
    `mode = "${s.dbMode}"`,
    `readers = ${s.readers}`,
    '[deploy.domain]',
    `name = "${s.domain}"`,
    `hosted_zone_id = "${s.domain ? s.zoneId : ''}"`,
    '[deploy.compute]',
    `image = "${s.image}"`,
    '[deploy.alarms]',
    `email = [${s.email ? `"${s.email}"` : ''}]`,
    '[deploy.logs]',
    `retention_days = ${s.retention}`,
  ].join('\n');
}

function generate(text: string, environment: Environment, i: number) {
  const config = loadConfig({ path: 'dazzle.toml', text, environment });
  if (!config.value) throw new Error(`invalid config:\n${text}\n${config.diagnostics.map((d) => d.message).join('\n')}`);
  const lowered = lowerToRequirements(specs[i] as NonNullable<(typeof specs)[number]>, config.value);
  if (!lowered.value) throw new Error('lowering failed');
  const plan = buildPlan(lowered.value, config.value);
  const input = { plan, projectRoot: '.', outDir: 'infra', projectFromOut: '..', inputsChecksum: 'x'.repeat(64), generatedAt: '2026-01-01T00:00:00Z' };
  return { first: emitApp(input), second: emitApp(input), plan };
}

describe('generation over random configurations', () => {
  it('never throws, is deterministic, and gives unique construct IDs in each generated class', () => {
    fc.assert(
      fc.property(settings, fc.constantFrom(...ENVIRONMENTS), fc.integer({ min: 0, max: specs.length - 1 }), (s, env: Environment, i) => {
        const { first, second } = generate(toml(s), env, i);
        expect(first.diagnostics).toEqual([]);
        expect([...(first.value?.files ?? [])]).toEqual([...(second.value?.files ?? [])]);
        for (const [path, text] of first.value?.files ?? []) {
          if (!path.startsWith('lib/') || path === 'lib/app.ts') continue;
          // Literal IDs of constructs created directly in the stack (`new X(this, 'Id'`): unique.
          const ids = [...text.matchAll(/new [\w.]+\(this, '([^']+)'/g)].map((m) => m[1]);
          expect(new Set(ids).size, `${path}: ${ids.join(', ')}`).toBe(ids.length);
        }
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('a sample synthesizes with no unacknowledged cdk-nag error', async () => {
    const samples = fc.sample(fc.tuple(settings, fc.constantFrom(...ENVIRONMENTS), fc.integer({ min: 0, max: specs.length - 1 })), { seed: 23, numRuns: 6 });
    for (const [s, env, i] of samples) {
      const { first } = generate(toml(s), env, i);
      // The app goes into <project>/infra, next to the Dockerfile its image may be built from.
      const project = mkdtempSync(join(tmpdir(), 'dazzle-prop-'));
      writeFileSync(join(project, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.12-slim\n');
      const dir = writeApp(first.value?.files ?? new Map(), join(project, 'infra'));
      const out = await synthApp(dir);
      const context = `${toml(s)}\nenvironment ${env}, project ${projects[i]}`;
      expect(out.diagnostics.filter((d) => d.code !== 'DZ7104').map((d) => d.message), context).toEqual([]);
      expect(out.templates.size, context).toBeGreaterThan(0);
    }
  }, 240_000);
});
