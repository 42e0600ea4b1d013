/**
 * One fixture pair per impact class, each made by changing the DSL or the
 * dazzle.toml of a real project (the bundled example, a corpus project), then
 * planned, generated and synthesized as `deploy diff` does. Each baseline is
 * synthesized once per file.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { failsOn, type Change, type DiffReport } from '../../src/diff/index.js';
import { CORPUS, describeShared, REPO } from '../helpers.js';
import { diff, replace, sideOf, variant, type DeploymentPlanSide } from './sides.js';

process.env.CDK_VALIDATION = 'false';
const EXAMPLE = join(REPO, 'examples', 'ledger-app');

const ofClass = (r: DiffReport, impact: Change['impact']) => r.changes.filter((c) => c.impact === impact);
const resourceChange = (r: DiffReport, type: string) => r.stacks.flatMap((s) => s.resources).filter((x) => x.type === type);

describe('deploy diff on the ledger example (staging)', () => {
  let base: DeploymentPlanSide;
  const against = async (edits: Parameters<typeof variant>[1]) => diff(base, await sideOf(variant(EXAMPLE, edits)));
  beforeAll(async () => {
    base = await sideOf(variant(EXAMPLE));
  }, 120_000);

  it('no change: nothing changed, every stack unchanged, the gate passes', async () => {
    const r = await against({});
    expect(r.summary.changed).toBe(false);
    expect(r.changes).toEqual([]);
    expect(r.stacks.map((s) => s.status)).toEqual(r.stacks.map(() => 'unchanged'));
    expect(r.plan).toMatchObject({ known: true, added: [], removed: [], modified: [], cost: { delta: { low: 0, high: 0 } } });
    expect(failsOn(r, 'any')).toBe(false);
  });

  it('removing the only file field removes the bucket: retained in staging, so the data is kept', async () => {
    const r = await against({ 'dsl/app.dsl': replace('  receipt: file optional\n', '') });
    const [bucket] = resourceChange(r, 'AWS::S3::Bucket').filter((x) => x.logicalId.startsWith('BucketFiles'));
    expect(bucket).toMatchObject({ action: 'orphan', impact: 'data-kept', because: 'field Payment.receipt (dsl/app.dsl:20)' });
    // The access-log bucket exists for the app's buckets: it goes with the last one.
    expect(r.plan.removed).toEqual([
      expect.objectContaining({ stack: 'Data', id: 'AccessLogs', type: 'AWS::S3::Bucket', because: 'field Payment.receipt (dsl/app.dsl:20)' }),
      expect.objectContaining({ stack: 'Data', id: 'BucketFiles', type: 'AWS::S3::Bucket', because: 'field Payment.receipt (dsl/app.dsl:20)' }),
    ]);
    expect(r.plan.cost.delta?.high).toBeLessThan(0);
    expect(ofClass(r, 'destroys-data')).toEqual([]);
    expect(failsOn(r, 'destructive')).toBe(false);
    expect(failsOn(r, 'replacement')).toBe(true);
  });

  it('removing a channel deletes its queues (destroys data) and trips on every export another stack still imports', async () => {
    const r = await against({ 'dsl/messaging.dsl': replace(/channel payment_jobs[\s\S]*?(?=channel ledger_events)/, '') });
    const queues = resourceChange(r, 'AWS::SQS::Queue').filter((q) => q.logicalId.startsWith('QueuePaymentJobs'));
    expect(queues.map((q) => [q.action, q.impact])).toEqual([
      ['remove', 'destroys-data'],
      ['remove', 'destroys-data'],
    ]);
    expect(queues[0]?.because).toBe('channel (kind: queue) payment_jobs (dsl/messaging.dsl:9)');
    expect(r.summary.worst).toBe('destroys-data');
    // Every export the change removes while a deployed stack imports it breaks the deploy (whatever the app still exports).
    const imported = r.stacks.flatMap((s) => s.outputs.filter((o) => o.change === 'remove' && o.importedBy.length).map((o) => o.exportName));
    expect(ofClass(r, 'breaks-deploy').map((c) => c.subject).sort()).toEqual([...imported].sort());
    if (imported.length) expect(ofClass(r, 'breaks-deploy')[0]?.hint).toMatch(/--exclusively/);
    expect(failsOn(r, 'destructive')).toBe(true);
  });

  it('node_count 3 → 5 on a formatted TigerBeetle cluster is critical, and says what to do instead', async () => {
    const r = await against({ 'dazzle.toml': replace('node_count = 3', 'node_count = 5') });
    const [tb] = r.changes.filter((c) => c.kind === 'tigerbeetle');
    expect(tb).toMatchObject({ impact: 'destroys-data', critical: true, title: 'TigerBeetle replica count 3 → 5' });
    expect(tb?.hint).toMatch(/node_count = 3/);
    expect(r.changes[0]).toBe(tb);
    expect(r.summary.critical).toBe(1);
    // Each new replica comes with its alarm, in the TigerBeetle stack.
    expect(r.plan.added.map((e) => e.id)).toEqual(['Replica3', 'Replica4', 'Replica3InServiceAlarm', 'Replica4InServiceAlarm']);
  });

  it('a new cluster ID is critical too', async () => {
    const r = await against({ 'dazzle.toml': replace('node_count = 3', 'node_count = 3\ncluster_id = 7') });
    expect(r.changes.filter((c) => c.critical).map((c) => c.title)).toEqual(['TigerBeetle cluster ID 1 → 7']);
  });

  it('az_count 2 → 3 moves the fixed replica addresses: the cluster restarts on new ones', async () => {
    const r = await against({ 'dazzle.toml': (t) => `${t}\n[deploy.network]\naz_count = 3\n` });
    const [moved] = r.changes.filter((c) => c.kind === 'tigerbeetle');
    expect(moved).toMatchObject({ impact: 'interrupts-service', critical: true });
    expect(moved?.reasons[0]).toMatch(/availability zones changes from 2 to 3/);
    expect(moved?.hint).toMatch(/keep \[deploy.network\] vpc_cidr and az_count/);
  });

  it('adding an ingress port (a cache the services reach on 6379) widens access', async () => {
    const r = await against({ 'dazzle.toml': (t) => `${t}\n[deploy.cache]\nenabled = true\n` });
    expect(r.summary.worst).toBe('widens-access');
    const rules = r.stacks.flatMap((s) => s.resources).flatMap((x) => x.rules);
    expect(rules).toContainEqual(expect.objectContaining({ change: 'add', direction: 'in', protocol: 'TCP 6379' }));
    expect(r.plan.added.map((e) => `${e.stack}/${e.id}`)).toEqual(['Compute/Cache']);
    expect(r.plan.cost.delta?.low).toBeGreaterThan(0);
  });

  it('moving the service port replaces the target group (interrupts service) and opens the new port', async () => {
    const r = await against({ 'dazzle.toml': replace('desired_count = 2', 'desired_count = 2\nport = 8080') });
    expect(resourceChange(r, 'AWS::ElasticLoadBalancingV2::TargetGroup')).toEqual([expect.objectContaining({ action: 'replace', impact: expect.stringMatching(/breaks-deploy|interrupts-service/) })]);
    expect(ofClass(r, 'widens-access').flatMap((c) => c.reasons)).toContain('new ingress: TCP 8080 from ${LoadBalancerSecurityGroup3036A0FC.GroupId}');
  });

  it('turning on the domain opens 443 to the internet: widens access', async () => {
    const r = await against({ 'dazzle.toml': (t) => `${t}\n[deploy.domain]\nname = "example.com"\nhosted_zone_id = "Z0123456789ABC"\n` });
    const widened = ofClass(r, 'widens-access').flatMap((c) => c.reasons);
    expect(widened).toContain('new public ingress: TCP 443 from Everyone (IPv4)');
    expect(resourceChange(r, 'AWS::CertificateManager::Certificate').map((c) => c.action)).toEqual(['add']);
  });

  it('adding a queue is safe, and the plan says why and what it costs', async () => {
    const r = await against({ 'dsl/messaging.dsl': (t) => `${t}\nchannel refunds "Refunds":\n  kind: queue\n  provider: auto\n` });
    expect(r.summary).toMatchObject({ changed: true, worst: 'safe' });
    expect(r.changes.every((c) => c.impact === 'safe')).toBe(true);
    expect(resourceChange(r, 'AWS::SQS::Queue').map((q) => q.action)).toEqual(['add', 'add']);
    // The queue and its two alarms, all in the Messaging stack, all caused by the channel.
    expect(r.plan.added).toEqual(['QueueRefunds', 'QueueRefundsDeadLettersAlarm', 'QueueRefundsAgeAlarm'].map((id) => expect.objectContaining({ stack: 'Messaging', id, because: 'channel (kind: queue) refunds (dsl/messaging.dsl:32)' })));
    expect(r.plan.cost.delta?.high).toBeGreaterThan(0);
    expect(failsOn(r, 'replacement')).toBe(false);
    expect(failsOn(r, 'any')).toBe(true);
  });

  it('serverless → provisioned restarts the writer on its new instance class: interrupts service', async () => {
    const serverless = await sideOf(variant(EXAMPLE, { 'dazzle.toml': replace('instance_class = "db.t3.medium"\n', '') }));
    const r = diff(serverless, base);
    expect(r.summary.worst).toBe('interrupts-service');
    expect(ofClass(r, 'interrupts-service')).toEqual([expect.objectContaining({ type: 'AWS::RDS::DBInstance', action: 'update' })]);
    expect(r.plan.modified.find((m) => m.id === 'Database')?.params).toContainEqual({ name: 'instance class', before: null, after: 'db.t3.medium' });
  });

  it('is deterministic: the same two sides give the same report', async () => {
    const edits = { 'dsl/messaging.dsl': replace(/channel payment_jobs[\s\S]*?(?=channel ledger_events)/, '') };
    expect(JSON.stringify(await against(edits))).toBe(JSON.stringify(await against(edits)));
  });
});

describe('deploy diff with a stateful resource the environment does not keep (dev)', () => {
  it('removing the file field destroys the bucket and its objects', async () => {
    const before = await sideOf(variant(EXAMPLE), 'dev');
    const r = diff(before, await sideOf(variant(EXAMPLE, { 'dsl/app.dsl': replace('  receipt: file optional\n', '') }), 'dev'));
    expect(resourceChange(r, 'AWS::S3::Bucket').filter((b) => b.logicalId.startsWith('BucketFiles'))).toEqual([expect.objectContaining({ action: 'remove', impact: 'destroys-data' })]);
    expect(failsOn(r, 'destructive')).toBe(true);
  }, 60_000);
});

describeShared('deploy diff on a corpus project', () => {
  const DEPLOY = '\n[deploy]\nenabled = true\nenvironment = "staging"\n\n[deploy.compute]\nimage = "public.ecr.aws/docker/library/python:3.12-slim"\n';
  it('simple_task: serverless → provisioned interrupts service and changes the cost', async () => {
    const project = join(CORPUS, 'simple_task');
    const before = await sideOf(variant(project, { 'dazzle.toml': (t) => `${t}${DEPLOY}` }));
    const after = await sideOf(variant(project, { 'dazzle.toml': (t) => `${t}${DEPLOY}\n[deploy.database]\nmode = "provisioned"\ninstance_class = "db.t4g.medium"\n` }));
    const r = diff(before, after);
    expect(r.summary.worst).toBe('interrupts-service');
    expect(r.plan.modified.map((m) => m.id)).toContain('Database');
    expect(r.plan.cost.before).not.toEqual(r.plan.cost.after);
  }, 120_000);
});

describe('no baseline', () => {
  it('everything counts as added, with a note', async () => {
    const r = diff(undefined, await sideOf(variant(EXAMPLE)));
    expect(r.summary.changed).toBe(true);
    expect(r.stacks.every((s) => s.status === 'added')).toBe(true);
    expect(r.notes.join('\n')).toMatch(/No baseline/);
    expect(r.plan.cost.before).toEqual({ low: 0, high: 0 });
  }, 60_000);
});
