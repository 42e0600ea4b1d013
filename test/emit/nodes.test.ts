/**
 * EC2 node groups on synthesized CloudFormation: the Casty cluster (seeds 000/001) and the Pulse
 * node (seed 003) generate, type-check and synthesize with cdk-nag and CloudFormation validation
 * clean; every node has its fixed address and (Pulse) its own persistent volume; the ports are open
 * to whom the seeds need and no one else; plan and templates agree on every count; and changing what
 * a node runs replaces its instance but keeps its address and its volume.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthApp, type NagFinding } from '../../src/cli/synth.js';
import type { Environment } from '../../src/config/index.js';
import type { DeploymentPlan, StackName } from '../../src/plan/index.js';
import { generateApp, projectCopy, writeApp } from '../cdk-helpers.js';
import { REPO } from '../helpers.js';
import { bootRoot } from './boot-run.js';
import { bashSyntax, bootScriptValues, commandWords } from './evaluate.js';
import { emitApp } from '../../src/emit/index.js';
import { cfnText, planWith, typecheckApps } from './in-process.js';
import { usageProblems } from './usage.js';

type Json = Record<string, any>;
type Resource = { Type: string; Properties?: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string | string[]; UpdatePolicy?: Json; CreationPolicy?: Json; Metadata?: Json };

interface Synth {
  readonly dir: string;
  readonly plan: DeploymentPlan;
  readonly templates: ReadonlyMap<StackName, Json>;
  /** Each stack's construct ID in the app. */
  readonly ids: ReadonlyMap<StackName, string>;
  readonly findings: readonly NagFinding[];
}

/** Generate `project` (after `edit` of its dazzle.toml) and synthesize it with cdk-nag and template validation on. */
async function synth(project: string, env: Environment, edit: (toml: string) => string = (t) => t): Promise<Synth> {
  const copy = projectCopy(project);
  const tomlPath = join(copy, 'dazzle.toml');
  writeFileSync(tomlPath, edit(readFileSync(tomlPath, 'utf8')));
  const prepared = generateApp(copy, env);
  const dir = writeApp(prepared.app.files, join(copy, 'infra'));
  const out = await synthApp(dir, { validate: true });
  if (!out.templates.size) throw new Error(`synth failed: ${out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const templates = new Map<StackName, Json>();
  for (const s of prepared.app.stacks) templates.set(s.name, JSON.parse(readFileSync(join(out.outdir, out.templates.get(s.id) as string), 'utf8')) as Json);
  return { dir, plan: prepared.plan, templates, ids: new Map(prepared.app.stacks.map((s) => [s.name, s.id])), findings: out.findings };
}

function resources(t: Json, type?: string): [string, Resource][] {
  return (Object.entries(t.Resources ?? {}) as [string, Resource][]).filter(([, r]) => type === undefined || r.Type === type);
}

/** A resource's construct path below its stack (`Node0Address`). */
function pathOf(r: Resource): string {
  return String(r.Metadata?.['aws:cdk:path'] ?? '').replace(/^[^/]+\//, '');
}

function at(t: Json, type: string, path: string): [string, Resource] {
  const found = resources(t, type).filter(([, r]) => pathOf(r) === path);
  expect(found.map(([id]) => id), `${type} at ${path}`).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** Every ingress rule of every template: inline (on a group) and standalone, with the group it opens. */
function ingressRules(templates: ReadonlyMap<StackName, Json>): { stack: StackName; group: unknown; from: number; to: number; cidr?: string; source?: unknown }[] {
  const out: { stack: StackName; group: unknown; from: number; to: number; cidr?: string; source?: unknown }[] = [];
  for (const [stack, t] of templates) {
    for (const [id, r] of resources(t, 'AWS::EC2::SecurityGroup')) {
      for (const rule of (r.Properties?.SecurityGroupIngress ?? []) as Json[]) out.push({ stack, group: { Ref: id }, from: rule.FromPort, to: rule.ToPort, cidr: rule.CidrIp, source: rule.SourceSecurityGroupId });
    }
    for (const [, r] of resources(t, 'AWS::EC2::SecurityGroupIngress')) {
      const p = r.Properties as Json;
      out.push({ stack, group: p.GroupId, from: p.FromPort, to: p.ToPort, cidr: p.CidrIp, source: p.SourceSecurityGroupId });
    }
  }
  return out;
}

/** The plan's CloudFormation expansion of a stack, summed by type. */
function planned(plan: DeploymentPlan, stack: StackName): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of plan.stacks.find((s) => s.name === stack)?.resources ?? []) for (const [type, n] of Object.entries(r.cloudformation)) out[type] = (out[type] ?? 0) + n;
  return out;
}

function counts(t: Json): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [, r] of resources(t)) out[r.Type] = (out[r.Type] ?? 0) + 1;
  return out;
}

function bootScriptOf(t: Json, node: string): string {
  const data = (at(t, 'AWS::EC2::LaunchTemplate', `${node}LaunchTemplate/Resource`)[1].Properties as Json).LaunchTemplateData as Json;
  return cfnText(data.UserData['Fn::Base64']);
}

/** The only CloudFormation validation finding a node group (and a TigerBeetle replica) may have: its data volumes are in their node's zone, fixed at generation. */
const VOLUME_ZONE_WARNING = /^W3010 .*(Node|Replica)\d+Data\/Resource$/;

function expectClean(x: Synth): void {
  const nag = x.findings.filter((f) => (f.source ?? 'cdk-nag') === 'cdk-nag');
  expect(nag.map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  const validation = x.findings.filter((f) => (f.source ?? 'cdk-nag') !== 'cdk-nag');
  expect(validation.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.path}: ${f.description}`)).toEqual([]);
  for (const f of validation) expect(`${f.rule} ${f.path}`).toMatch(VOLUME_ZONE_WARNING);
}

const CASTY = join(REPO, 'examples', 'casty-cluster');
const PULSE = join(REPO, 'examples', 'pulse');
/** The seed's cluster: node 0 is the seed, 10 nodes over the two private subnets, host 10 upwards. */
const CASTY_ADDRESSES = ['10.0.2.10', '10.0.3.10', '10.0.2.11', '10.0.3.11', '10.0.2.12', '10.0.3.12', '10.0.2.13', '10.0.3.13', '10.0.2.14', '10.0.3.14'];

describe('the Casty cluster (seeds 000 and 001)', () => {
  let x: Synth;
  let nodes: Json;
  beforeAll(async () => {
    x = await synth(CASTY, 'dev');
    nodes = x.templates.get('Nodes') as Json;
  });

  it('synthesizes with cdk-nag and CloudFormation validation clean, and the app type-checks', () => {
    expect([...x.templates.keys()].sort()).toEqual(['Network', 'Nodes', 'Observability']);
    expectClean(x);
    expect(typecheckApps([x.dir])).toBe('');
  });

  it('has 10 nodes, each a single-instance group with its fixed address in its zone', () => {
    expect(resources(nodes, 'AWS::AutoScaling::AutoScalingGroup')).toHaveLength(10);
    const subnets = (i: number) => `${i % 2}`;
    CASTY_ADDRESSES.forEach((address, i) => {
      const eni = at(nodes, 'AWS::EC2::NetworkInterface', `Node${i}Address`)[1].Properties as Json;
      expect(eni.PrivateIpAddress).toBe(address);
      // The subnet of the node's zone: element i mod 2 of the private subnet list.
      expect(JSON.stringify(eni.SubnetId)).toContain(`"Fn::Select":[${subnets(i)},`);
      const group = at(nodes, 'AWS::AutoScaling::AutoScalingGroup', `Node${i}/ASG`)[1];
      expect(group.Properties?.MinSize).toBe('1');
      expect(group.Properties?.MaxSize).toBe('1');
      const values = bootScriptValues(bootScriptOf(nodes, `Node${i}`));
      expect(values.get('ADDRESS')).toBe(address);
      // Exactly the names Casty reads (TARGETS §2), set by variable_names: the service and cluster ports under Casty's
      // names; and every service's DAZZLE_ENV and DAZZLE_PROCESS, as the plan lists them.
      const start = values.get('START') as string;
      const exported = [...start.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], commandWords(`exec ${m[2]}`)[0]]);
      expect(Object.fromEntries(exported)).toEqual({ NODE_INDEX: String(i), NODE_COUNT: '10', SEED_IPS: '10.0.2.10', HTTP_PORT: '8000', CASTY_PORT: '25520', DAZZLE_ENV: 'dev', DAZZLE_PROCESS: 'web' });
      expect(commandWords(start.trim().split('\n').pop() as string).filter((w, j, all) => all[j - 1] === '-e').sort()).toEqual(['CASTY_PORT', 'DAZZLE_ENV', 'DAZZLE_PROCESS', 'HTTP_PORT', 'NODE_COUNT', 'NODE_INDEX', 'SEED_IPS']);
    });
  });

  it('opens 25520 only between the nodes, and 8000 only from the load balancer', () => {
    const rules = ingressRules(x.templates);
    const peer = rules.filter((r) => r.from <= 25520 && 25520 <= r.to);
    expect(peer).toHaveLength(1);
    expect(peer[0]?.cidr).toBeUndefined();
    // Source and target are the same group: the nodes'.
    expect(peer[0]?.source).toEqual(peer[0]?.group);
    const nodeGroup = at(nodes, 'AWS::EC2::SecurityGroup', 'SecurityGroupsNodes/Resource')[0];
    expect(peer[0]?.group).toEqual({ 'Fn::GetAtt': [nodeGroup, 'GroupId'] });
    const service = rules.filter((r) => r.stack === 'Nodes' && r.from <= 8000 && 8000 <= r.to);
    expect(service).toHaveLength(1);
    expect(service[0]?.cidr).toBeUndefined();
    // From the Network stack's load balancer group, read from its SSM parameter.
    expect(JSON.stringify(service[0]?.source)).toMatch(/^\{"Ref":"SsmParameterValue/);
    // Nothing from the internet but the load balancer's 80.
    expect(rules.filter((r) => r.cidr === '0.0.0.0/0').map((r) => [r.stack, r.from])).toEqual([['Network', 80]]);
  });

  it('serves HTTP on the load balancer port 80 and forwards to every node on 8000, health check /health', () => {
    const [, listener] = at(nodes, 'AWS::ElasticLoadBalancingV2::Listener', 'LoadBalancer/Http80/Resource');
    expect(listener.Properties?.Port).toBe(80);
    const [, targets] = at(nodes, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'LoadBalancerTargets/Resource');
    expect(targets.Properties?.Port).toBe(8000);
    expect(targets.Properties?.TargetType).toBe('ip');
    expect(targets.Properties?.HealthCheckPath).toBe('/health');
    expect((targets.Properties?.Targets as Json[]).map((t) => [t.Id, t.Port])).toEqual(CASTY_ADDRESSES.map((a) => [a, 8000]));
  });

  it('pulls its image from ECR with the instance role, runs it under systemd, IMDSv2 only, Session Manager', () => {
    const [, template] = at(nodes, 'AWS::EC2::LaunchTemplate', 'Node0LaunchTemplate/Resource');
    const data = template.Properties?.LaunchTemplateData as Json;
    expect(data.MetadataOptions.HttpTokens).toBe('required');
    expect(data.KeyName).toBeUndefined();
    const policy = JSON.stringify(resources(nodes, 'AWS::IAM::Policy').map(([, r]) => r.Properties));
    expect(policy).toContain('arn:aws:ecr:us-east-1:123456789012:repository/casty-cluster');
    expect(policy).toContain('ecr:BatchGetImage');
    const [, role] = at(nodes, 'AWS::IAM::Role', 'NodeRole/Resource');
    expect(JSON.stringify(role.Properties?.ManagedPolicyArns)).toContain('AmazonSSMManagedInstanceCore');
    const script = bootScriptOf(nodes, 'Node0');
    expect(bashSyntax(script)).toBe('');
    const values = bootScriptValues(script);
    expect(bashSyntax(values.get('START') as string)).toBe('');
    expect(values.get('START')).toContain('exec docker run --rm --name dazzle-node --network host');
    expect(values.get('UNIT')).toContain('Restart=always');
    expect(JSON.parse(values.get('AGENT_CONFIG') as string).metrics.metrics_collected).toHaveProperty('mem');
  });

  it('runs the Amazon Linux 2023 image read once when the stack is created and kept: no deploy-time lookup, so a new release replaces no node', () => {
    const [imageId, image] = at(nodes, 'Custom::NodeGroupImage', 'Image/Resource/Default');
    expect(JSON.parse(image.Properties?.Create as string)).toMatchObject({ service: 'SSM', action: 'GetParameter', parameters: { Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' } });
    // The Create and Update calls are constants: a deploy with nothing changed leaves the resource, and the image, as they are.
    expect(image.Properties?.Update).toEqual(image.Properties?.Create);
    for (let i = 0; i < 10; i++) {
      const data = at(nodes, 'AWS::EC2::LaunchTemplate', `Node${i}LaunchTemplate/Resource`)[1].Properties?.LaunchTemplateData as Json;
      expect(data.ImageId).toEqual({ 'Fn::GetAtt': [imageId, 'Parameter.Value'] });
    }
    // No template parameter resolves an image at each deploy (the latestAmazonLinux2023 lookup).
    expect(JSON.stringify(nodes.Parameters ?? {})).not.toContain('AWS::EC2::Image::Id');
    expect(x.plan.stacks.find((st) => st.name === 'Nodes')?.resources.find((r) => r.id === 'Node0')?.params).toContainEqual(['image', 'Amazon Linux 2023, the latest when the Nodes stack is first deployed, then kept until ami is set']);
  });

  it('boots under a temporary root with stub commands: the unit, the start script, and the container with exactly the names Casty reads', () => {
    const boot = bootRoot();
    const r = boot.run(bootScriptOf(nodes, 'Node3'), { STUB_INSTANCE: 'i-0c3', STUB_ADDRESS: '10.0.3.11' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const calls = boot.calls();
    const order = ['aws ec2 attach-network-interface', 'systemctl enable --now docker.service', 'systemctl enable --now dazzle-node.service dazzle-node-health.timer', 'cfn-signal'].map((c) => calls.findIndex((x) => x.startsWith(c)));
    expect(order.every((i, j) => i >= 0 && (j === 0 || i > (order[j - 1] as number))), calls.join('\n')).toBe(true);
    expect(calls.some((x) => x.startsWith('aws ec2 attach-volume') || x.startsWith('mkfs.xfs'))).toBe(false);
    const unit = readFileSync(boot.path('etc/systemd/system/dazzle-node.service'), 'utf8').split('\n');
    expect(unit).toEqual(expect.arrayContaining(['ExecStart=/usr/local/bin/dazzle-node-start', 'Restart=always', 'Requires=docker.service']));
    expect(unit.filter((l) => /^(ExecStartPre|EnvironmentFile)=/.test(l))).toEqual([]);
    // systemd's start: the script runs the image with the variables under Casty's names, and no other generated one.
    const start = boot.run(readFileSync(boot.path('usr/local/bin/dazzle-node-start'), 'utf8'));
    expect(start.status).toBe(0);
    expect(readFileSync(boot.path('.stub/docker-env'), 'utf8').trim().split('\n').sort()).toEqual(['CASTY_PORT=25520', 'DAZZLE_ENV=dev', 'DAZZLE_PROCESS=web', 'HTTP_PORT=8000', 'NODE_COUNT=10', 'NODE_INDEX=3', 'SEED_IPS=10.0.2.10']);
    expect(boot.calls().filter((x) => x.startsWith('docker ')).map((x) => x.split(' ').slice(0, 2).join(' '))).toEqual(['docker login', 'docker pull', 'docker rm', 'docker run']);
  });

  it('names every node in the private zone and offers Session Manager port forwarding to the seed', () => {
    expect(resources(nodes, 'AWS::Route53::HostedZone').map(([, r]) => r.Properties?.Name)).toEqual(['casty.internal.']);
    const records = resources(nodes, 'AWS::Route53::RecordSet').map(([, r]) => [r.Properties?.Name, r.Properties?.ResourceRecords?.[0]]);
    expect(records).toEqual(CASTY_ADDRESSES.map((a, i) => [`node-${i}.casty.internal.`, a]));
    const outputs = Object.keys(nodes.Outputs ?? {});
    expect(outputs).toContain('Node0PortForward25520');
    expect(cfnText(nodes.Outputs.Node0PortForward25520.Value)).toContain('AWS-StartPortForwardingSessionToRemoteHost --parameters host=10.0.2.10,portNumber=25520');
  });

  it('has the alarms of every node (in service, CPU, memory, disk), and plan and templates agree on every count', () => {
    expect(resources(nodes, 'AWS::CloudWatch::Alarm')).toHaveLength(40);
    for (const stack of x.templates.keys()) expect(counts(x.templates.get(stack) as Json), stack).toEqual(planned(x.plan, stack));
    expect(x.plan.aws.nodeGroups[0]?.nodes.map((n) => n.address)).toEqual(CASTY_ADDRESSES);
  });

  it("is within every limit, and the plan's usage is the templates': outputs, parameters, template size (estimated)", () => {
    expect(usageProblems(x.plan, x.templates, x.ids, { region: x.plan.region })).toEqual([]);
  });
});

describe('the Pulse node (seed 003)', () => {
  let x: Synth;
  let nodes: Json;
  beforeAll(async () => {
    x = await synth(PULSE, 'prod');
    nodes = x.templates.get('Nodes') as Json;
  });

  it('synthesizes with cdk-nag and CloudFormation validation clean, and the app type-checks', () => {
    expectClean(x);
    expect(typecheckApps([x.dir])).toBe('');
    for (const stack of x.templates.keys()) expect(counts(x.templates.get(stack) as Json), stack).toEqual(planned(x.plan, stack));
  });

  it("is within every limit, and the plan's usage is the templates': outputs, parameters, template size (estimated)", () => {
    expect(usageProblems(x.plan, x.templates, x.ids, { region: x.plan.region })).toEqual([]);
  });

  it('keeps the ledger on an encrypted gp3 volume that outlives the stack, snapshotted daily and kept 14 days', () => {
    const [, volume] = at(nodes, 'AWS::EC2::Volume', 'Node0Data/Resource');
    expect(volume.Properties).toMatchObject({ Encrypted: true, Size: 50, VolumeType: 'gp3', AvailabilityZone: 'us-east-2a' });
    expect(volume.DeletionPolicy).toBe('Retain');
    const tags = (volume.Properties?.Tags as Json[]).map((t) => [t.Key, t.Value]);
    expect(tags).toContainEqual(['dazzle:snapshots', 'Pulse-prod-Nodes/pulse']);
    const [, policy] = at(nodes, 'AWS::DLM::LifecyclePolicy', 'SnapshotPolicy');
    const details = policy.Properties?.PolicyDetails as Json;
    expect(details.ResourceTypes).toEqual(['VOLUME']);
    expect(details.TargetTags).toEqual([{ Key: 'dazzle:snapshots', Value: 'Pulse-prod-Nodes/pulse' }]);
    expect(details.Schedules[0].RetainRule).toEqual({ Interval: 14, IntervalUnit: 'DAYS' });
    expect(policy.Properties?.State).toBe('ENABLED');
  });

  it('has a backup bucket: public access blocked, encrypted, versioned, expiring, kept', () => {
    const [, bucket] = at(nodes, 'AWS::S3::Bucket', 'BackupBucket/Resource');
    expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties?.BucketEncryption).toBeDefined();
    expect(bucket.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties?.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 90, Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    // The bucket's name (pulse-prod-pulse-backups-<creation id>) reaches the node as BACKUP_BUCKET.
    expect(JSON.stringify(bucket.Properties?.BucketName)).toMatch(/^\{"Fn::Join":\["",\["pulse-prod-pulse-backups-",\{"Fn::Select"/);
    const [bucketId] = at(nodes, 'AWS::S3::Bucket', 'BackupBucket/Resource');
    expect(bootScriptValues(bootScriptOf(nodes, 'Node0')).get('START')).toContain(`export BACKUP_BUCKET='{{Ref:${bucketId}}}'`);
  });

  it('serves HTTPS at api.pulse.example.com with a certificate, redirects HTTP, and opens 4001 only between nodes', () => {
    const [, https] = at(nodes, 'AWS::ElasticLoadBalancingV2::Listener', 'LoadBalancer/Https443/Resource');
    expect(https.Properties?.Protocol).toBe('HTTPS');
    expect(https.Properties?.Certificates).toHaveLength(1);
    const [, redirect] = at(nodes, 'AWS::ElasticLoadBalancingV2::Listener', 'LoadBalancer/Redirect80To443/Resource');
    expect(redirect.Properties?.DefaultActions[0].RedirectConfig).toMatchObject({ Port: '443', Protocol: 'HTTPS' });
    expect(at(nodes, 'AWS::CertificateManager::Certificate', 'LoadBalancerCertificate/Resource')[1].Properties?.DomainName).toBe('api.pulse.example.com');
    expect(at(nodes, 'AWS::Route53::RecordSet', 'LoadBalancerRecord/Resource')[1].Properties?.Name).toBe('api.pulse.example.com.');
    const rules = ingressRules(x.templates);
    const p2p = rules.filter((r) => r.from <= 4001 && 4001 <= r.to);
    expect(p2p).toHaveLength(1);
    expect(p2p[0]?.source).toEqual(p2p[0]?.group);
    expect(rules.filter((r) => r.cidr === '0.0.0.0/0').map((r) => r.from).sort()).toEqual([443, 80]);
  });

  it('serves the front end from a private bucket through CloudFront with origin access control, HTTPS at app.pulse.example.com, in us-east-1', () => {
    const front = x.templates.get('Frontend') as Json;
    const [bucketId, bucket] = at(front, 'AWS::S3::Bucket', 'FrontendBucket/Resource');
    expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const [, distribution] = at(front, 'AWS::CloudFront::Distribution', 'FrontendDistribution/Resource');
    const config = distribution.Properties?.DistributionConfig as Json;
    expect(config.Aliases).toEqual(['app.pulse.example.com']);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(config.CustomErrorResponses.map((r: Json) => [r.ErrorCode, r.ResponseCode, r.ResponsePagePath])).toEqual([[403, 200, '/index.html'], [404, 200, '/index.html']]);
    // The origin is the bucket, read through origin access control (no public bucket, no origin access identity).
    const [oacId] = at(front, 'AWS::CloudFront::OriginAccessControl', 'FrontendDistribution/Origin1/S3OriginAccessControl/Resource');
    expect(config.Origins[0].OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(JSON.stringify(config.Origins[0].DomainName)).toContain(bucketId);
    const policy = resources(front, 'AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(r.Properties?.Bucket) === JSON.stringify({ Ref: bucketId }));
    expect(JSON.stringify(policy?.[1].Properties?.PolicyDocument)).toContain('cloudfront.amazonaws.com');
    expect(at(front, 'AWS::CertificateManager::Certificate', 'FrontendDistributionCertificate/Resource')[1].Properties?.DomainName).toBe('app.pulse.example.com');
    expect(at(front, 'AWS::Route53::RecordSet', 'FrontendDistributionRecord/Resource')[1].Properties?.Name).toBe('app.pulse.example.com.');
    expect(resources(front, 'Custom::CDKBucketDeployment')).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(join(x.dir, 'cdk.out', 'manifest.json'), 'utf8')) as Json;
    expect(manifest.artifacts['Pulse-prod-Frontend'].environment).toBe('aws://unknown-account/us-east-1');
  });

  it('lets the instance role read exactly its secrets (seed 003: Secrets Manager / SSM, no keys in user data), and decrypt only through SSM and Secrets Manager', () => {
    const statements = resources(nodes, 'AWS::IAM::Policy').filter(([, r]) => pathOf(r).startsWith('NodeRole/')).flatMap(([, r]) => (r.Properties?.PolicyDocument.Statement ?? []) as Json[]);
    const of = (action: string) => statements.filter((st) => ([] as string[]).concat(st.Action).includes(action));
    expect(of('ssm:GetParameter').map((st) => cfnText(st.Resource))).toEqual(['arn:aws:ssm:us-east-2:123456789012:parameter/pulse/prod/node-key']);
    expect(of('secretsmanager:GetSecretValue').map((st) => cfnText(st.Resource))).toEqual(['arn:aws:secretsmanager:us-east-2:123456789012:secret:pulse/prod/rpc-??????']);
    const [decrypt] = of('kms:Decrypt');
    expect(decrypt?.Condition).toEqual({ StringLike: { 'kms:ViaService': ['ssm.*.amazonaws.com', 'secretsmanager.*.amazonaws.com'] } });
    expect(x.plan.stacks.find((st) => st.name === 'Nodes')?.resources.find((r) => r.id === 'NodeRole')?.params).toContainEqual(['secrets (fetched at each service start, file mode 0600)', ['NODE_KEY from ssm:/pulse/prod/node-key', 'RPC_TOKEN from secretsmanager:pulse/prod/rpc:token']]);
  });

  it('fetches the secrets before every start into a root-only environment file the unit reads; no value in the user data', () => {
    const values = bootScriptValues(bootScriptOf(nodes, 'Node0'));
    const unit = (values.get('UNIT') as string).split('\n');
    expect(unit).toContain('ExecStartPre=+/usr/local/bin/dazzle-node-secrets');
    expect(unit).toContain('EnvironmentFile=-/etc/dazzle-node/secrets.env');
    const loader = values.get('SECRETS') as string;
    expect(bashSyntax(loader)).toBe('');
    // The stub aws answers as the CLI does with --output text: the value, a newline.
    const tricky = 'a"b$c`d\\e f';
    const boot = bootRoot();
    const r = boot.run(loader, { STUB_PARAMETER: tricky, STUB_SECRET: '{"token":"t0k","other":"x"}' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const file = boot.path('etc/dazzle-node/secrets.env');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // systemd reads the file as a shell-like environment file: bash reads the same values.
    const read = spawnSync('bash', ['-c', `set -a; . ${JSON.stringify(file)}; printf '%s\\0' "$NODE_KEY" "$RPC_TOKEN"`], { encoding: 'utf8' });
    expect(read.stdout.split('\0').slice(0, 2)).toEqual([tricky, 't0k']);
    expect(boot.calls()).toEqual([
      'aws ssm get-parameter --region us-east-2 --with-decryption --name /pulse/prod/node-key --query Parameter.Value --output text',
      'aws secretsmanager get-secret-value --region us-east-2 --secret-id pulse/prod/rpc --query SecretString --output text',
    ]);
    expect(values.get('PACKAGES')).toContain('jq');
  });
  it('boots under a temporary root with stub commands: address, then volume, a filesystem only on the blank volume, the unit and its secrets; a second boot formats nothing', () => {
    const boot = bootRoot();
    const script = bootScriptOf(nodes, 'Node0');
    const address = bootScriptValues(script).get('ADDRESS') as string;
    const first = boot.run(script, { STUB_INSTANCE: 'i-0first', STUB_ADDRESS: address });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const calls = boot.calls();
    const steps = ['aws ec2 attach-network-interface', 'aws ec2 attach-volume', 'mkfs.xfs /dev/nvme1n1', 'mount /data', 'aws s3 cp', 'systemctl enable --now dazzle-node.service dazzle-node-health.timer', 'cfn-signal'];
    const order = steps.map((c) => calls.findIndex((x) => x.startsWith(c)));
    expect(order.every((i, j) => i >= 0 && (j === 0 || i > (order[j - 1] as number))), calls.join('\n')).toBe(true);
    expect(calls.find((x) => x.startsWith('aws ec2 attach-volume'))).toContain('--instance-id i-0first');
    expect(readFileSync(boot.path('etc/fstab'), 'utf8')).toBe('UUID=0b2c7f5e-uuid /data xfs defaults,noatime,nofail 0 2\n');
    expect(readFileSync(boot.path('opt/dazzle-node/app/pulse-node'), 'utf8')).toBe('#!/bin/sh\n');
    const unit = readFileSync(boot.path('etc/systemd/system/dazzle-node.service'), 'utf8').split('\n');
    expect(unit).toEqual(expect.arrayContaining(['User=dazzle-node', 'ExecStartPre=+/usr/local/bin/dazzle-node-secrets', 'EnvironmentFile=-/etc/dazzle-node/secrets.env', 'ExecStart=/usr/local/bin/dazzle-node-start', 'RequiresMountsFor=/data']));
    const loader = boot.path('usr/local/bin/dazzle-node-secrets');
    expect(statSync(loader).mode & 0o777).toBe(0o700);
    expect(readFileSync(boot.path('usr/local/bin/dazzle-node-start'), 'utf8')).toMatch(/^export DATA_DIR='\/data'$/m);
    // systemd's ExecStartPre: the secrets, read with the stubbed AWS CLI, into a root-only file.
    const pre = boot.run(readFileSync(loader, 'utf8'), { STUB_PARAMETER: 'node-key-1', STUB_SECRET: '{"token":"rpc-1"}' });
    expect(pre.status).toBe(0);
    const envFile = boot.path('etc/dazzle-node/secrets.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, 'utf8')).toBe('NODE_KEY="node-key-1"\nRPC_TOKEN="rpc-1"\n');
    expect(boot.calls().filter((x) => /^aws (ssm|secretsmanager)/.test(x)).map((x) => x.split(' ').slice(0, 3).join(' '))).toEqual(['aws ssm get-parameter', 'aws secretsmanager get-secret-value']);
    // The instance is replaced: the next one attaches the same address and volume and keeps the filesystem.
    boot.terminate();
    const second = boot.run(script, { STUB_INSTANCE: 'i-0second', STUB_ADDRESS: address });
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    const again = boot.calls();
    expect(again.find((x) => x.startsWith('aws ec2 attach-volume'))).toContain('--instance-id i-0second');
    expect(again.filter((x) => x.startsWith('mkfs'))).toEqual([]);
    expect(again.some((x) => x.startsWith('mount /data'))).toBe(true);
    expect(readFileSync(boot.path('etc/fstab'), 'utf8')).toBe('UUID=0b2c7f5e-uuid /data xfs defaults,noatime,nofail 0 2\n');
  });

  it('installs the CI-built artifact from S3 with read access to exactly that object, and runs its command under its own user', () => {
    const policy = JSON.stringify(resources(nodes, 'AWS::IAM::Policy').map(([, r]) => r.Properties));
    expect(policy).toContain('s3:::pulse-artifacts/nodes/linux/pulse-node-0.4.2.tar.gz');
    const values = bootScriptValues(bootScriptOf(nodes, 'Node0'));
    expect(values.get('ARTIFACT')).toBe('s3://pulse-artifacts/nodes/linux/pulse-node-0.4.2.tar.gz');
    const start = values.get('START') as string;
    expect(bashSyntax(start)).toBe('');
    expect(start.trim().split('\n').slice(-2)).toEqual(['cd /opt/dazzle-node/app', 'exec ./pulse-node --data-dir /data --port 8080 --p2p-port 4001']);
    expect(values.get('UNIT')).toContain('User=dazzle-node');
    expect(values.get('RUN_KIND')).toBe('artifact');
  });
});

describe('a node group beside a database, a bucket and a TigerBeetle ledger: what the plan lists is what each node gets', () => {
  let x: Synth;
  let nodes: Json;
  beforeAll(async () => {
    // Casty with entities (the database), a file field (the bucket "scans") and a ledger: the replicas take hosts 10 and up, so the nodes start at 20.
    const project = projectCopy(CASTY);
    writeFileSync(
      join(project, 'dsl', 'ledger.dsl'),
      'module casty_cluster.ledger\n\nentity Doc "Doc":\n  id: uuid pk\n  scan: file storage=scans\n\nledger Wallet "Wallet":\n  account_code: 1001\n  ledger_id: 1\n  account_type: asset\n  currency: GBP\n',
    );
    x = await synth(project, 'dev', (t) => t.replace('ip_offset = 10', 'ip_offset = 20').replace('seed_addresses = ["10.0.2.10"]', 'seed_addresses = ["10.0.2.20"]'));
    nodes = x.templates.get('Nodes') as Json;
  });

  it('synthesizes with cdk-nag and CloudFormation validation clean, the app type-checks, and plan and templates agree on every count', () => {
    expect([...x.templates.keys()].sort()).toEqual(['Data', 'Network', 'Nodes', 'Observability', 'TigerBeetle']);
    expectClean(x);
    expect(typecheckApps([x.dir])).toBe('');
    for (const stack of x.templates.keys()) expect(counts(x.templates.get(stack) as Json), stack).toEqual(planned(x.plan, stack));
  });

  it("passes a node exactly the plan's variables, name for name, with the plan's values for the app's", () => {
    const boot = bootRoot();
    const script = bootScriptOf(nodes, 'Node1');
    expect(boot.run(script, { STUB_INSTANCE: 'i-0c1', STUB_ADDRESS: '10.0.3.20' }).status).toBe(0);
    // systemd's start: the secrets first (ExecStartPre, the database credentials from the cluster's secret), then the service
    // with the unit's EnvironmentFile in its environment.
    const stubSecret = JSON.stringify({ username: 'dazzle_admin', password: 'pw-from-secrets-manager' });
    expect(boot.run(readFileSync(boot.path('usr/local/bin/dazzle-node-secrets'), 'utf8'), { STUB_SECRET: stubSecret }).status).toBe(0);
    const secretsFile = readFileSync(boot.path('etc/dazzle-node/secrets.env'), 'utf8');
    const fromFile = Object.fromEntries(secretsFile.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1)) as string]));
    expect(fromFile).toEqual({ DATABASE_USER: 'dazzle_admin', DATABASE_PASSWORD: 'pw-from-secrets-manager', PGPASSWORD: 'pw-from-secrets-manager' });
    expect(boot.run(readFileSync(boot.path('usr/local/bin/dazzle-node-start'), 'utf8'), fromFile).status).toBe(0);
    const received = new Map(readFileSync(boot.path('.stub/docker-env'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    const planned = x.plan.services.find((s) => s.name === 'casty')?.variables ?? [];
    expect([...received.keys()].sort()).toEqual(planned.map((v) => v.name).sort());
    for (const name of ['DAZZLE_ENV', 'DAZZLE_PROCESS', 'TIGERBEETLE_ADDRESSES', 'TIGERBEETLE_CLUSTER_ID', 'DATABASE_PORT', 'DATABASE_NAME', 'NODE_COUNT', 'SEED_IPS']) {
      const v = planned.find((p) => p.name === name);
      expect(v?.kind === 'value' ? v.value : undefined, name).toBe(received.get(name));
    }
    expect(received.get('TIGERBEETLE_ADDRESSES')).toBe('10.0.2.10:3000');
    // The deploy-time values: the Data stack's endpoint and bucket name, as template references.
    expect(received.get('DATABASE_HOST')).toMatch(/^\{\{Ref:SsmParameterValue.*database.*\}\}$/i);
    expect(received.get('DATABASE_URL')).toBe(`postgresql://dazzle_admin@${received.get('DATABASE_HOST')}:5432/${received.get('DATABASE_NAME')}?sslmode=require`);
    expect(received.get('BUCKET_SCANS')).toMatch(/^casty-cluster-dev-scans-/);
    // The password is never in the user data; the secret is read by its ARN (the Data stack's parameter).
    expect(script).not.toContain('pw-from-secrets-manager');
    expect(bootScriptValues(script).get('SECRETS')).toMatch(/get-secret-value --region "\$region" --secret-id '\{\{Ref:SsmParameterValue.*databasesecretarn/i);
  });

  it("lets the nodes reach the database's and the replicas' ports and nothing else new; the role reads the cluster's secret and the bucket, nothing more", async () => {
    const [nodesGroup] = at(nodes, 'AWS::EC2::SecurityGroup', 'SecurityGroupsNodes/Resource');
    const isNodes = (v: unknown) => [{ Ref: nodesGroup }, { 'Fn::GetAtt': [nodesGroup, 'GroupId'] }].some((g) => JSON.stringify(g) === JSON.stringify(v));
    // The peer port between the nodes, TigerBeetle's 3000 on the replicas' group and PostgreSQL's 5432 on the database's
    // (each group read from the Network stack's parameter), and nothing else.
    const fromNodes = ingressRules(x.templates).filter((r) => isNodes(r.source));
    expect(fromNodes.map((r) => [r.from, r.to, isNodes(r.group) ? 'nodes' : 'other']).sort()).toEqual([[25520, 25520, 'nodes'], [3000, 3000, 'other'], [5432, 5432, 'other']].sort());
    const [, tb] = at(nodes, 'AWS::EC2::SecurityGroupIngress', 'SecurityGroupsTigerBeetleIngress');
    expect(JSON.stringify(tb.Properties?.GroupId)).toMatch(/^\{"Ref":"SsmParameterValue.*tigerbeetle/i);
    const [, db] = at(nodes, 'AWS::EC2::SecurityGroupIngress', 'SecurityGroupsDatabaseIngress');
    expect(JSON.stringify(db.Properties?.GroupId)).toMatch(/^\{"Ref":"SsmParameterValue.*database/i);
    // The instance role: Casty's statements, and besides them exactly the cluster's secret (and its decryption through
    // Secrets Manager) and the bucket's objects.
    const statements = (t: Json) => resources(t, 'AWS::IAM::Policy').filter(([, r]) => pathOf(r).startsWith('NodeRole/')).flatMap(([, r]) => (r.Properties?.PolicyDocument.Statement as Json[]));
    const alone = await synth(CASTY, 'dev');
    const before = statements(alone.templates.get('Nodes') as Json).map((st) => JSON.stringify([st.Action].flat()));
    const added = statements(nodes).filter((st) => !before.includes(JSON.stringify([st.Action].flat())));
    expect(added.map((st) => [st.Action].flat().join(',')).sort()).toEqual(['kms:Decrypt', 's3:GetObject,s3:PutObject,s3:DeleteObject', 's3:ListBucket', 'secretsmanager:GetSecretValue']);
    const secret = added.find((st) => st.Action === 'secretsmanager:GetSecretValue') as Json;
    expect(JSON.stringify(secret.Resource)).toMatch(/^\{"Ref":"SsmParameterValue.*databasesecretarn.*\}$/i);
    expect((added.find((st) => st.Action === 'kms:Decrypt') as Json).Condition).toEqual({ StringLike: { 'kms:ViaService': ['secretsmanager.*.amazonaws.com'] } });
    const objects = added.find((st) => st.Action.includes?.('s3:GetObject')) as Json;
    expect(cfnText(objects.Resource)).toMatch(/^arn:aws:s3:::casty-cluster-dev-scans-.*\/\*$/);
  });
});

describe('a node group beside a database with a reader and its password in [deploy.secrets]', () => {
  it('synthesizes clean; a node receives the reader endpoints, and DATABASE_PASSWORD and PGPASSWORD from the reference, as the plan lists them', async () => {
    const project = projectCopy(CASTY);
    writeFileSync(join(project, 'dsl', 'docs.dsl'), 'module casty_cluster.docs\n\nentity Doc "Doc":\n  id: uuid pk\n');
    const x = await synth(project, 'dev', (t) => t.replace('[deploy.services.casty]', '[deploy.database]\nreaders = 1\n\n[deploy.secrets]\ndatabase_password = "ssm:/casty/dev/db-password"\n\n[deploy.services.casty]'));
    expectClean(x);
    expect(typecheckApps([x.dir])).toBe('');
    for (const stack of x.templates.keys()) expect(counts(x.templates.get(stack) as Json), stack).toEqual(planned(x.plan, stack));
    const boot = bootRoot();
    expect(boot.run(bootScriptOf(x.templates.get('Nodes') as Json, 'Node0'), { STUB_INSTANCE: 'i-0c0', STUB_ADDRESS: '10.0.2.10' }).status).toBe(0);
    expect(boot.run(readFileSync(boot.path('usr/local/bin/dazzle-node-secrets'), 'utf8'), { STUB_PARAMETER: 'pw' }).status).toBe(0);
    const fromFile = Object.fromEntries(readFileSync(boot.path('etc/dazzle-node/secrets.env'), 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1)) as string]));
    expect(fromFile).toEqual({ DATABASE_PASSWORD: 'pw', PGPASSWORD: 'pw' });
    expect(boot.run(readFileSync(boot.path('usr/local/bin/dazzle-node-start'), 'utf8'), fromFile).status).toBe(0);
    const received = readFileSync(boot.path('.stub/docker-env'), 'utf8').trim().split('\n').map((l) => l.slice(0, l.indexOf('=')));
    expect(received.sort()).toEqual((x.plan.services[0]?.variables ?? []).map((v) => v.name).sort());
    expect(received).toEqual(expect.arrayContaining(['DATABASE_READER_HOST', 'DATABASE_READER_URL', 'DATABASE_WRITER_URL', 'DATABASE_USER']));
  });
});

describe('replacing a node', () => {
  it('keeps its address and its volume: a new instance type, artifact and pinned image change the launch template only', async () => {
    const before = (await synth(PULSE, 'prod')).templates.get('Nodes') as Json;
    const after = (await synth(PULSE, 'prod', (t) => t.replace('instance_type = "t3.micro"', 'instance_type = "t3.small"\nami = "ami-0123456789abcdef0"').replace('pulse-node-0.4.2', 'pulse-node-0.5.0'))).templates.get('Nodes') as Json;
    for (const type of ['AWS::EC2::NetworkInterface', 'AWS::EC2::Volume']) {
      expect(resources(after, type), type).toEqual(resources(before, type));
      expect(resources(after, type)).toHaveLength(1);
    }
    const [, lt0] = at(before, 'AWS::EC2::LaunchTemplate', 'Node0LaunchTemplate/Resource');
    const [, lt1] = at(after, 'AWS::EC2::LaunchTemplate', 'Node0LaunchTemplate/Resource');
    expect(lt1.Properties?.LaunchTemplateData.InstanceType).toBe('t3.small');
    expect(lt0.Properties?.LaunchTemplateData.InstanceType).toBe('t3.micro');
    // The image: read once by the stack's Image resource, then pinned by ami (the resource goes).
    expect(lt0.Properties?.LaunchTemplateData.ImageId).toEqual({ 'Fn::GetAtt': [at(before, 'Custom::NodeGroupImage', 'Image/Resource/Default')[0], 'Parameter.Value'] });
    expect(lt1.Properties?.LaunchTemplateData.ImageId).toBe('ami-0123456789abcdef0');
    expect(resources(after, 'Custom::NodeGroupImage')).toEqual([]);
    // The data volume is not one of the instance's own (deleted with it): it is attached at boot, by its ID.
    expect(JSON.stringify(lt1.Properties?.LaunchTemplateData.BlockDeviceMappings)).not.toContain('sdf');
    const [eniId] = at(after, 'AWS::EC2::NetworkInterface', 'Node0Address');
    const [volumeId] = at(after, 'AWS::EC2::Volume', 'Node0Data/Resource');
    const values = bootScriptValues(bootScriptOf(after, 'Node0'));
    expect(values.get('ENI_ID')).toBe(`{{Ref:${eniId}}}`);
    expect(values.get('VOLUME_ID')).toBe(`{{Ref:${volumeId}}}`);
    // The group replaces its instance on update, the old one first (minimum 0 in service): the address and the volume attach to one instance at a time.
    const [, group] = at(after, 'AWS::AutoScaling::AutoScalingGroup', 'Node0/ASG');
    expect(group.UpdatePolicy?.AutoScalingRollingUpdate).toMatchObject({ MaxBatchSize: 1, MinInstancesInService: 0 });
  });
});

describe('plans generate cannot render', () => {
  it('a node group beside an ECS service in a plan built past the lowering is DZ7060, never a half-rendered app', () => {
    const plan = planWith(CASTY, 'dev');
    const web = plan.aws.services[0] as DeploymentPlan['aws']['services'][number];
    const mixed: DeploymentPlan = { ...plan, aws: { ...plan.aws, services: [...plan.aws.services, { ...web, id: 'ServiceApi', name: 'api', runtime: 'fargate' }] } };
    const r = emitApp({ plan: mixed, projectRoot: '.', outDir: 'infra', projectFromOut: '..', inputsChecksum: '0'.repeat(64), generatedAt: '2026-01-01T00:00:00Z' });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.keyPath])).toEqual([['DZ7060', 'deploy.services.casty.runtime']]);
  });
});
