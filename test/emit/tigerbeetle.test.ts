/**
 * The TigerBeetle stack, on synthesized CloudFormation: one self-healing
 * replica per planned node, each with its fixed address in the right private
 * subnet, its own encrypted data volume, and a boot script that uses the one
 * ordered address list, the pinned release and a guarded format.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/index.js';
import { availabilityZones } from '../../src/emit/model.js';
import { isGraviton } from '../../src/emit/stacks/tigerbeetle.js';
import type { AwsTigerBeetle, DeploymentPlan } from '../../src/plan/index.js';
import { resourcesOf, synthProject, typecheckApp, type Synthesized } from '../cdk-helpers.js';
import { copyProject, CORPUS, REPO } from '../helpers.js';
import { evaluate, ssmReads, ssmWrites } from './cfn.js';
import { bashSyntax, bootScriptValues, commandWords } from './evaluate.js';
import { planWith, synthPlan } from './in-process.js';

type Json = Record<string, unknown>;
type Resource = { Type?: string; Properties?: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string | string[]; CreationPolicy?: Json; UpdatePolicy?: Json; Metadata?: Json };

/** ledger-app with volume_iops above gp3's maximum (io2 volumes), in staging. */
function ledgerAppOnIo2(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-tb-io2-'));
  copyProject(join(REPO, 'examples/ledger-app'), dir);
  const toml = readFileSync(join(dir, 'dazzle.toml'), 'utf8');
  writeFileSync(join(dir, 'dazzle.toml'), toml.replace(/^volume_iops = \d+/m, 'volume_iops = 20000'));
  return dir;
}

const CASES: { name: string; project: () => string; env: Environment; replicas: number; volumeType: 'gp3' | 'io2' }[] = [
  { name: 'ledger-app prod', project: () => join(REPO, 'examples/ledger-app'), env: 'prod', replicas: 3, volumeType: 'gp3' },
  { name: 'fieldtest_hub dev', project: () => join(CORPUS, 'fieldtest_hub'), env: 'dev', replicas: 1, volumeType: 'gp3' },
  { name: 'fieldtest_hub prod', project: () => join(CORPUS, 'fieldtest_hub'), env: 'prod', replicas: 3, volumeType: 'gp3' },
  { name: 'ledger-app staging on io2', project: ledgerAppOnIo2, env: 'staging', replicas: 3, volumeType: 'io2' },
];

/** A resource's construct path below its stack: `Replica0/ASG`. */
function pathOf(r: Resource): string {
  return String((r.Metadata ?? {})['aws:cdk:path'] ?? '').replace(/^[^/]+\//, '');
}

/** The one resource of `type` at construct path `path` (below the stack). */
function at(t: Json, type: string, path: string): [string, Resource] {
  const found = resourcesOf(t, type).filter(([, r]) => pathOf(r as Resource) === path);
  expect(found.map(([id]) => id), `${type} at ${path}`).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** Decode `Fn::Base64` of a string or an `Fn::Join`; tokens are shown as `{{Ref:X}}`, `{{GetAtt:X.Y}}`, `{{ImportValue:N}}`. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  const o = v as Json;
  if ('Fn::Base64' in o) return text(o['Fn::Base64']);
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(text).join(sep);
  }
  if ('Ref' in o) return `{{Ref:${String(o.Ref)}}}`;
  if ('Fn::GetAtt' in o) return `{{GetAtt:${(o['Fn::GetAtt'] as string[]).join('.')}}}`;
  if ('Fn::ImportValue' in o) return `{{ImportValue:${text(o['Fn::ImportValue'])}}}`;
  throw new Error(`cannot render ${JSON.stringify(v)}`);
}

/**
 * A value of the TigerBeetle stack as CloudFormation resolves it at deploy time: each SSM
 * parameter it reads has the value the Network stack writes (resources of the Network stack stay
 * `{{Ref:X}}`).
 */
function deployed(v: unknown, tb: Json, network: Json): unknown {
  const written = ssmWrites(network, 'Network', { region: 'us-east-1' });
  const parameters = Object.fromEntries([...ssmReads(tb)].map(([id, name]) => [id, String(written.get(name))]));
  return evaluate(v, 'TigerBeetle', { region: 'us-east-1', parameters });
}

/** A subnet reference from the TigerBeetle stack (read from a Network stack parameter) → that subnet's properties. */
function subnetOf(ref: unknown, tb: Json, network: Json): { logicalId: string; cidr: string; az: string } {
  const value = String(deployed(ref, tb, network));
  const logicalId = /^\{\{Ref:(\w+)\}\}$/.exec(value)?.[1] ?? '';
  const subnet = ((network.Resources ?? {}) as Record<string, Resource>)[logicalId];
  if (subnet?.Type !== 'AWS::EC2::Subnet') throw new Error(`${value} is not a subnet of the Network stack`);
  return { logicalId, cidr: String(subnet.Properties?.CidrBlock), az: String(subnet.Properties?.AvailabilityZone) };
}

function ipv4(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipv4(base as string);
  return ipv4(address) >= start && ipv4(address) < start + size;
}

function statements(policy: Resource): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  return ((policy.Properties?.PolicyDocument as Json).Statement as never[]) ?? [];
}

const list = (x: string | string[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe.each(CASES)('TigerBeetle stack: $name', (c) => {
  let s: Synthesized;
  let plan: DeploymentPlan;
  let tb: AwsTigerBeetle;
  let t: Json;
  let network: Json;
  let prod: boolean;

  beforeAll(async () => {
    s = await synthProject(c.project(), c.env);
    plan = s.prepared.plan;
    tb = plan.aws.tigerbeetle as AwsTigerBeetle;
    t = s.json.get('TigerBeetle') as Json;
    network = s.json.get('Network') as Json;
    prod = plan.environment === 'prod';
  }, 120_000);

  /** The user data of replica `id`'s launch template. */
  const bootScript = (id: string) => text(((at(t, 'AWS::EC2::LaunchTemplate', `${id}LaunchTemplate/Resource`)[1].Properties as Json).LaunchTemplateData as Json).UserData);

  it('renders the plan it was given', () => {
    expect(tb.nodes).toHaveLength(c.replicas);
    expect(tb.volume.type).toBe(c.volumeType);
  });

  it('has exactly one group, one address and one volume per replica', () => {
    expect(resourcesOf(t, 'AWS::AutoScaling::AutoScalingGroup')).toHaveLength(c.replicas);
    expect(resourcesOf(t, 'AWS::EC2::NetworkInterface')).toHaveLength(c.replicas);
    expect(resourcesOf(t, 'AWS::EC2::Volume')).toHaveLength(c.replicas);
    expect(resourcesOf(t, 'AWS::EC2::LaunchTemplate')).toHaveLength(c.replicas);
  });

  it("gives each replica its planned address, inside the private subnet of the replica's zone", () => {
    const zones = availabilityZones(plan);
    for (const node of tb.nodes) {
      const [, eni] = at(t, 'AWS::EC2::NetworkInterface', `${node.id}Address`);
      const p = eni.Properties as Json;
      expect(p.PrivateIpAddress).toBe(node.address);
      const subnet = subnetOf(p.SubnetId, t, network);
      expect(subnet.cidr).toBe(plan.aws.network.subnets.private[node.az]);
      expect(subnet.az).toBe(zones[node.az]);
      expect(inCidr(node.address, subnet.cidr)).toBe(true);
      // The tier security group from the Network stack (by its parameter, no export), and nothing that deletes it with an instance.
      const sg = resourcesOf(network, 'AWS::EC2::SecurityGroup').find(([, r]) => pathOf(r as Resource) === 'TigerBeetleSecurityGroup/Resource')?.[0];
      expect(deployed((p.GroupSet as unknown[])[0], t, network)).toBe(`{{GetAtt:${sg}.GroupId}}`);
      expect(eni.DeletionPolicy).toBeUndefined();
      // The group launches in that same subnet.
      const [, asg] = at(t, 'AWS::AutoScaling::AutoScalingGroup', `${node.id}/ASG`);
      const zonesOfGroup = (asg.Properties?.VPCZoneIdentifier as unknown[]).map((z) => subnetOf(z, t, network).logicalId);
      expect(zonesOfGroup).toEqual([subnet.logicalId]);
    }
  });

  it('keeps each replica’s data on an encrypted volume of the planned size, never destroyed by the stack', () => {
    const zones = availabilityZones(plan);
    for (const node of tb.nodes) {
      const [, volume] = at(t, 'AWS::EC2::Volume', `${node.id}Data/Resource`);
      const p = volume.Properties as Json;
      expect(p.Encrypted).toBe(true);
      expect(p.Size).toBe(tb.volume.sizeGb);
      expect(p.Iops).toBe(tb.volume.iops);
      expect(p.VolumeType).toBe(tb.volume.type);
      expect(p.Throughput).toBe(tb.volume.throughput ?? undefined);
      expect(p.AvailabilityZone).toBe(zones[node.az]);
      expect(volume.DeletionPolicy).toBe(prod ? 'Retain' : 'Snapshot');
      expect(volume.UpdateReplacePolicy).toBe(prod ? 'Retain' : 'Snapshot');
    }
  });

  it('runs each replica as a self-healing single instance that signals, rolled one replica at a time', () => {
    let previous: string | undefined;
    for (const node of tb.nodes) {
      const [id, asg] = at(t, 'AWS::AutoScaling::AutoScalingGroup', `${node.id}/ASG`);
      expect(asg.Properties?.MinSize).toBe('1');
      expect(asg.Properties?.MaxSize).toBe('1');
      expect(asg.CreationPolicy).toEqual({ ResourceSignal: { Count: 1, Timeout: 'PT15M' } });
      expect(asg.UpdatePolicy?.AutoScalingRollingUpdate).toMatchObject({ MaxBatchSize: 1, MinInstancesInService: 0, WaitOnResourceSignals: true });
      const metrics = (asg.Properties?.MetricsCollection as { Metrics: string[] }[]).flatMap((m) => m.Metrics);
      expect(metrics).toContain('GroupInServiceInstances');
      if (previous) expect(list(asg.DependsOn)).toContain(previous);
      previous = id;
    }
  });

  it('launches Amazon Linux 2023 with IMDSv2 only, no key pair, encrypted root volume, detailed monitoring', () => {
    const params = (t.Parameters ?? {}) as Record<string, { Default?: string }>;
    for (const node of tb.nodes) {
      const data = (at(t, 'AWS::EC2::LaunchTemplate', `${node.id}LaunchTemplate/Resource`)[1].Properties as Json).LaunchTemplateData as Json;
      expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required' });
      expect(data.KeyName).toBeUndefined();
      expect(data.InstanceType).toBe(tb.instanceType);
      expect(data.Monitoring).toEqual({ Enabled: true });
      const devices = data.BlockDeviceMappings as { Ebs: Json }[];
      expect(devices.length).toBeGreaterThan(0);
      for (const d of devices) expect(d.Ebs.Encrypted).toBe(true);
      const image = params[String((data.ImageId as Json).Ref)]?.Default ?? '';
      expect(image).toMatch(/al2023/);
      expect(image).toMatch(isGraviton(tb.instanceType) ? /arm64/ : /x86_64/);
    }
  });

  it('boots every replica with the pinned release and the one ordered address list', () => {
    const arch = isGraviton(tb.instanceType) ? 'aarch64' : 'x86_64';
    const url = `https://github.com/tigerbeetle/tigerbeetle/releases/download/${tb.version}/tigerbeetle-${arch}-linux.zip`;
    for (const node of tb.nodes) {
      const script = bootScript(node.id);
      expect(script.startsWith('#!/bin/bash\n')).toBe(true);
      expect(script).toMatch(/^set -Eeuo pipefail$/m);
      expect(bashSyntax(script)).toBe('');
      // Every value is one word in the block at the top, as bash reads it.
      const values = bootScriptValues(script);
      expect(values.get('RELEASE_URL')).toBe(url);
      expect(script).toMatch(/^  curl -fsSL .* "\$RELEASE_URL"$/m);
      expect(script).not.toMatch(/releases\/latest/);
      // The unit runs the start script, which holds the one list, in plan order, identical for every replica.
      const binary = `/opt/tigerbeetle/${tb.version}/tigerbeetle`;
      const dataFile = `/var/lib/tigerbeetle/${tb.clusterId}_${node.index}.tigerbeetle`;
      expect(values.get('BINARY')).toBe(binary);
      expect(values.get('DATA_FILE')).toBe(dataFile);
      const start = values.get('START') ?? '';
      expect(start.startsWith('#!/bin/bash\nexec ')).toBe(true);
      expect(commandWords(start.slice('#!/bin/bash\n'.length))).toEqual([binary, 'start', `--addresses=${tb.addresses.join(',')}`, dataFile]);
      const unit = values.get('UNIT') ?? '';
      expect(unit).toContain(`\nExecStart=${values.get('START_SCRIPT')}\n`);
      expect(unit).toContain('\nUser=tigerbeetle\n');
      expect(script).toMatch(/^printf '%s' "\$START" > "\$START_SCRIPT"$/m);
      expect(script).toMatch(/^printf '%s' "\$UNIT" > \/etc\/systemd\/system\/tigerbeetle\.service$/m);
      // Formatted as the node's own index, for the planned count and cluster.
      expect(values.get('REPLICA')).toBe(String(node.index));
      expect(values.get('REPLICA_COUNT')).toBe(String(tb.nodes.length));
      expect(values.get('CLUSTER_ID')).toBe(String(tb.clusterId));
      // Its own address and volume, by reference; the exact address check (no substring match).
      const [eniId] = at(t, 'AWS::EC2::NetworkInterface', `${node.id}Address`);
      const [volumeId] = at(t, 'AWS::EC2::Volume', `${node.id}Data/Resource`);
      expect(values.get('ENI_ID')).toBe(`{{Ref:${eniId}}}`);
      expect(values.get('VOLUME_ID')).toBe(`{{Ref:${volumeId}}}`);
      expect(values.get('ADDRESS')).toBe(node.address);
      expect(script).toContain('grep -Fx -e "$ADDRESS"');
      // Signals its own group, on success and from the ERR trap.
      const [asgId] = at(t, 'AWS::AutoScaling::AutoScalingGroup', `${node.id}/ASG`);
      expect(values.get('SIGNAL_RESOURCE')).toBe(asgId);
      expect(script).toMatch(/^ {2}\/opt\/aws\/bin\/cfn-signal --stack "\$STACK_NAME" --resource "\$SIGNAL_RESOURCE" --region "\$REGION" "\$@"$/m);
      expect(script).toMatch(/^signal --exit-code 0 /m);
      expect(script).toMatch(/^ {4}signal --exit-code 1 --reason "\$1"/m);
      expect(script).toMatch(/^trap 'fail .*' ERR$/m);
    }
  });

  it('formats a data file only when it does not exist, and starts that same file', () => {
    for (const node of tb.nodes) {
      const script = bootScript(node.id);
      const guarded = /^if \[ ! -e "\$DATA_FILE" \]; then\n(?: {2}.*\n)*? {2}runuser -u tigerbeetle -- "\$BINARY" format --cluster="\$CLUSTER_ID" --replica="\$REPLICA" --replica-count="\$REPLICA_COUNT" "\$DATA_FILE\.formatting"\n {2}mv "\$DATA_FILE\.formatting" "\$DATA_FILE"\n/m;
      expect(script).toMatch(guarded);
      expect(script.match(/tigerbeetle format |" format /g)).toHaveLength(1);
      // The start script starts the data file that was formatted.
      const values = bootScriptValues(script);
      expect(commandWords((values.get('START') ?? '').slice('#!/bin/bash\n'.length)).at(-1)).toBe(values.get('DATA_FILE'));
      // The filesystem too: mkfs only when blkid finds none.
      expect(script).toMatch(/if \[ -z "\$FSTYPE" \]; then\n  mkfs\.xfs "\$DEVICE"/);
      expect(script.match(/mkfs/g)).toHaveLength(1);
    }
  });

  it('gives each instance role exactly what its boot script needs', () => {
    for (const node of tb.nodes) {
      const [eniId] = at(t, 'AWS::EC2::NetworkInterface', `${node.id}Address`);
      const [volumeId] = at(t, 'AWS::EC2::Volume', `${node.id}Data/Resource`);
      const [, policy] = at(t, 'AWS::IAM::Policy', `${node.id}Role/DefaultPolicy/Resource`);
      const all = statements(policy);
      for (const st of all) {
        expect(st.Effect).toBe('Allow');
        for (const a of list(st.Action)) expect(a).not.toMatch(/\*/);
        if (st.Resource === '*') for (const a of list(st.Action)) expect(a).toMatch(/^ec2:Describe/);
      }
      const resourcesFor = (action: string) => all.filter((st) => list(st.Action).includes(action)).flatMap((st) => list(st.Resource as never)).map(text);
      expect(resourcesFor('ec2:AttachNetworkInterface').some((r) => r.endsWith(`:network-interface/{{Ref:${eniId}}}`))).toBe(true);
      expect(resourcesFor('ec2:AttachVolume').some((r) => r.endsWith(`:volume/{{Ref:${volumeId}}}`))).toBe(true);
      expect(resourcesFor('cloudformation:SignalResource')).toEqual(['{{Ref:AWS::StackId}}']);
      expect(resourcesFor('logs:PutLogEvents')).toEqual([expect.stringMatching(/^\{\{GetAtt:LogGroup\w+\.Arn\}\}$/)]);
      const [, role] = at(t, 'AWS::IAM::Role', `${node.id}Role/Resource`);
      expect((role.Properties?.ManagedPolicyArns as unknown[]).map(text)).toEqual([expect.stringMatching(/:iam::aws:policy\/AmazonSSMManagedInstanceCore$/)]);
    }
  });

  it('publishes the cluster and node parameters', () => {
    const params = new Map(resourcesOf(t, 'AWS::SSM::Parameter').map(([, r]) => [String(r.Properties?.Name), r.Properties?.Value]));
    expect(params.get(`${tb.parameterPrefix}/cluster_id`)).toBe(String(tb.clusterId));
    expect(params.get(`${tb.parameterPrefix}/replica_count`)).toBe(String(tb.nodes.length));
    for (const node of tb.nodes) {
      expect(params.get(`${tb.parameterPrefix}/nodes/${node.index}`)).toBe(tb.addresses[node.index]);
      expect(params.get(`${tb.parameterPrefix}/formatted/${node.index}`)).toBe('never');
    }
  });

  it('keeps the replicas’ logs in the planned log group', () => {
    const groups = resourcesOf(t, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(1);
    const [id, group] = groups[0] as [string, Resource];
    // Kept in prod: the name ends with the stack's creation id, so a new stack never meets the kept group.
    expect(evaluate(group.Properties?.LogGroupName, 'TigerBeetle', { region: 'us-east-1', uuid: 'abcdef01-0000-11e3-aff7-50e2416294e0' })).toBe(`${tb.logGroup}-abcdef01`);
    expect(group.Properties?.RetentionInDays).toBe(plan.aws.observability.logRetentionDays);
    expect(group.DeletionPolicy).toBe(prod ? 'Retain' : 'Delete');
    for (const node of tb.nodes) {
      const agent = JSON.parse(bootScriptValues(bootScript(node.id)).get('AGENT_CONFIG') ?? '{}') as { logs: { logs_collected: { files: { collect_list: { log_group_name: string; log_stream_name: string }[] } } } };
      const files = agent.logs.logs_collected.files.collect_list;
      expect(files.map((f) => f.log_group_name)).toEqual([`{{Ref:${id}}}`, `{{Ref:${id}}}`]);
      expect(files.map((f) => f.log_stream_name)).toEqual([`${node.id}/{instance_id}/tigerbeetle`, `${node.id}/{instance_id}/boot`]);
    }
  });

  it('has no unacknowledged cdk-nag findings, and the app type-checks', () => {
    expect(s.findings.filter((f) => f.path.includes('-TigerBeetle/'))).toEqual([]);
    expect(s.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(typecheckApp(s.dir)).toBe('');
  });
});

describe('isGraviton', () => {
  it('tells arm64 instance families from x86_64 ones', () => {
    for (const t of ['t4g.medium', 'm7g.large', 'r7g.xlarge', 'r8g.large', 'c7gn.large', 'm6gd.large', 'x2gd.large', 'im4gn.large', 'a1.large']) expect(isGraviton(t), t).toBe(true);
    for (const t of ['t3.medium', 'r6i.large', 'r6i.2xlarge', 'm6a.large', 'c5n.large', 'g5.xlarge', 'g4dn.xlarge', 'i4i.large']) expect(isGraviton(t), t).toBe(false);
  });
});

describe('TigerBeetle boot script: values are shell words, never shell code', () => {
  it('keeps a hostile release and address inert: bash assigns them exactly and runs nothing', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'dazzle-tb-canary-')), 'ran');
    const release = `0.16.11'$(touch ${marker})\n"; touch ${marker}; #\`touch ${marker}\`\${IFS}*`;
    const base = planWith(join(REPO, 'examples/ledger-app'), 'dev');
    const tbPlan = base.aws.tigerbeetle as AwsTigerBeetle;
    const address = `${tbPlan.nodes[0]?.address}'; touch ${marker}; '`;
    // Only the emitter's input changes: the values the config checks would refuse, rendered anyway.
    const plan: DeploymentPlan = {
      ...base,
      aws: {
        ...base.aws,
        tigerbeetle: { ...tbPlan, version: release, nodes: tbPlan.nodes.map((n, i) => (i === 0 ? { ...n, address } : n)), addresses: tbPlan.addresses.map((a, i) => (i === 0 ? `${address}:3000` : a)) },
      },
    };
    const s = await synthPlan(plan);
    const tpl = s.json.get('TigerBeetle') as Json;
    const script = text(((at(tpl, 'AWS::EC2::LaunchTemplate', 'Replica0LaunchTemplate/Resource')[1].Properties as Json).LaunchTemplateData as Json).UserData);
    expect(bashSyntax(script)).toBe('');
    const values = bootScriptValues(script);
    expect(values.get('ADDRESS')).toBe(address);
    expect(values.get('BINARY')).toBe(`/opt/tigerbeetle/${release}/tigerbeetle`);
    expect(values.get('RELEASE_URL')).toBe(`https://github.com/tigerbeetle/tigerbeetle/releases/download/${release}/tigerbeetle-x86_64-linux.zip`);
    const start = values.get('START') ?? '';
    expect(start.startsWith('#!/bin/bash\nexec ')).toBe(true);
    expect(commandWords(start.slice('#!/bin/bash\n'.length))).toEqual([`/opt/tigerbeetle/${release}/tigerbeetle`, 'start', `--addresses=${[`${address}:3000`, ...tbPlan.addresses.slice(1)].join(',')}`, `/var/lib/tigerbeetle/${tbPlan.clusterId}_0.tigerbeetle`]);
    // The unit file holds no value at all.
    expect(values.get('UNIT')).not.toContain(release);
    expect(values.get('UNIT')).not.toContain(address);
    expect(existsSync(marker)).toBe(false);
    expect(typecheckApp(s.dir)).toBe('');
  }, 240_000);
});
