/** The Network stack: the VPC, its flow logs, and one security group per tier with least-privilege rules. */
import { InternalError } from '../../diagnostics/index.js';
import { offersResourceType } from '../../lower/index.js';
import { commentBlock, header, lineComment, lit, str } from '../code.js';
import { availabilityZones, because, stackSource, tiers, type EmitContext, type StackSource } from '../model.js';
import { namespaceCode, namespaceImport } from './discovery.js';

/** The ports the load balancer forwards to, one per web service (deduplicated, sorted). */
function servicePorts(ctx: EmitContext): number[] {
  return [...new Set(ctx.plan.aws.services.filter((s) => s.role === 'web').map((s) => s.settings.port))].sort((a, b) => a - b);
}

export function networkStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const a = plan.aws;
  const t = tiers(plan);
  const https = a.loadBalancer.https;
  const members: string[] = [
    '  /** The VPC: public subnets for the load balancer, private subnets (egress through NAT) for services and TigerBeetle, isolated subnets for data. */',
    '  readonly vpc: ec2.Vpc;',
    '  /** The internet-facing load balancer: 80 and 443 from anywhere. */',
    '  readonly loadBalancerSecurityGroup: ec2.SecurityGroup;',
    '  /** The app services: only from the load balancer, on the service ports. */',
    '  readonly serviceSecurityGroup: ec2.SecurityGroup;',
  ];
  if (t.tigerBeetle) members.push('  /** TigerBeetle replicas: 3000 from services and replicas (TigerBeetle uses no other port). */', '  readonly tigerBeetleSecurityGroup: ec2.SecurityGroup;');
  if (t.database) members.push('  /** The database: 5432 from services only. */', '  readonly databaseSecurityGroup: ec2.SecurityGroup;');
  if (t.cache) members.push('  /** The cache: 6379 from services only. */', '  readonly cacheSecurityGroup: ec2.SecurityGroup;');

  const ports = servicePorts(ctx);
  const body: string[] = [];
  body.push(`${commentBlock(`VPC over ${a.network.azCount} availability zones, /24 subnets: public, private (egress through ${a.network.natGateways} NAT gateway${a.network.natGateways === 1 ? '' : 's'}), isolated.`, because(plan, 'Network', 'Vpc'), projectRoot, '    ')}
    // The zones are fixed here so that synth needs no AWS account lookup.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(${str(a.network.cidr)}),
      availabilityZones: ${lit(availabilityZones(plan))},
      natGateways: ${lit(a.network.natGateways)},
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
        { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // Nothing is placed in the default security group; every tier has its own below.
      restrictDefaultSecurityGroup: false,
    });

${lineComment(`VPC flow logs (all traffic) for incident forensics, kept ${a.observability.logRetentionDays} days.`, '    ')}
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: ${retention(a.observability.logRetentionDays)},
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });`);

  body.push(`    // Load balancer tier: the only security group open to the internet, on ${https ? '443, and 80 (redirected to 443)' : '80'}.
    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: 'Internet-facing load balancer',
      allowAllOutbound: false,
    });
${
    a.loadBalancer.internal
      ? "    // Internal: API Gateway's VPC link reaches it from inside the VPC (the API is the only way in).\n    this.loadBalancerSecurityGroup.addIngressRule(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(80), 'HTTP from inside the VPC (the API Gateway VPC link)');"
      : `${https ? "    this.loadBalancerSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');\n" : ''}    this.loadBalancerSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), ${https ? "'HTTP from the internet (redirected to HTTPS)'" : "'HTTP from the internet'"});
    Validations.of(this.loadBalancerSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The internet-facing load balancer must accept ${https ? '80 and 443' : '80'} from anywhere; no other security group has internet ingress.',
    });`
  }

    // Service tier: reachable only from the load balancer on the service port${ports.length === 1 ? '' : 's'}; outbound for AWS APIs through NAT.
    this.serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: this.vpc,
      description: 'App services (ECS tasks)',
      allowAllOutbound: true,
    });
${ports.map((p) => `    this.serviceSecurityGroup.addIngressRule(this.loadBalancerSecurityGroup, ec2.Port.tcp(${lit(p)}), ${str(`Service port ${p} from the load balancer`)});\n    this.loadBalancerSecurityGroup.addEgressRule(this.serviceSecurityGroup, ec2.Port.tcp(${lit(p)}), ${str(`To the services on ${p}`)});`).join('\n')}`);

  if (t.tigerBeetle) {
    body.push(`${commentBlock('TigerBeetle tier: port 3000 from the services and the other replicas (clients and replicas use the one port). No public ingress.', because(plan, 'TigerBeetle', 'ClusterParameters'), projectRoot, '    ')}
    this.tigerBeetleSecurityGroup = new ec2.SecurityGroup(this, 'TigerBeetleSecurityGroup', {
      vpc: this.vpc,
      description: 'TigerBeetle replicas',
      allowAllOutbound: true,
    });
    this.tigerBeetleSecurityGroup.addIngressRule(this.serviceSecurityGroup, ec2.Port.tcp(3000), 'TigerBeetle clients (services)');
    this.tigerBeetleSecurityGroup.addIngressRule(this.tigerBeetleSecurityGroup, ec2.Port.tcp(3000), 'TigerBeetle replicas');${reservations(ctx)}`);
  }
  if (t.database) {
    body.push(`${commentBlock('Database tier: PostgreSQL from the services only; no outbound.', because(plan, 'Data', 'Database'), projectRoot, '    ')}
    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.vpc,
      description: 'Aurora PostgreSQL',
      allowAllOutbound: false,
    });
    this.databaseSecurityGroup.addIngressRule(this.serviceSecurityGroup, ec2.Port.tcp(5432), 'PostgreSQL from the services');`);
  }
  if (t.cache) {
    body.push(`${commentBlock('Cache tier: Redis protocol from the services only; no outbound.', because(plan, 'Compute', 'Cache'), projectRoot, '    ')}
    this.cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSecurityGroup', {
      vpc: this.vpc,
      description: 'Cache',
      allowAllOutbound: false,
    });
    this.cacheSecurityGroup.addIngressRule(this.serviceSecurityGroup, ec2.Port.tcp(6379), 'Redis protocol from the services');`);
  }

  body.push(publication(ctx));
  if (plan.aws.network.namespace) body.push(namespaceCode(ctx));

  const source = `${header('Network stack: VPC, subnets, NAT, flow logs and one security group per tier.', plan.app, plan.environment)}
import { Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
${namespaceImport(ctx) ? `${namespaceImport(ctx)}\n` : ''}import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { AVAILABILITY_ZONES, ${plan.aws.network.namespace ? 'NAMES, ' : ''}PARAMETERS${a.loadBalancer.internal ? ', VPC_CIDR' : ''} } from './wiring';

export class NetworkStack extends Stack {
${members.join('\n')}

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

${body.join('\n\n')}
  }
}
`;
  return stackSource('Network', [], source);
}

/**
 * The identifiers the other stacks need, published as SSM parameters (read when they deploy):
 * no CloudFormation export, so a change here (another zone, a new tier) is never refused because
 * another stack imports a value.
 */
function publication(ctx: EmitContext): string {
  const t = tiers(ctx.plan);
  const parameter = (id: string, name: string, value: string, description: string) => `    new ssm.StringParameter(this, ${str(id)}, {
      parameterName: PARAMETERS.${name},
      stringValue: ${value},
      description: ${str(description)},
    });`;
  const subnets = (type: string) => `Fn.join(',', AVAILABILITY_ZONES.map((zone) => this.vpc.selectSubnets({ subnetType: ec2.SubnetType.${type}, availabilityZones: [zone] }).subnetIds[0] as string))`;
  const lines = [
    parameter('VpcIdParameter', 'vpcId', 'this.vpc.vpcId', 'The VPC'),
    parameter('PublicSubnetsParameter', 'publicSubnets', subnets('PUBLIC'), 'Public subnets, one per availability zone, in zone order'),
    parameter('PrivateSubnetsParameter', 'privateSubnets', subnets('PRIVATE_WITH_EGRESS'), 'Private subnets (egress through NAT), one per availability zone, in zone order'),
    parameter('IsolatedSubnetsParameter', 'isolatedSubnets', subnets('PRIVATE_ISOLATED'), 'Isolated subnets, one per availability zone, in zone order'),
    parameter('LoadBalancerSecurityGroupParameter', 'loadBalancerSecurityGroup', 'this.loadBalancerSecurityGroup.securityGroupId', 'Security group of the load balancer tier'),
    parameter('ServiceSecurityGroupParameter', 'serviceSecurityGroup', 'this.serviceSecurityGroup.securityGroupId', 'Security group of the service tier'),
    ...(t.tigerBeetle ? [parameter('TigerBeetleSecurityGroupParameter', 'tigerBeetleSecurityGroup', 'this.tigerBeetleSecurityGroup.securityGroupId', 'Security group of the TigerBeetle tier')] : []),
    ...(t.database ? [parameter('DatabaseSecurityGroupParameter', 'databaseSecurityGroup', 'this.databaseSecurityGroup.securityGroupId', 'Security group of the database tier')] : []),
    ...(t.cache ? [parameter('CacheSecurityGroupParameter', 'cacheSecurityGroup', 'this.cacheSecurityGroup.securityGroupId', 'Security group of the cache tier')] : []),
  ];
  return `    // Published for the stacks deployed after this one, which read them when they deploy (lib/wiring.ts).
    // Not CloudFormation exports: a change here is never refused because another stack still imports a value.
${lines.join('\n')}`;
}

/**
 * Explicit CIDR reservations for the TigerBeetle addresses (.8/29 of each private subnet that holds
 * replicas: hosts 10 upwards), so that nothing else (Fargate tasks, the replicas' own instances) takes
 * one of them and a replica's network interface can always be created again at its address.
 *
 * Only where CloudFormation offers AWS::EC2::SubnetCidrReservation (resource-regions.ts): elsewhere
 * the replicas' network interfaces alone hold the addresses. They are created with their fixed
 * address in the TigerBeetle stack, which deploys before the Compute stack places tasks in the
 * private subnets (Compute depends on it), and they live as long as the cluster.
 */
function reservations(ctx: EmitContext): string {
  const tb = ctx.plan.aws.tigerbeetle;
  if (!tb) return '';
  if (!offersResourceType('AWS::EC2::SubnetCidrReservation', ctx.plan.region)) {
    return `\n${lineComment(`The replicas' fixed addresses are held by their network interfaces (TigerBeetle stack), created with those addresses before the Compute stack places tasks in the private subnets: CloudFormation has no subnet CIDR reservations in ${ctx.plan.region}.`, '    ')}`;
  }
  const zones = availabilityZones(ctx.plan);
  const used = [...new Set(tb.nodes.map((n) => n.az))].sort((x, y) => x - y);
  const lines = used.map((az) => {
    const cidr = (ctx.plan.aws.network.subnets.private[az] as string).replace(/\.0\/24$/, '.8/29');
    const zone = zones[az] as string;
    return `    new ec2.CfnSubnetCidrReservation(this, ${str(`TigerBeetleAddresses${zone.slice(-1).toUpperCase()}`)}, {
      subnetId: this.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: [${str(zone)}] }).subnetIds[0] as string,
      cidr: ${str(cidr)},
      reservationType: 'explicit',
      description: 'TigerBeetle replica addresses (assigned explicitly; never handed out automatically)',
    });`;
  });
  return `\n    // The replicas' fixed addresses are reserved in their subnets: only explicit assignment can use them.\n${lines.join('\n')}`;
}

/** `logs.RetentionDays.X` for a number of days (the config only allows values CloudWatch accepts). */
export function retention(days: number): string {
  const names: Record<number, string> = {
    1: 'ONE_DAY', 3: 'THREE_DAYS', 5: 'FIVE_DAYS', 7: 'ONE_WEEK', 14: 'TWO_WEEKS', 30: 'ONE_MONTH', 60: 'TWO_MONTHS', 90: 'THREE_MONTHS',
    120: 'FOUR_MONTHS', 150: 'FIVE_MONTHS', 180: 'SIX_MONTHS', 365: 'ONE_YEAR', 400: 'THIRTEEN_MONTHS', 545: 'EIGHTEEN_MONTHS',
    731: 'TWO_YEARS', 1096: 'THREE_YEARS', 1827: 'FIVE_YEARS', 2192: 'SIX_YEARS', 2557: 'SEVEN_YEARS', 2922: 'EIGHT_YEARS',
    3288: 'NINE_YEARS', 3653: 'TEN_YEARS',
  };
  const name = Object.hasOwn(names, days) ? names[days] : undefined;
  if (name === undefined) throw new InternalError(`no logs.RetentionDays for ${days} days (the configuration allows only values CloudWatch accepts)`);
  return `logs.RetentionDays.${name}`;
}
