/**
 * Identifiers and construct IDs made from names, on their own: emission never writes code with
 * two declarations of one name (which would fail in tsc or synth). The linker rejects such
 * names with a diagnostic; a plan that still has them is a broken invariant (InternalError).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InternalError } from '../../src/diagnostics/index.js';
import type { DeploymentPlan } from '../../src/plan/index.js';
import { REPO } from '../helpers.js';
import { emit, planWith } from './in-process.js';

const base = planWith(join(REPO, 'examples', 'ledger-app'), 'dev');
const withAws = (aws: Partial<DeploymentPlan['aws']>): DeploymentPlan => ({ ...base, aws: { ...base.aws, ...aws } });

describe('names that mangle to one identifier or construct ID', () => {
  it('two buckets a_b and a__b', () => {
    const bucket = base.aws.buckets[0] as DeploymentPlan['aws']['buckets'][number];
    expect(() => emit(withAws({ buckets: [{ ...bucket, name: 'a_b' }, { ...bucket, name: 'a__b', namePrefix: `${bucket.namePrefix}-2` }] }))).toThrow(/Data stack members: two names become the identifier bucketAB/);
  });

  it('a queue named like another queue’s dead letters, and a schedule named queue', () => {
    const queue = (name: string) => ({ name, deadLetterAfter: 3, queueName: `q-${name}`, deadLetterQueueName: `q-${name}-dlq`, stack: 'Messaging' as const });
    expect(() => emit(withAws({ queues: [queue('x'), queue('x_dead_letters')] }))).toThrow(/construct IDs: two names become the identifier QueueXDeadLetters/);
    const schedule = base.aws.schedules[0] as DeploymentPlan['aws']['schedules'][number];
    expect(() => emit(withAws({ schedules: [{ ...schedule, name: 'queue' }] }))).toThrow(InternalError);
  });

  it('a variable a service receives twice (a [deploy.compute.env] override of a generated one)', () => {
    const services = base.services.map((s) => ({ ...s, variables: [...s.variables, { name: 'DATABASE_HOST', kind: 'value' as const, value: 'db.example.com' }] }));
    expect(() => emit({ ...base, services })).toThrow(/the variables of service \w+: two names become the identifier DATABASE_HOST/);
  });

  it('any variable name is a quoted key, never code', () => {
    const name = 'A: 1, B: (() => { process.exit(42) })(), C';
    const services = base.services.map((s) => ({ ...s, variables: [...s.variables, { name, kind: 'value' as const, value: 'v' }] }));
    const source = emit({ ...base, services }).files.get('lib/compute-stack.ts') ?? '';
    expect(source).toContain(`        'A: 1, B: (() => { process.exit(42) })(), C': 'v',`);
  });
});
