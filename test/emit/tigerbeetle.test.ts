/**
 * The TigerBeetle stack, on synthesized CloudFormation: one self-healing
 * replica per planned node, each with its fixed address in the right private
 * subnet, its own encrypted data volume, and a boot script that uses the one
 * ordered address list, the pinned release and a guarded format.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/index.js';
import { TIGERBEETLE_INSTANCE_TYPES, TIGERBEETLE_MIN_MEMORY_GIB } from '../../src/config/tigerbeetle-sizes.js';
import { availabilityZones } from '../../src/emit/model.js';
import { isGraviton } from '../../src/emit/stacks/tigerbeetle.js';
import type { AwsTigerBeetle, DeploymentPlan } from '../../src/plan/index.js';
import { resourcesOf, synthProject, typecheckApp, type Synthesized } from '../cdk-helpers.js';
import { copyProject, CORPUS, REPO, sharedCases } from '../helpers.js';
import { evaluate, ssmReads, ssmWrites } from './cfn.js';
import { bashSyntax, bootScriptValues, commandWords } from './evaluate.js';
import { planWith, synthPlan } from './in-process.js';

type Json = Record<string, unknown>;
type Resource = { Type?: string; Properties?: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string | string[]; CreationPolicy?: Json; UpdatePolicy?: Json; Metadata?: Json };

/** An image ID pinned in dazzle.toml (tigerbeetle.ami). */
const PINNED_AMI = 'ami-0123456789abcdef0';

/** ledger-app with volume_iops above gp3's maximum (io2 volumes) and a pinned image, in staging. */
function ledgerAppOnIo2(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-tb-io2-'));
  copyProject(join(REPO, 'examples/ledger-app'), dir);
  const toml = readFileSync(join(dir, 'dazzle.toml'), 'utf8');
  writeFileSync(join(dir, 'dazzle.toml'), toml.replace(/^volume_iops = \d+/m, `volume_iops = 20000\nami = "${PINNED_AMI}"`));
  return dir;
}

const CASES: { name: string; project: () => string; env: Environment; replicas: number; volumeType: 'gp3' | 'io2'; ami: string | null }[] = [
  { name: 'ledger-app prod', project: () => join(REPO, 'examples/ledger-app'), env: 'prod', replicas: 3, volumeType: 'gp3', ami: null },
  ...sharedCases('fieldtest_hub', () => [
    { name: 'fieldtest_hub dev', project: () => join(CORPUS, 'fieldtest_hub'), env: 'dev' as const, replicas: 1, volumeType: 'gp3' as const, ami: null },
    { name: 'fieldtest_hub prod', project: () => join(CORPUS, 'fieldtest_hub'), env: 'prod' as const, replicas: 3, volumeType: 'gp3' as const, ami: null },
  ]),
  { name: 'ledger-app staging on io2, pinned image', project: ledgerAppOnIo2, env: 'staging', replicas: 3, volumeType: 'io2', ami: PINNED_AMI },
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

/** The definition of bash function `name` in `script`: `name() {` up to the first `}` alone on a line, or one line. */
function bashFunction(script: string, name: string): string {
  const lines = script.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${name}() {`));
  if (start < 0) throw new Error(`the boot script has no function ${name}`);
  if ((lines[start] as string).trimEnd().endsWith('}')) return lines[start] as string;
  const end = lines.findIndex((l, i) => i > start && l === '}');
  return lines.slice(start, end + 1).join('\n');
}

/** A folder of executable stubs (`name` → bash body), first on PATH, in a fresh temporary folder. */
function stubs(bodies: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-tb-stubs-'));
  for (const [name, body] of Object.entries(bodies)) {
    writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/** Run bash on `script` in `cwd` with exactly this PATH (never a login shell, never the real system tools it stubs). */
function runBash(script: string, cwd: string, path: string, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', script], { cwd, encoding: 'utf8', env: { PATH: path, LC_ALL: 'C', ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * The generated grow script, run for real in a temporary folder, with the only commands it calls stubbed
 * (mountpoint, findmnt, blockdev, xfs_growfs) and awk: it never sees a real device or filesystem.
 */
function runGrow(grow: string, o: { deviceBytes: number; blocks: number; mounted?: boolean; fstype?: string }): { code: number | null; calls: string[]; stderr: string } {
  const dir = stubs({
    mountpoint: `[ "${o.mounted === false ? 'no' : 'yes'}" = yes ]`,
    findmnt: `case "$*" in *FSTYPE*) echo ${o.fstype ?? 'xfs'} ;; *SOURCE*) echo /dev/nvme1n1 ;; *) exit 1 ;; esac`,
    blockdev: `[ "$1" = --getsize64 ] && echo ${o.deviceBytes}`,
    xfs_growfs: [
      'if [ "$1" = -n ]; then',
      '  echo "meta-data=/dev/nvme1n1           isize=512    agcount=4, agsize=3276800 blks"',
      '  echo "         =                       sectsz=512   attr=2, projid32bit=1"',
      `  echo "data     =                       bsize=4096   blocks=${Number.isNaN(o.blocks) ? 'unknown' : o.blocks}, imaxpct=25"`,
      '  echo "naming   =version 2              bsize=4096   ascii-ci=0, ftype=1"',
      '  echo "log      =internal log           bsize=4096   blocks=6400, version=2"',
      'else',
      '  echo "xfs_growfs $*" >> "$CALLS"',
      'fi',
    ].join('\n'),
  });
  const tools = mkdtempSync(join(tmpdir(), 'dazzle-tb-tools-'));
  symlinkSync(spawnSync('/bin/bash', ['-c', 'command -v awk'], { encoding: 'utf8' }).stdout.trim(), join(tools, 'awk'));
  writeFileSync(join(dir, 'grow.sh'), grow);
  const calls = join(dir, 'calls');
  writeFileSync(calls, '');
  const r = runBash('/bin/bash ./grow.sh', dir, `${dir}:${tools}`, { CALLS: calls });
  return { code: r.code, calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean), stderr: r.stderr };
}

/**
 * The boot script's readiness check (its values and functions, not the script), run for real: the replica's
 * port is a real socket on 127.0.0.1; systemctl, the tigerbeetle binary, sleep and shutdown are stubs.
 */
function runReady(script: string, o: { port: number; formatted: 'yes' | 'no'; replica: number; replExit?: number; active?: boolean; restarts?: number }) {
  const dir = stubs({
    systemctl: `case "$1" in is-active) [ "${o.active === false ? 'no' : 'yes'}" = yes ] ;; show) echo ${o.restarts ?? 0} ;; *) exit 1 ;; esac`,
    tigerbeetle: `printf '%s\\0' "$@" > "$STUBS/repl-args"; echo call >> "$STUBS/repl-calls"; exit ${o.replExit ?? 0}`,
    shutdown: 'echo "shutdown $*" >> "$STUBS/shutdown-calls"',
    sleep: ':',
  });
  const end = script.indexOf('# End of the values.');
  const block = script.slice(0, end).replace(/^set -Eeuo pipefail$/m, 'set -u');
  const functions = ['signal', 'fail', 'poll', 'not_ready', 'replica_listening', 'cluster_answers', 'majority_can_run', 'replica_ready'].map((f) => bashFunction(script, f));
  const harness = [
    block,
    // What the script has learnt by step 7, and the stubs (functions win over PATH: nothing real is shut down).
    `BINARY="$STUBS/tigerbeetle"; ADDRESS=127.0.0.1; CLIENT_PORT=${o.port}; INSTANCE_ID=i-0123; FORMATTED=${o.formatted}; REPLICA=${o.replica}`,
    'shutdown() { echo "shutdown $*" >> "$STUBS/shutdown-calls"; }',
    'sleep() { :; }',
    ...functions,
    'replica_ready',
    'echo READY',
  ].join('\n');
  const r = runBash(harness, dir, `${dir}:/usr/bin:/bin`, { STUBS: dir });
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  return {
    code: r.code,
    ready: r.stdout.includes('READY'),
    stderr: r.stderr,
    replCalls: read('repl-calls').split('\n').filter(Boolean).length,
    replArgs: read('repl-args').split('\0').slice(0, -1),
    shutdown: read('shutdown-calls') !== '',
  };
}

const servers: Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
});

/** A port on 127.0.0.1 that accepts connections. */
async function listening(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** A port on 127.0.0.1 that nothing listens on (bound once, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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

  it('spreads the replicas over the zones: in prod, each of 3 replicas has a zone of its own', () => {
    const zonesOf = tb.nodes.map((node) => String((at(t, 'AWS::EC2::Volume', `${node.id}Data/Resource`)[1].Properties as Json).AvailabilityZone));
    if (prod) expect(new Set(zonesOf).size).toBe(c.replicas);
    else expect(new Set(zonesOf).size).toBe(Math.min(c.replicas, plan.aws.network.azCount));
    // Fewer zones than replicas: the plan says which replicas share one and what losing it does.
    const notes = plan.notes.filter((n) => n.startsWith('TigerBeetle replicas'));
    expect(notes).toHaveLength(new Set(zonesOf).size < c.replicas ? 1 : 0);
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
    for (const node of tb.nodes) {
      const data = (at(t, 'AWS::EC2::LaunchTemplate', `${node.id}LaunchTemplate/Resource`)[1].Properties as Json).LaunchTemplateData as Json;
      expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required' });
      expect(data.KeyName).toBeUndefined();
      expect(data.InstanceType).toBe(tb.instanceType);
      expect(data.Monitoring).toEqual({ Enabled: true });
      const devices = data.BlockDeviceMappings as { Ebs: Json }[];
      expect(devices.length).toBeGreaterThan(0);
      for (const d of devices) expect(d.Ebs.Encrypted).toBe(true);
    }
  });

  it('runs every replica on a size with the memory TigerBeetle needs (6 GiB)', () => {
    const facts = TIGERBEETLE_INSTANCE_TYPES[tb.instanceType as keyof typeof TIGERBEETLE_INSTANCE_TYPES];
    expect(facts?.memoryGib, tb.instanceType).toBeGreaterThanOrEqual(TIGERBEETLE_MIN_MEMORY_GIB);
  });

  it('pins the image: nothing resolves "the latest" at each deploy, so a new Amazon Linux release replaces no replica', () => {
    // No stack parameter reading an AWS public parameter (CloudFormation resolves those again on every
    // deploy); the stack's own SSM reads are the app's wiring, written by the stacks deployed before it.
    const params = Object.values((t.Parameters ?? {}) as Record<string, { Type: string; Default?: string }>);
    const ssmTyped = params.filter((p) => p.Type.startsWith('AWS::SSM::Parameter::Value<') && p.Default !== '/cdk-bootstrap/hnb659fds/version');
    expect(ssmTyped.filter((p) => p.Type.includes('AWS::EC2::Image::Id') || p.Default?.startsWith('/aws/'))).toEqual([]);
    expect(ssmTyped.map((p) => p.Default).sort()).toEqual([...(plan.stacks.find((s) => s.name === 'TigerBeetle')?.reads ?? [])].sort());
    const images = tb.nodes.map((node) => ((at(t, 'AWS::EC2::LaunchTemplate', `${node.id}LaunchTemplate/Resource`)[1].Properties as Json).LaunchTemplateData as Json).ImageId);
    const custom = resourcesOf(t, 'Custom::TigerBeetleImage');
    if (c.ami) {
      expect(tb.image).toEqual({ kind: 'pinned', ami: c.ami });
      expect(images).toEqual(tb.nodes.map(() => c.ami));
      expect(custom).toEqual([]);
      return;
    }
    // One Image resource reads Amazon Linux 2023's public parameter for the architecture, once; every replica runs what it read.
    expect(tb.image).toEqual({ kind: 'first-deploy' });
    expect(custom).toHaveLength(1);
    const [imageId, image] = custom[0] as [string, Resource];
    expect(images).toEqual(tb.nodes.map(() => ({ 'Fn::GetAtt': [imageId, 'Parameter.Value'] })));
    const parameter = `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${isGraviton(tb.instanceType) ? 'arm64' : 'x86_64'}`;
    const call = { service: 'SSM', action: 'GetParameter', parameters: { Name: parameter }, physicalResourceId: { responsePath: 'Parameter.Value' }, outputPaths: ['Parameter.Value'] };
    expect(JSON.parse(String(image.Properties?.Create))).toEqual(call);
    // On an update CloudFormation calls it only when these properties change; then it reads the same parameter.
    expect(JSON.parse(String(image.Properties?.Update))).toEqual(call);
    expect(image.Properties?.InstallLatestAwsSdk).toBe(false);
    // Its function may read that one parameter and nothing else.
    const [, policy] = at(t, 'AWS::IAM::Policy', 'Image/CustomResourcePolicy/Resource');
    expect(statements(policy).map((st) => [st.Action, text(st.Resource)])).toEqual([['ssm:GetParameter', `arn:{{Ref:AWS::Partition}}:ssm:${plan.region}::parameter${parameter}`]]);
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

  it('grows the data filesystem to its volume at every boot, before the replica starts', () => {
    for (const node of tb.nodes) {
      const script = bootScript(node.id);
      const values = bootScriptValues(script);
      const unit = values.get('GROW_UNIT') ?? '';
      expect(unit.split('\n')).toEqual(expect.arrayContaining([`RequiresMountsFor=${values.get('DATA_DIR')}`, 'Before=tigerbeetle.service', 'Type=oneshot', `ExecStart=${values.get('GROW_SCRIPT')}`, 'WantedBy=multi-user.target']));
      // Installed and enabled right after the volume is mounted, and run once then (a replacement instance may find an enlarged volume).
      expect(script).toMatch(/^mountpoint -q "\$DATA_DIR" \|\| mount "\$DATA_DIR"\n(?:#.*\n)*printf '%s' "\$GROW" > "\$GROW_SCRIPT"\nchmod 0755 "\$GROW_SCRIPT"\nprintf '%s' "\$GROW_UNIT" > \/etc\/systemd\/system\/tigerbeetle-grow\.service\nsystemctl daemon-reload\nsystemctl enable tigerbeetle-grow\.service\n"\$GROW_SCRIPT" \|\| /m);
    }
    const grow = bootScriptValues(bootScript('Replica0')).get('GROW') ?? '';
    const gib = 1024 ** 3;
    // Enlarged volume: grown online, to the device.
    expect(runGrow(grow, { deviceBytes: 60 * gib, blocks: (50 * gib) / 4096 })).toMatchObject({ code: 0, calls: ['xfs_growfs -d /var/lib/tigerbeetle'] });
    // The filesystem fills its volume: nothing to do.
    expect(runGrow(grow, { deviceBytes: 50 * gib, blocks: (50 * gib) / 4096 })).toMatchObject({ code: 0, calls: [] });
    // Never on anything but a mounted XFS filesystem whose size it can read.
    expect(runGrow(grow, { deviceBytes: 60 * gib, blocks: (50 * gib) / 4096, mounted: false })).toMatchObject({ code: 1, calls: [] });
    expect(runGrow(grow, { deviceBytes: 60 * gib, blocks: (50 * gib) / 4096, fstype: 'ext4' })).toMatchObject({ code: 1, calls: [] });
    expect(runGrow(grow, { deviceBytes: 60 * gib, blocks: Number.NaN })).toMatchObject({ code: 1, calls: [] });
  });

  it('signals only once the replica listens on its address and, with a majority running, the cluster answers', async () => {
    const script = bootScript('Replica0');
    const values = bootScriptValues(script);
    const n = tb.nodes.length;
    const majority = Math.floor(n / 2) + 1;
    expect(values.get('MAJORITY')).toBe(String(majority));
    expect(values.get('ADDRESS_LIST')).toBe(tb.addresses.join(','));
    expect(values.get('CLIENT_PORT')).toBe(String(tb.clientPort));
    // The old 10-second wait is gone: success follows the readiness check.
    expect(script).not.toMatch(/^sleep 10$/m);
    expect(script).toMatch(/^replica_ready\ntrap - ERR\nsignal --exit-code 0 /m);
    const port = await listening();
    const closed = await closedPort();
    const repl = [`--cluster=${tb.clusterId}`, `--addresses=${tb.addresses.join(',')}`, '--command=lookup_accounts id=1;'];
    // A replica that rejoins (its data file was there) waits for the cluster to answer through the address list.
    const rejoin = runReady(script, { port, formatted: 'no', replica: 0 });
    expect(rejoin).toMatchObject({ code: 0, ready: true, replCalls: 1, shutdown: false });
    expect(rejoin.replArgs).toEqual(['repl', ...repl]);
    // A new cluster: only once this replica completes a majority (the ones before it run already).
    for (let i = 0; i < n; i++) {
      const fresh = runReady(script, { port, formatted: 'yes', replica: i });
      expect(fresh, `replica ${i}`).toMatchObject({ code: 0, ready: true, replCalls: i + 1 >= majority ? 1 : 0 });
    }
    // The cluster does not answer: a bounded wait, a clear reason, and the replica keeps running.
    const silent = runReady(script, { port, formatted: 'no', replica: 0, replExit: 124 });
    expect(silent).toMatchObject({ code: 1, ready: false, replCalls: 24, shutdown: false });
    expect(silent.stderr).toContain(`tigerbeetle boot: not ready: replica 0 listens on 127.0.0.1:${port}, but the cluster did not answer a request through ${tb.addresses.join(',')} within 6 minutes`);
    // The replica does not listen (not running, or not on its port): a bounded wait, then the boot fails and the instance is replaced.
    for (const run of [runReady(script, { port: closed, formatted: 'no', replica: 0 }), runReady(script, { port, formatted: 'no', replica: 0, active: false })]) {
      expect(run).toMatchObject({ code: 1, ready: false, replCalls: 0, shutdown: true });
      expect(run.stderr).toMatch(/tigerbeetle boot: replica 0 does not listen on 127\.0\.0\.1:\d+ after 3 minutes/);
    }
    // A replica that restarted while starting is not ready either.
    expect(runReady(script, { port, formatted: 'no', replica: 0, restarts: 2 })).toMatchObject({ code: 1, ready: false, shutdown: true });
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
