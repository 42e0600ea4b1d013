/**
 * The ticketing plan's monthly cost against the seed's table (seed 004), row by row, at the
 * seed's low and high settings (the plan's low and high: 2 and 64 ACU, 4 and 16 tasks per
 * service). A row either falls inside the seed's range, or the example's README explains why
 * not (and the plan must then really be outside it, so that no explanation goes stale).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanResource } from '../../src/plan/index.js';
import { planWith } from '../emit/in-process.js';
import { TICKETING } from './synth.js';

interface Row {
  readonly component: string;
  readonly low: number;
  readonly high: number;
  /** Which plan resources (stack, resource) the row prices. */
  readonly match: (stack: string, r: PlanResource) => boolean;
  /** Why the plan is outside the seed's range: the README says so, in its cost table. */
  readonly outside?: 'below' | 'above' | 'around';
}

const isAlarmOrDashboard = (r: PlanResource) => r.type === 'AWS::CloudWatch::Alarm' || r.type === 'AWS::CloudWatch::Dashboard';
const SEED: readonly Row[] = [
  { component: 'Aurora Serverless v2', low: 500, high: 15000, match: (_s, r) => r.type === 'AWS::RDS::DBCluster', outside: 'below' },
  { component: 'Amazon MSK', low: 300, high: 500, match: (_s, r) => r.type === 'AWS::MSK::Cluster' },
  { component: 'ECS Fargate', low: 400, high: 1600, match: (s, r) => s === 'Compute' && r.type === 'AWS::ECS::Service', outside: 'below' },
  { component: 'Kvrocks on ECS', low: 100, high: 200, match: (s, r) => s === 'Cache' && r.type === 'AWS::ECS::Service' },
  { component: 'ALB / API Gateway', low: 25, high: 50, match: (_s, r) => r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' || r.type === 'AWS::ApiGatewayV2::Api', outside: 'around' },
  { component: 'EFS', low: 30, high: 100, match: (_s, r) => r.type === 'AWS::EFS::FileSystem' },
  { component: 'Secrets Manager', low: 5, high: 10, match: (_s, r) => r.type === 'AWS::SecretsManager::Secret', outside: 'below' },
  { component: 'CloudWatch', low: 50, high: 100, match: (_s, r) => isAlarmOrDashboard(r) || r.type === 'AWS::Logs::LogGroup' || r.id === 'KvrocksCluster', outside: 'below' },
];

const plan = planWith(TICKETING, 'prod');
const readme = readFileSync(join(TICKETING, 'README.md'), 'utf8');
const priced = plan.stacks.flatMap((s) => s.resources.filter((r) => r.cost !== null).map((r) => [s.name, r] as const));
const rowOf = (stack: string, r: PlanResource) => SEED.find((row) => row.match(stack, r));
const sum = (rows: readonly (readonly [string, PlanResource])[]) => ({
  low: Math.round(rows.reduce((n, [, r]) => n + (r.cost?.low ?? 0), 0) * 100) / 100,
  high: Math.round(rows.reduce((n, [, r]) => n + (r.cost?.high ?? 0), 0) * 100) / 100,
});

describe("the ticketing plan's cost against the seed's table", () => {
  it.each(SEED.map((r) => [r.component, r] as const))('%s', (_name, row) => {
    const rows = priced.filter(([s, r]) => rowOf(s, r) === row);
    const { low, high } = sum(rows);
    // The seed's Secrets Manager row has a plan resource only when a secret is created: the database's generated secret is priced in Aurora's row.
    if (row.component !== 'Secrets Manager') expect(rows.length, `${row.component} has plan resources`).toBeGreaterThan(0);
    const inside = low >= row.low && high <= row.high;
    const line = readme.split('\n').find((l) => l.startsWith(`| ${row.component} |`));
    expect(line, `README cost table row for ${row.component}`).toBeDefined();
    if (!row.outside) {
      expect([low, high]).toEqual([expect.any(Number), expect.any(Number)]);
      expect(inside, `${row.component}: ${low}-${high} is inside ${row.low}-${row.high}`).toBe(true);
      expect(line).toContain('inside');
    } else {
      expect(inside, `${row.component}: ${low}-${high} is outside ${row.low}-${row.high} (its note would be stale otherwise)`).toBe(false);
      if (row.outside === 'below') expect(low).toBeLessThan(row.low);
      expect(line).toMatch(/outside/);
      // The README states the plan's own figures for the row.
      expect(line).toContain(`$${Math.round(low).toLocaleString('en-US')}`);
    }
  });

  it('prices every component of the seed (EFS, Secrets Manager, CloudWatch, Kvrocks tasks included) and totals near the seed', () => {
    for (const type of ['AWS::EFS::FileSystem', 'AWS::MSK::Cluster', 'AWS::RDS::DBCluster', 'AWS::CloudWatch::Dashboard']) expect(priced.some(([, r]) => r.type === type), type).toBe(true);
    expect(priced.filter(([s, r]) => s === 'Cache' && r.type === 'AWS::ECS::Service')).toHaveLength(6);
    // The database's secret is priced with the database (its basis says so).
    expect(priced.find(([, r]) => r.type === 'AWS::RDS::DBCluster')?.[1].cost?.basis).toContain('the generated secret');
    expect(plan.total.low).toBeGreaterThan(1000);
    expect(plan.total.high).toBeLessThan(17560);
  });
});
