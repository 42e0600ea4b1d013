/**
 * Issue 11's template-size estimate at the scale that found it low: a project with 200 buckets (a
 * Data stack that nearly fills its template with buckets, their policies and the access-log
 * bucket's statements), 250 queues (Messaging split) and 25 web services whose variables come from
 * environment files (Compute split) plans, generates and synthesizes, and each stack's estimate
 * is at least its synthesized template and at most 10% and 4 KB above it (usageProblems, with
 * every other count the plan makes). cdk-nag runs, once, on this synthesis too.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaleProject, writeProject } from '../../bench/project.mjs';
import type { StackName } from '../../src/plan/index.js';
import { synthProject, type Synthesized } from '../cdk-helpers.js';
import { templateFileBytes, templateSizeProblem, usageProblems } from './usage.js';

const BUCKETS = 200;
const QUEUES = 250;
const SERVICES = 25;
let s: Synthesized;

beforeAll(async () => {
  const project = mkdtempSync(join(tmpdir(), 'dazzle-scale-size-'));
  writeProject(project, scaleProject({ buckets: BUCKETS, queues: QUEUES, services: SERVICES }));
  s = await synthProject(project, 'prod');
}, 300_000);

describe(`a project with ${BUCKETS} buckets, ${QUEUES} queues and ${SERVICES} web services`, () => {
  it('splits Compute and Messaging, and holds the buckets in Data', () => {
    const names = s.prepared.plan.stacks.map((x) => x.name);
    expect(names.filter((n) => n.startsWith('Compute')).length).toBeGreaterThan(1);
    expect(names.filter((n) => n.startsWith('Messaging')).length).toBeGreaterThan(1);
    expect(s.prepared.plan.services.filter((x) => x.role !== 'nodes' && !x.environmentFile)).toEqual([]);
    const data = s.json.get('Data') as Record<string, any>;
    expect(Object.values(data.Resources as Record<string, { Type: string }>).filter((r) => r.Type === 'AWS::S3::Bucket').length).toBeGreaterThan(BUCKETS / 2);
  });

  it("estimates every stack's template at least at its size and at most 10% and 4 KB above it, and agrees with every other count", () => {
    const plan = s.prepared.plan;
    const sizes = plan.stacks.map((st) => ({ stack: st.name, estimate: st.usage.templateBytes.used, bytes: templateFileBytes(s.json.get(st.name) as Record<string, unknown>) }));
    expect(sizes.filter((x) => templateSizeProblem(x.estimate, x.bytes))).toEqual([]);
    // The stacks that found the estimate low: Data (its buckets) is the largest template here.
    const data = sizes.find((x) => x.stack === 'Data');
    expect(data?.bytes).toBeGreaterThan(300_000);
    const ids = new Map(s.prepared.app.stacks.map((x) => [x.name, x.id]));
    expect(usageProblems(plan, s.json as ReadonlyMap<StackName, Record<string, any>>, ids, { region: plan.region })).toEqual([]);
    expect(s.findings).toEqual([]);
  });
});
