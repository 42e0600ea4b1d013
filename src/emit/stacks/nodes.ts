/**
 * The Nodes stack: an EC2 node group (`runtime = "ec2"`) rendered from `plan.aws.nodeGroups`.
 * The generated `lib/nodes-stack.ts` holds the plan's values (every one through `lit`/`str`, every
 * name in a comment through `commentBlock`) and the node alarms; `lib/node-group.ts` is the static
 * construct code (templates/lib/node-group.ts.tmpl) that builds the nodes the way the TigerBeetle
 * stack builds its replicas: a fixed-address network interface and a persistent encrypted volume
 * per node, each attached at boot by the node's single-instance Auto Scaling group.
 */
import { InternalError } from '../../diagnostics/index.js';
import { DATABASE_ENDPOINT, DATABASE_READER_ENDPOINT } from '../../lower/index.js';
import { NODE_IMAGE_RESOURCE_TYPE, type AlarmMetric, type AwsAlarm, type AwsNodeGroup, type DeploymentPlan } from '../../plan/index.js';
import { alarmCode, metricOptions } from '../alarms.js';
import { commentBlock, header, lit, mdCode, mdText, SHELL_WORD_FUNCTION, str } from '../code.js';
import { availabilityZones, because, propsInterface, secretRef, stackName, stackSource, type EmitContext, type StackSource } from '../model.js';
import { renderTemplate } from '../template.js';
import { TEMPLATES } from '../templates.js';
import { retention } from './network.js';
import { machineImageCode } from './machine-image.js';

/** The one node group of the plan (the lowering refuses more than one: DZ5101). */
function groupOf(plan: DeploymentPlan): AwsNodeGroup {
  const [group, ...more] = plan.aws.nodeGroups;
  if (!group || more.length) throw new InternalError(`the Nodes stack renders one node group; the plan has ${plan.aws.nodeGroups.length}`);
  return group;
}

/** `lib/node-group.ts`: the static node group construct, and the shell quoting its boot script uses. */
export function nodeGroupFile(): string {
  return `${renderTemplate('lib/node-group.ts', TEMPLATES.nodeGroup, {})}\n${SHELL_WORD_FUNCTION}\n`;
}

/** A secret as the node group construct takes it (`NodeSecret`): the parsed reference, by name or ARN. */
function nodeSecret(env: string, ref: string): Record<string, string> {
  const r = secretRef(ref);
  return {
    env,
    source: r.service,
    name: r.name,
    ...(r.arn !== null ? { arn: r.arn } : {}),
    ...(r.service === 'secretsmanager' && r.jsonKey !== null ? { jsonKey: r.jsonKey } : {}),
  };
}

/** A value of the plan with the database's endpoints in it, as a TypeScript expression: the endpoints are deploy-time values. */
function withEndpoints(value: string): string {
  const parts = value.split(new RegExp(`(${[DATABASE_ENDPOINT, DATABASE_READER_ENDPOINT].map((x) => x.replace(/[()]/g, '\\$&')).join('|')})`));
  return parts.filter((p) => p !== '').map((p) => (p === DATABASE_ENDPOINT ? 'databaseHost' : p === DATABASE_READER_ENDPOINT ? 'databaseReaderHost' : str(p))).join(' + ');
}

/** The node group's `database` prop (`NodeDatabase`). */
function databaseProps(db: NonNullable<AwsNodeGroup['database']>): string {
  const variables = Object.entries(db.endpointVariables).map(([name, value]) => `${name}: ${withEndpoints(value)}`);
  const credentials = db.generatedCredentials.length ? `, credentials: { secretArn: deployTimeValue(this, PARAMETERS.databaseSecretArn), keys: ${lit(db.generatedCredentials)} }` : '';
  return `{ port: ${lit(db.port)}, securityGroupParameter: PARAMETERS.databaseSecurityGroup, variables: { ${variables.join(', ')} }${credentials} }`;
}

/** The props of `addNodeGroup` as a TypeScript object literal: every value from the plan through `lit`. */
function groupProps(ctx: EmitContext, g: AwsNodeGroup): string {
  const { plan } = ctx;
  const a = plan.aws;
  const lb = a.loadBalancer;
  const https = g.listeners.some((l) => l.protocol === 'HTTPS');
  const run =
    g.run.kind === 'image'
      ? { kind: 'image', uri: g.run.uri, ...(g.run.ecrRepositoryArn ? { ecrRepositoryArn: g.run.ecrRepositoryArn } : {}) }
      : g.run.kind === 'artifact'
        ? { kind: 'artifact', bucket: g.run.bucket, key: g.run.key, command: g.run.command }
        : null;
  const fields: [string, string][] = [
    ['service', str(g.service)],
    ['instanceType', str(g.instanceType)],
    // Pinned (ami), or Amazon Linux 2023 read once when this stack is created: a new release replaces no node.
    ['machineImage', 'nodeImage(this)'],
    ['nodes', 'NODES'],
    ['seeds', lit(g.seeds)],
    ['port', lit(g.port)],
    ['healthCheckPath', str(g.healthCheckPath)],
    ['peerPorts', lit(g.peerPorts)],
    ['listeners', lit(g.listeners.map((l) => ({ port: l.port, protocol: l.protocol })))],
    ...(g.volume ? ([['volumeSizeGb', lit(g.volume.sizeGb)]] as [string, string][]) : []),
    ['snapshotRetentionDays', lit(g.snapshotRetentionDays)],
    ['snapshotTag', str(`${stackName(plan, 'Nodes')}/${g.service}`)],
    ...(g.backup ? ([['backup', lit({ namePrefix: g.backup.namePrefix, retentionDays: g.backup.retentionDays })]] as [string, string][]) : []),
    ...(g.privateDns ? ([['privateDns', str(g.privateDns)]] as [string, string][]) : []),
    ...(g.ssh ? ([['ssh', lit({ cidr: g.ssh.cidr, ...(g.ssh.keyName ? { keyName: g.ssh.keyName } : {}) })]] as [string, string][]) : []),
    // The image built from the project's Dockerfile by cdk deploy: the build context is the project.
    ['run', run ? lit(run) : `{ kind: 'asset', directory: path.join(__dirname, '..', ${str(ctx.projectFromOut)}), file: ${str(g.run.kind === 'asset' ? g.run.dockerfile : '')} }`],
    ['logGroupName', str(g.logGroup)],
    ['logRetention', retention(a.observability.logRetentionDays)],
    // The variables dazzle generates for the app (DAZZLE_ENV, TIGERBEETLE_ADDRESSES, …), under their own names.
    ['appVariables', lit(g.appVariables)],
    // The database: the variables with its endpoints (read from the Data stack's parameters when this stack deploys), the
    // generated credentials (fetched by the node with its role, never here), and its port, opened to the nodes.
    ...(g.database ? ([['database', databaseProps(g.database)]] as [string, string][]) : []),
    // The app's buckets by name (the Data stack's), each BUCKET_<NAME>; the role may use their objects.
    ...(g.buckets.length ? ([['buckets', `[${g.buckets.map((b) => `{ env: ${str(b.env)}, name: bucketName(this, NAMES.buckets[${str(b.name)}]) }`).join(', ')}]`]] as [string, string][]) : []),
    // The replicas' client port, opened to the nodes on the TigerBeetle tier's security group.
    ...(g.tigerBeetleClientPort !== null ? ([['tigerBeetle', `{ clientPort: ${lit(g.tigerBeetleClientPort)}, securityGroupParameter: PARAMETERS.tigerBeetleSecurityGroup }`]] as [string, string][]) : []),
    ['env', lit(g.env)],
    // The name(s) each generated variable is received under (variable_names).
    ['variableNames', lit(Object.fromEntries(g.variableNames.map((v) => [v.variable, v.names])))],
    // The [deploy.secrets] references (never a value): the node reads them with its role at each service start.
    ...(g.secrets.length ? ([['secrets', lit(g.secrets.map((x) => nodeSecret(x.env, x.ref)))]] as [string, string][]) : []),
    ['prod', lit(a.environment === 'prod')],
    ...(https
      ? ([['https', lit({ domain: lb.domain, ...(lb.certificateArn ? { certificateArn: lb.certificateArn } : {}), ...(lb.hostedZoneId ? { hostedZone: { id: lb.hostedZoneId, name: lb.hostedZone } } : {}) })]] as [string, string][])
      : []),
  ];
  return `{\n${fields.map(([k, v]) => `      ${k}: ${v},`).join('\n')}\n    }`;
}

/** A node alarm's metric: its group's instances in service, CPU, memory or disk. */
function nodeAlarmMetric(g: AwsNodeGroup): (m: AlarmMetric, a: AwsAlarm) => string {
  return (m, a) => {
    if (!('node' in m)) throw new InternalError(`a ${m.kind} alarm in the Nodes stack`);
    const index = g.nodes.findIndex((n) => n.id === m.node);
    if (index < 0) throw new InternalError(`an alarm on the unknown node ${m.node}`);
    const kind = m.kind === 'node-in-service' ? 'in-service' : m.kind === 'node-cpu' ? 'cpu' : m.kind === 'node-memory' ? 'memory' : 'disk';
    return `nodeMetric(this.nodes[${lit(index)}] as autoscaling.AutoScalingGroup, ${str(kind)}, ${metricOptions(a)})`;
  };
}

/** What the Nodes stack reads from lib/wiring.ts. */
function wiringImports(g: AwsNodeGroup): string[] {
  return [
    'ALARMS',
    ...(g.buckets.length ? ['bucketName'] : []),
    ...(g.database ? ['deployTimeValue'] : []),
    ...(g.buckets.length ? ['NAMES'] : []),
    'notify',
    ...(g.database || g.tigerBeetleClientPort !== null ? ['PARAMETERS'] : []),
  ];
}

/** The endpoints the database's variables hold, read when the Nodes stack deploys. */
function endpointReads(g: AwsNodeGroup): string {
  if (!g.database || !Object.keys(g.database.endpointVariables).length) return '';
  return `    const databaseHost = deployTimeValue(this, PARAMETERS.databaseHost);\n${g.database.readerEndpoint ? '    const databaseReaderHost = deployTimeValue(this, PARAMETERS.databaseReaderHost);\n' : ''}`;
}

export function nodesStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const g = groupOf(plan);
  const zones = availabilityZones(plan);
  const nodes = g.nodes.map((n) => {
    const spec = { address: n.address, availabilityZone: zones[n.az] as string, id: n.id, index: n.index, seed: n.seed, ...(n.dnsName ? { dnsName: n.dnsName } : {}) };
    return `${commentBlock(`Node ${n.index}${n.seed ? ' (a seed)' : ''}: ${n.address} in ${spec.availabilityZone}, ${g.instanceType}${g.volume ? `, ${g.volume.sizeGb} GiB data volume` : ''}.`, because(plan, 'Nodes', n.id), projectRoot, '  ')}
  ${lit(spec)},`;
  });
  const asset = g.run.kind === 'asset';
  const firstDeploy = g.image.kind === 'first-deploy';
  const imageCode = machineImageCode(g.image, g.instanceType, plan.region, { fn: 'nodeImage', one: 'node', many: 'nodes', key: `the ami of service ${g.service}`, resourceType: NODE_IMAGE_RESOURCE_TYPE });
  const source = `${header(`Nodes stack: the EC2 node group ${g.service}, ${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'} with fixed addresses behind a load balancer.`, plan.app, plan.environment)}
import { Duration, Stack, ${firstDeploy ? 'Validations, ' : ''}type StackProps } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';${firstDeploy ? "\nimport * as cr from 'aws-cdk-lib/custom-resources';" : ''}
import type { Construct } from 'constructs';${asset ? "\nimport * as path from 'node:path';" : ''}
import { addNodeGroup, nodeMetric, type NodeSpec } from './node-group';
import { ${wiringImports(g).join(', ')} } from './wiring';

/**
 * The nodes, in order: NODE_INDEX is a node's position here, and PEER_IPS lists their addresses in
 * this order. Node i is in zone i mod ${plan.aws.network.azCount}, in that zone's private subnet.
 */
const NODES: readonly NodeSpec[] = [
${nodes.join('\n')}
];

${imageCode}

${propsInterface('NodesStack', [])}

export class NodesStack extends Stack {
  /** Each node's single-instance Auto Scaling group, by node index (this stack alarms on each). */
  readonly nodes: autoscaling.AutoScalingGroup[];
  /** The internet-facing load balancer in front of every node. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  constructor(scope: Construct, id: string, props: NodesStackProps) {
    super(scope, id, props);

${commentBlock(`The load balancer (${g.listeners.map((l) => (l.protocol === 'REDIRECT' ? `${l.port} → 443` : `${l.port} ${l.protocol}`)).join(', ')}) → every node on ${g.port}; the security groups, the instance role and the log group.`, because(plan, 'Nodes', 'LoadBalancer'), projectRoot, '    ')}
${commentBlock(`${g.run.kind === 'artifact' ? `Runs ${g.run.s3} with ${JSON.stringify(g.run.command)}` : g.run.kind === 'image' ? `Runs the image ${g.run.uri}` : `Runs the image built from ${g.run.dockerfile}`}.`, because(plan, 'Nodes', 'NodeRole'), projectRoot, '    ')}
${endpointReads(g)}    const group = addNodeGroup(this, ${groupProps(ctx, g)});
    this.nodes = group.nodes;
    this.loadBalancer = group.loadBalancer;

    // Alarms on the nodes: each group keeps its instance in service; CPU, memory and disk (the agent's). This stack owns them.
${alarmCode(ctx, 'Nodes', nodeAlarmMetric(g))}
  }
}
`;
  return stackSource('Nodes', [], source);
}

/** The generated variables under the names the service reads (`variable_names`). */
function receives(g: AwsNodeGroup): string {
  const what: Readonly<Record<string, string>> = { NODE_INDEX: "the node's position", PEER_IPS: 'every address, in node order', SEED_IPS: "the seeds' addresses", PORT: 'the service port' };
  const named = g.variableNames.flatMap(({ variable, names }) => names.map((name) => {
    const peer = /^PEER_PORT_(\d+)$/.exec(variable);
    const note = name !== variable ? (peer ? `peer port ${peer[1]}` : `${variable}${what[variable] ? `, ${what[variable]}` : ''}`) : what[variable];
    return `${mdCode(name)}${note ? ` (${mdText(note)})` : ''}`;
  }));
  const app = [...Object.keys(g.appVariables), ...Object.keys(g.database?.endpointVariables ?? {}), ...(g.database?.generatedCredentials.map((c) => c.env) ?? []), ...g.buckets.map((b) => b.env)].map((name) => mdCode(name));
  const own = named.length ? named.join(', ') : 'none of its own generated variables (`variable_names`)';
  return app.length ? `${own}; dazzle's ${app.join(', ')}` : own;
}

/** The README's lines on the secrets a node reads: from where, where they are kept, when a new value is read. */
function secretsReadme(g: AwsNodeGroup): string {
  const credentials = g.database?.generatedCredentials ?? [];
  if (!g.secrets.length && !credentials.length) return '';
  const listed = [...g.secrets.map((x) => `${mdCode(x.env)} (${mdCode(x.ref)})`), ...(credentials.length ? [`${credentials.map((c) => mdCode(c.env)).join(', ')} (the database's generated credentials, the Data stack's secret)`] : [])];
  return `
- **Secrets.** ${listed.join(', ')}: the instance role may read exactly
  these (and decrypt them only through SSM or Secrets Manager). Before every start of \`dazzle-node.service\` its
  \`ExecStartPre\` fetches them into \`/etc/dazzle-node/secrets.env\` (root only, mode 0600), which the unit reads; no
  value is in the user data, the template or the logs. **Rotation:** a node reads a new value when its service
  restarts: \`sudo systemctl restart dazzle-node\` on each node (Session Manager), or replace the node.`;
}

/**
 * The generated README's node group section: the nodes and their addresses, how to reach the
 * cluster port through Session Manager (instead of SSH tunnels), and what a replacement keeps.
 */
export function nodesReadme(plan: DeploymentPlan): string {
  const g = plan.aws.nodeGroups[0];
  if (!g) return '';
  const zones = availabilityZones(plan);
  const stack = stackName(plan, 'Nodes');
  const rows = g.nodes.map((n) => `| ${n.index} | ${mdCode(n.address)} | ${mdText(zones[n.az] ?? '?')} | ${n.seed ? 'yes' : ''} | ${n.dnsName ? mdCode(n.dnsName) : ''} |`);
  const seed = g.nodes.find((n) => n.seed) ?? g.nodes[0];
  const forward = g.peerPorts.length && seed
    ? `Each seed's peer ports are forwarded by the commands in the stack's outputs (\`${mdText(`${seed.id}PortForward${g.peerPorts[0]}`)}\`, …): for node ${seed.index},

\`\`\`sh
aws ssm start-session --region ${plan.region} \\
  --target "$(aws autoscaling describe-auto-scaling-groups --region ${plan.region} --auto-scaling-group-names <the ${seed.id} group, see the outputs> --query 'AutoScalingGroups[0].Instances[0].InstanceId' --output text)" \\
  --document-name AWS-StartPortForwardingSessionToRemoteHost \\
  --parameters host=${seed.address},portNumber=${g.peerPorts[0]},localPortNumber=${g.peerPorts[0]}
\`\`\`

A client outside the VPC (Casty's \`ClusterClient\`) then connects to \`127.0.0.1:${g.peerPorts[0]}\` and maps the node's
address to it (\`address_map\`), as it would through an SSH tunnel. One session per node you want to reach, on its own
local port. Session Manager needs no inbound port and no key: the nodes' role has \`AmazonSSMManagedInstanceCore\`.`
    : 'Open a shell on a node with `aws ssm start-session --target <instance id>` (Session Manager: no inbound port, no key).';
  return `## Node group ${mdText(g.service)}

${g.nodes.length} node${g.nodes.length === 1 ? '' : 's'} of ${mdText(g.instanceType)} in the ${mdCode(stack)} stack, each in its own self-healing
single-instance Auto Scaling group, behind the stack's load balancer (port ${g.port}, health check ${mdCode(g.healthCheckPath)}).

| node | address | zone | seed | name |
|---|---|---|---|---|
${rows.join('\n')}

- **Replacement keeps the address and the data.** Each node's address is a network interface, and its data
  ${g.volume ? `(${g.volume.sizeGb} GiB, encrypted, mounted at \`/data\`) an EBS volume, ` : ''}created once by the stack; the boot script of a new
  instance waits until the old one has let go of them and attaches them. A node that fails its EC2 status checks,
  or its health check for 10 minutes (the node asks it every minute), is replaced by its group.
- **What each node receives.** ${receives(g)}, and the service's \`env\`.${secretsReadme(g)}
- **Ports.** ${g.port} only from the load balancer${g.peerPorts.length ? `; ${g.peerPorts.join(', ')} only between the nodes` : ''}${g.ssh ? `; SSH (22) only from ${mdCode(g.ssh.cidr)}` : '; no SSH'}.
- **Logs and alarms.** The CloudWatch agent sends the service's output and each boot's to the log group, and
  memory and disk use as metrics; each node has alarms for its instance in service, CPU, memory and disk.${g.snapshotRetentionDays ? `\n- **Snapshots.** Data Lifecycle Manager snapshots the data volumes daily at 03:00 UTC and keeps them ${g.snapshotRetentionDays} days.` : ''}
- **Updates.** The nodes are created, and replaced on update, one at a time: each after the one before it runs.
  ${g.image.kind === 'pinned' ? `Every node runs the image ${mdCode(g.image.ami)} (\`ami\`); changing it replaces the nodes one by one.` : `Every node runs the Amazon Linux 2023 image that was the latest when this stack was first deployed (its \`Image\`
  resource reads it once and keeps it): a new release replaces no node. To move, set \`ami = "ami-…"\` in the service's table
  and deploy: the nodes are replaced one by one, keeping their addresses and volumes.`}

### Reaching the nodes

${forward}

`;
}
