/**
 * The classification rules on their own, on small templates: the cases the
 * generated app does not produce today (a fixed-name replacement, an export whose
 * value changes), whatever its construct IDs. The acceptance fixtures cover the
 * rest on real projects.
 */
import { describe, expect, it } from 'vitest';
import { classify, diffStack } from '../../src/diff/resources.js';
import { exportTraps } from '../../src/diff/exports.js';
import { provenanceIndex } from '../../src/diff/provenance.js';
import { diffMarkdown, diffText, type Template } from '../../src/diff/index.js';
import type { DiffReport } from '../../src/diff/index.js';

const none = provenanceIndex(new Map(), undefined);
const ctx = { stack: 'S', onlyNew: () => false, provenance: { before: none, after: none } };
const only = (before: Template, after: Template) => {
  const [c] = diffStack(before, after).changes;
  if (!c) throw new Error('no change');
  return classify(c, ctx);
};

describe('impact classes by type, properties and policies', () => {
  it('a replacement of a resource with a fixed name breaks the deploy', () => {
    const q = (fifo: boolean) => ({ Resources: { Jobs: { Type: 'AWS::SQS::Queue', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { QueueName: 'jobs.fifo', FifoQueue: fifo } } } });
    const r = only(q(false), q(true));
    expect(r.action).toBe('replace');
    expect(r.impact).toBe('data-kept');
    expect(r.reasons.join(' ')).toMatch(/fixed name \(QueueName\)/);
    // Worse than data kept: with the data deleted on replacement, the worst wins.
    const lost = only(
      { Resources: { Jobs: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs', FifoQueue: false } } } },
      { Resources: { Jobs: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs', FifoQueue: true } } } },
    );
    expect(lost.impact).toBe('destroys-data');
    // A fixed name without data: the broken deploy is the worst.
    const topic = (fifo: boolean) => ({ Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alarms', FifoTopic: fifo } } } });
    expect(only(topic(false), topic(true))).toMatchObject({ action: 'replace', impact: 'breaks-deploy' });
  });

  it('a renamed resource is replaced without breaking (the new name is free)', () => {
    const b = (name: string) => ({ Resources: { B: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { BucketName: name } } } });
    const r = only(b('one'), b('two'));
    expect(r.action).toBe('replace');
    expect(r.impact).toBe('data-kept');
  });

  it('an Aurora instance holds no data of its own; a standalone one does, and RDS snapshots by default', () => {
    const inst = (cls: string, cluster?: string) => ({ Resources: { I: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: cls, Engine: 'postgres', ...(cluster ? { DBClusterIdentifier: cluster } : {}) } } } });
    expect(only(inst('db.t3.small', 'c'), { Resources: {} })).toMatchObject({ action: 'remove', impact: 'safe' });
    expect(only(inst('db.t3.small'), { Resources: {} })).toMatchObject({ action: 'remove', impact: 'data-kept' });
  });

  it('an export whose value changes while another stack imports it breaks the deploy', () => {
    const exporter = (v: string): Template => ({ Resources: {}, Outputs: { O: { Value: v, Export: { Name: 'S:Thing' } } } });
    const importer: Template = { Resources: { R: { Type: 'AWS::SSM::Parameter', Properties: { Value: { 'Fn::ImportValue': 'S:Thing' } } } } };
    const traps = exportTraps(new Map([['S', exporter('a')], ['T', importer]]), new Map([['S', exporter('b')], ['T', importer]]), () => false);
    expect(traps).toEqual([expect.objectContaining({ impact: 'breaks-deploy', subject: 'S:Thing', reasons: [expect.stringMatching(/value changes while T imports it/)] })]);
    expect(exportTraps(new Map([['S', exporter('a')], ['T', importer]]), new Map([['S', exporter('a')], ['T', importer]]), () => false)).toEqual([]);
    // Nobody imports it: removing it is fine.
    expect(exportTraps(new Map([['S', exporter('a')]]), new Map([['S', { Resources: {} }]]), () => false)).toEqual([]);
  });

  it('provenance: the longest plan construct ID the construct path starts with', () => {
    const t: Template = { Resources: { X: { Type: 'AWS::SQS::Queue', Metadata: { 'aws:cdk:path': 'App-dev-Messaging/QueueJobsDeadLetters/Resource' } } } };
    const plan = { app: 'app', environment: 'dev', stacks: [{ name: 'Messaging', dependsOn: [], resources: [{ id: 'QueueJobs', type: 'AWS::SQS::Queue', title: '', params: [], because: [{ kind: 'config', key: 'deploy.x', source: { kind: 'default' } }], cost: null }] }] };
    const p = provenanceIndex(new Map([['App-dev-Messaging', t]]), plan as never).of('App-dev-Messaging', 'X');
    expect(p).toMatchObject({ path: 'App-dev-Messaging/QueueJobsDeadLetters/Resource', resource: { stack: 'Messaging', id: 'QueueJobs' } });
  });
});

describe('renderers', () => {
  const report: DiffReport = {
    format_version: 1,
    app: 'a',
    environment: 'dev',
    baseline: { kind: 'output', label: 'infra', version: 'abc' },
    current: { version: 'def' },
    summary: { changed: true, worst: 'breaks-deploy', impacts: { 'destroys-data': 0, 'data-kept': 0, 'breaks-deploy': 1, 'widens-access': 0, 'interrupts-service': 0, safe: 0 }, critical: 0, stacks: { added: 0, removed: 0, modified: 1, unchanged: 0 }, resources: { added: 0, removed: 0, updated: 0, replaced: 0 } },
    changes: [{ kind: 'export', impact: 'breaks-deploy', critical: false, stack: 'S', subject: 'S:x|y', type: null, action: 'remove', title: 'export S:x|y <b>', reasons: ['a | b'], hint: 'h', because: null }],
    stacks: [{ id: 'S', name: null, status: 'modified', checksum: { before: null, after: null }, resources: [], outputs: [] }],
    plan: { known: false, added: [], removed: [], modified: [], cost: { before: null, after: { low: 1, high: 2 }, delta: null } },
    edited_files: [],
    notes: [],
  };
  it('markdown escapes table cells (pipes, HTML) and balances its details', () => {
    const md = diffMarkdown(report, { appFolder: 'infra' });
    expect(md).toContain('export S:x\\|y &lt;b&gt;');
    expect(md).toContain('a \\| b');
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
  });
  it('text says when the cost before is not known, and colours only when asked', () => {
    expect(diffText(report, { appFolder: 'infra' })).toMatch(/\$1\.00–\$2\.00 \(the baseline's cost is not known\)/);
    expect(diffText(report, { appFolder: 'infra' })).not.toMatch(/\u001b/);
    expect(diffText(report, { appFolder: 'infra', color: true })).toMatch(/\u001b\[31mbreaks the deploy/);
  });
});
