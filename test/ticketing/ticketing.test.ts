/**
 * The ticketing example (seed 004) as CloudFormation, in dev and prod: generated, synthesized
 * with cdk-nag and CloudFormation validation clean, exactly the plan's resources, and the
 * seed's components asserted on the templates.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/index.js';
import type { CfnResource } from '../cdk-helpers.js';
import { usageProblems } from '../emit/usage.js';
import { container, counts, ofType, only, statementsOf, synthTicketing, valueIn, type TicketingApp } from './synth.js';

const ENVS: Environment[] = ['dev', 'prod'];
const apps = new Map<Environment, TicketingApp>();

beforeAll(async () => {
  for (const env of ENVS) apps.set(env, await synthTicketing(env));
}, 300_000);

const app = (env: Environment) => apps.get(env) as TicketingApp;
const SERVICES = ['ServiceTicketingService', 'ServiceSeatReservationService'];
const BROKERS: Record<Environment, number> = { dev: 2, staging: 3, prod: 3 };

/** Where the plan's usage (counts, outputs, template sizes, task role policies) and the templates disagree. */
function usageOf(a: TicketingApp): string[] {
  const k = a.plan.aws.kafka;
  if (!k) throw new Error('the example enables Kafka');
  // The cluster's ARN as MSK writes it (its name, then a UUID and a revision), where the templates read it from SSM.
  const clusterArn = `arn:aws:kafka:${a.plan.region}:123456789012:cluster/${k.clusterName}/00000000-0000-0000-0000-000000000000-1`;
  const parameters = Object.fromEntries(
    [...a.json.values()].flatMap((t) => Object.entries((t.Parameters ?? {}) as Record<string, { Default?: unknown }>).filter(([, p]) => p.Default === k.parameters.clusterArn).map(([id]) => [id, clusterArn])),
  );
  if (!Object.keys(parameters).length) throw new Error('no template reads the cluster ARN');
  return usageProblems(a.plan, a.json, a.ids, { region: a.plan.region, parameters });
}

describe.each(ENVS)('ticketing, %s', (env) => {
  it('synthesizes with no cdk-nag or CloudFormation validation finding', () => {
    expect(app(env).findings.map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  });

  it('has exactly the resources the plan lists, per stack and type', () => {
    const c = counts(app(env));
    expect(c.templates).toEqual(c.plan);
  });

  it("has the plan's usage: template sizes of the Kafka, Cache and Compute stacks, and task roles whose policies are the plan's", () => {
    expect(usageOf(app(env))).toEqual([]);
  });

  it("gives both services every seed variable, the database's password only as a secret", () => {
    const a = app(env);
    const readerHost = `{{param:/ticketing/${env}/data/database/reader-host}}`;
    const writerHost = `{{param:/ticketing/${env}/data/database/host}}`;
    for (const id of SERVICES) {
      const c = container(a, id);
      const vars = Object.fromEntries((c.Environment as { Name: string; Value: unknown }[]).map((v) => [v.Name, valueIn(a, 'Compute', v.Value)]));
      for (const name of ['DATABASE_WRITER_URL', 'DATABASE_READER_URL', 'KAFKA_BOOTSTRAP_SERVERS', 'REDIS_SENTINELS', 'REDIS_MASTER_NAME', 'SERVICE_DISCOVERY_NAMESPACE']) expect(vars[name], `${id} ${name}`).toBeDefined();
      expect(vars.DATABASE_WRITER_URL).toBe(`postgresql://dazzle_admin@${writerHost}:5432/ticketing?sslmode=require`);
      expect(vars.DATABASE_READER_URL).toBe(`postgresql://dazzle_admin@${readerHost}:5432/ticketing?sslmode=require`);
      const secrets = Object.fromEntries((c.Secrets as { Name: string; ValueFrom: unknown }[]).map((x) => [x.Name, JSON.stringify(x.ValueFrom)]));
      expect(Object.keys(secrets)).toEqual(expect.arrayContaining(['DATABASE_PASSWORD', 'PGPASSWORD']));
      expect(secrets.DATABASE_PASSWORD).toContain(':password::');
      // No plain variable is a password, names one, or carries one in a URL.
      for (const [name, value] of Object.entries(vars)) {
        expect(name).not.toMatch(/PASSWORD|SECRET/);
        expect(String(value)).not.toMatch(/:\/\/[^@/]*:[^@/]*@/);
      }
      expect(c.PortMappings).toEqual([{ ContainerPort: 8000, Protocol: 'tcp' }]);
    }
    // Each service its own image (Dockerfile.ticketing, Dockerfile.reservation) and its own autoscaling range.
    const images = SERVICES.map((id) => JSON.stringify(container(a, id).Image));
    expect(new Set(images).size).toBe(2);
    const targets = ofType(a, 'Compute', 'AWS::ApplicationAutoScaling::ScalableTarget').map(([, r]) => [r.Properties?.MinCapacity, r.Properties?.MaxCapacity]);
    expect(targets).toEqual([
      [4, 16],
      [4, 16],
    ]);
  });

  it('has dashboard rows for Aurora writer and reader, MSK and Kvrocks beside the alarms (ECS, ALB, Aurora, MSK, Kvrocks)', () => {
    const a = app(env);
    const body = JSON.parse(String(valueIn(a, 'Observability', only(a, 'Observability', 'AWS::CloudWatch::Dashboard').Properties?.DashboardBody))) as { widgets: { properties: { title?: string; metrics?: { expression: string }[][] } }[] };
    const searches = Object.fromEntries(body.widgets.filter((w) => w.properties.metrics).map((w) => [w.properties.title, w.properties.metrics?.[0]?.[0]?.expression]));
    expect(searches['Aurora writer and reader: CPU %']).toBe(`SEARCH('{AWS/RDS,DBClusterIdentifier,Role} MetricName="CPUUtilization" ticketing-${env}', 'Average', 300)`);
    expect(searches['MSK: bytes in per broker']).toContain(`"Cluster Name"="ticketing-${env}"`);
    expect(searches['Kvrocks and sentinels: CPU']).toContain(`Ticketing-${env}-Cache`);
    const alarms = [...a.json.entries()].flatMap(([stack, t]) => Object.values((t.Resources ?? {}) as Record<string, CfnResource>).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map(() => stack));
    expect(new Set(alarms)).toEqual(new Set(['Data', 'Kafka', 'Cache', 'Compute']));
  });

  it("has the seed's alarms: ECS CPU above 80%, Aurora connections for the capacity", () => {
    const a = app(env);
    const alarms = Object.fromEntries(ofType(a, 'Compute', 'AWS::CloudWatch::Alarm').concat(ofType(a, 'Data', 'AWS::CloudWatch::Alarm')).map(([, r]) => [r.Properties?.AlarmName, r.Properties ?? {}]));
    for (const id of SERVICES) expect(alarms[`ticketing-${env}-Compute-${id}CpuAlarm`]).toMatchObject({ Threshold: 80, ComparisonOperator: 'GreaterThanThreshold' });
    // 2 ACU (the seed's minimum) allow about 2 × 180 connections; the alarm is at 80% of that, not the seed's 800 (which needs about 5 ACU).
    expect(alarms[`ticketing-${env}-Data-DatabaseConnectionsAlarm`]).toMatchObject({ Threshold: 288 });
  });

  it('deploys in stages: no stack imports or exports a value, and the application stacks read the data stacks through SSM', () => {
    const a = app(env);
    for (const [stack, t] of a.json) {
      expect(JSON.stringify(t), stack).not.toContain('Fn::ImportValue');
      expect(Object.values((t.Outputs ?? {}) as Record<string, { Export?: unknown }>).filter((o) => o.Export), stack).toEqual([]);
    }
    const reads = (stack: 'Compute') => Object.values((a.json.get(stack)?.Parameters ?? {}) as Record<string, { Default?: string }>).map((p) => p.Default ?? '');
    expect(reads('Compute')).toEqual(expect.arrayContaining([`/ticketing/${env}/data/database/host`, `/ticketing/${env}/kafka/bootstrap-servers`, `/ticketing/${env}/network/namespace/id`]));
    const order = a.plan.stacks.map((s) => s.name);
    for (const data of ['Data', 'Kafka', 'Cache'] as const) expect(a.plan.stacks.find((s) => s.name === 'Compute')?.dependsOn).toContain(data);
    expect(order).toEqual(expect.arrayContaining(['Network', 'Data', 'Kafka', 'Cache', 'Compute', 'Observability']));
    expect(a.files.get('README.md')).toContain(`npx cdk deploy Ticketing-${env}-Images Ticketing-${env}-Data Ticketing-${env}-Kafka Ticketing-${env}-Cache --exclusively`);
  });

  describe('Amazon MSK', () => {
    it('has the brokers, their type and IAM authentication with TLS only', () => {
      const cluster = only(app(env), 'Kafka', 'AWS::MSK::Cluster').Properties ?? {};
      expect(cluster.NumberOfBrokerNodes).toBe(BROKERS[env]);
      expect(cluster.BrokerNodeGroupInfo.InstanceType).toBe('kafka.m5.large');
      // One client subnet per zone: the brokers spread evenly over the private subnets.
      expect(cluster.BrokerNodeGroupInfo.ClientSubnets).toHaveLength(app(env).plan.aws.network.azCount);
      expect(JSON.stringify(valueIn(app(env), 'Kafka', cluster.BrokerNodeGroupInfo.ClientSubnets))).toContain('/network/subnets/private');
      expect(cluster.ClientAuthentication).toEqual({ Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: false } });
      expect(cluster.EncryptionInfo.EncryptionInTransit).toEqual({ ClientBroker: 'TLS', InCluster: true });
      expect(cluster.LoggingInfo.BrokerLogs.CloudWatchLogs.Enabled).toBe(true);
      expect(cluster.EnhancedMonitoring).toBe('PER_BROKER');
    });

    it('is reachable on 9098 from the services security group only', () => {
      const groups = ofType(app(env), 'Kafka', 'AWS::EC2::SecurityGroup');
      expect(groups).toHaveLength(1);
      expect((groups[0] as [string, CfnResource])[1].Properties?.SecurityGroupIngress).toBeUndefined();
      const ingress = ofType(app(env), 'Kafka', 'AWS::EC2::SecurityGroupIngress').map(([, r]) => valueIn(app(env), 'Kafka', r.Properties));
      expect(ingress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 9098, ToPort: 9098, SourceSecurityGroupId: expect.stringContaining('/network/security-groups/service') })]);
    });

    it('creates the DSL topics with the configured partitions and replication', () => {
      const conf = only(app(env), 'Kafka', 'AWS::MSK::Configuration').Properties ?? {};
      const props = Object.fromEntries(String(conf.ServerProperties).split('\n').map((l) => l.split('=')));
      expect(props).toEqual({
        'auto.create.topics.enable': 'true',
        'num.partitions': '12',
        'default.replication.factor': String(BROKERS[env]),
        'min.insync.replicas': String(Math.max(1, BROKERS[env] - 1)),
        'log.retention.hours': '168',
      });
    });

    it('gives both services KAFKA_BOOTSTRAP_SERVERS (the IAM brokers) and the topics, and a role scoped to the cluster, its topics and groups', () => {
      const a = app(env);
      const published = ofType(a, 'Kafka', 'AWS::SSM::Parameter').map(([, r]) => valueIn(a, 'Kafka', r.Properties));
      expect(published).toContainEqual(expect.objectContaining({ Name: `/ticketing/${env}/kafka/bootstrap-servers`, Value: expect.stringMatching(/^{{GetAtt:KafkaBootstrapBrokers[0-9A-F]*\.BootstrapBrokerStringSaslIam}}$/) }));
      for (const id of SERVICES) {
        const vars = Object.fromEntries((container(a, id).Environment as { Name: string; Value: unknown }[]).map((v) => [v.Name, valueIn(a, 'Compute', v.Value)]));
        expect(vars.KAFKA_BOOTSTRAP_SERVERS).toBe(`{{param:/ticketing/${env}/kafka/bootstrap-servers}}`);
        expect(vars.EVENT_BUS_BOOKING_EVENTS).toBe(`ticketing-${env}-booking_events`);
        expect(vars.EVENT_BUS_SEAT_HOLDS).toBe(`ticketing-${env}-seat_holds`);
        expect(vars.KAFKA_CONSUMER_GROUP_PREFIX).toBe(`ticketing-${env}-`);
        const clusterArn = `arn:aws:kafka:us-east-1:123456789012:cluster/ticketing-${env}/0f1e2d3c-1`;
        const kafka = statementsOf(a, 'Compute', `${id}TaskRole`).filter((st) => [st.Action].flat().some((x) => x.startsWith('kafka-cluster:')));
        const resources = kafka.flatMap((st) => [st.Resource].flat().map((r) => String(valueIn(a, 'Compute', r, { [`/ticketing/${env}/kafka/cluster-arn`]: clusterArn }))));
        const under = (kind: string, name: string) => `arn:aws:kafka:us-east-1:123456789012:${kind}/ticketing-${env}/0f1e2d3c-1/${name}`;
        expect(resources.sort()).toEqual([clusterArn, under('group', `ticketing-${env}-*`), under('topic', `ticketing-${env}-booking_events`), under('topic', `ticketing-${env}-seat_holds`)].sort());
        expect(statementsOf(a, 'Compute', `${id}TaskRole`).flatMap((st) => [st.Action].flat())).not.toContain('events:PutEvents');
      }
    });

    it('alarms on broker disk and under-replicated partitions', () => {
      const alarms = ofType(app(env), 'Kafka', 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties ?? {});
      const metrics = alarms.map((x) => (x.Metrics as { MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] } } }[]).filter((m) => m.MetricStat).map((m) => m.MetricStat?.Metric.MetricName));
      expect(metrics.map((m) => [...new Set(m)])).toEqual([['KafkaDataLogsDiskUsed'], ['UnderReplicatedPartitions']]);
      expect(metrics.map((m) => m.length)).toEqual([BROKERS[env], BROKERS[env]]);
    });
  });

  describe('Cloud Map', () => {
    it('has the private DNS namespace ticketing.local in the VPC, published for the Compute stack', () => {
      const a = app(env);
      const ns = only(a, 'Network', 'AWS::ServiceDiscovery::PrivateDnsNamespace').Properties ?? {};
      expect(ns.Name).toBe('ticketing.local');
      expect(ns.Vpc).toEqual({ Ref: expect.stringMatching(/^Vpc/) });
      const published = ofType(a, 'Network', 'AWS::SSM::Parameter').map(([, r]) => valueIn(a, 'Network', r.Properties) as { Name: string; Value: string });
      expect(published.find((p) => p.Name === `/ticketing/${env}/network/namespace/id`)?.Value).toMatch(/^{{GetAtt:Namespace[0-9A-F]*\.Id}}$/);
    });

    it('registers every ECS service under its name, and gives each SERVICE_DISCOVERY_NAMESPACE', () => {
      const a = app(env);
      const registered = ofType(a, 'Compute', 'AWS::ServiceDiscovery::Service').map(([, r]) => valueIn(a, 'Compute', r.Properties) as { Name: string; NamespaceId: string; DnsConfig: { DnsRecords: { Type: string }[] } });
      expect(registered.map((r) => r.Name).sort()).toEqual(['seat-reservation-service', 'ticketing-service']);
      for (const r of registered) {
        expect(r.NamespaceId).toBe(`{{param:/ticketing/${env}/network/namespace/id}}`);
        expect(r.DnsConfig.DnsRecords.map((d) => d.Type)).toEqual(['A']);
      }
      const services = ofType(a, 'Compute', 'AWS::ECS::Service');
      expect(services).toHaveLength(2);
      for (const [, s] of services) expect(s.Properties?.ServiceRegistries).toHaveLength(1);
      for (const id of SERVICES) {
        const vars = Object.fromEntries((container(a, id).Environment as { Name: string; Value: unknown }[]).map((v) => [v.Name, v.Value]));
        expect(vars.SERVICE_DISCOVERY_NAMESPACE).toBe('ticketing.local');
      }
    });
  });

  describe('Kvrocks', () => {
    const NODES: Record<Environment, number> = { dev: 1, staging: 2, prod: 3 };

    it('runs the nodes and 3 sentinels as ECS services of one task each, registered in Cloud Map', () => {
      const a = app(env);
      const services = ofType(a, 'Cache', 'AWS::ECS::Service').map(([, r]) => r.Properties ?? {});
      expect(services).toHaveLength(NODES[env] + 3);
      for (const s of services) expect([s.DesiredCount, s.DeploymentConfiguration.MinimumHealthyPercent, s.DeploymentConfiguration.MaximumPercent]).toEqual([1, 0, 100]);
      const names = ofType(a, 'Cache', 'AWS::ServiceDiscovery::Service').map(([, r]) => r.Properties?.Name as string);
      expect(names.sort()).toEqual([...Array.from({ length: NODES[env] }, (_, i) => `kvrocks-${i + 1}`), 'sentinel-1', 'sentinel-2', 'sentinel-3'].sort());
      expect(ofType(a, 'Compute', 'AWS::ElastiCache::ReplicationGroup')).toHaveLength(0);
    });

    it('keeps each node\'s data on encrypted, backed-up EFS through its own access point, mounted over TLS', () => {
      const a = app(env);
      const fs = only(a, 'Cache', 'AWS::EFS::FileSystem');
      expect(fs.Properties?.Encrypted).toBe(true);
      expect(fs.Properties?.BackupPolicy).toEqual({ Status: 'ENABLED' });
      const points = ofType(a, 'Cache', 'AWS::EFS::AccessPoint');
      expect(points.map(([, r]) => r.Properties?.RootDirectory.Path).sort()).toEqual(Array.from({ length: NODES[env] }, (_, i) => `/kvrocks-${i + 1}`));
      const defs = ofType(a, 'Cache', 'AWS::ECS::TaskDefinition').map(([, r]) => r.Properties ?? {});
      const withData = defs.filter((d) => (d.Volumes ?? []).length > 0);
      expect(withData).toHaveLength(NODES[env]);
      const used = withData.map((d) => {
        const [volume] = d.Volumes as { EFSVolumeConfiguration: { TransitEncryption: string; AuthorizationConfig: { AccessPointId: { Ref: string }; IAM: string } } }[];
        expect(volume?.EFSVolumeConfiguration.TransitEncryption).toBe('ENABLED');
        expect(volume?.EFSVolumeConfiguration.AuthorizationConfig.IAM).toBe('ENABLED');
        expect(d.ContainerDefinitions[0].MountPoints).toEqual([{ ContainerPath: '/data', ReadOnly: false, SourceVolume: 'data' }]);
        return volume?.EFSVolumeConfiguration.AuthorizationConfig.AccessPointId.Ref;
      });
      expect(new Set(used).size).toBe(NODES[env]);
      expect(used.sort()).toEqual(points.map(([id]) => id).sort());
    });

    it('admits 6666 and 26666 from the services and between its members only', () => {
      const a = app(env);
      const rules = ofType(a, 'Cache', 'AWS::EC2::SecurityGroupIngress').map(([, r]) => valueIn(a, 'Cache', r.Properties) as { FromPort: number; SourceSecurityGroupId: string; GroupId: string });
      const kvrocksGroup = ofType(a, 'Cache', 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('KvrocksSecurityGroup'))?.[0];
      const toMembers = rules.filter((r) => r.GroupId === `{{GetAtt:${kvrocksGroup}.GroupId}}`);
      expect(toMembers.map((r) => [r.FromPort, r.SourceSecurityGroupId.includes('/network/security-groups/service') ? 'services' : r.SourceSecurityGroupId === r.GroupId ? 'members' : r.SourceSecurityGroupId]).sort()).toEqual([
        [26666, 'members'],
        [26666, 'services'],
        [6666, 'members'],
        [6666, 'services'],
      ]);
      // The file system: NFS from the members only.
      expect(rules.filter((r) => r.GroupId !== `{{GetAtt:${kvrocksGroup}.GroupId}}`).map((r) => [r.FromPort, r.SourceSecurityGroupId])).toEqual([[2049, `{{GetAtt:${kvrocksGroup}.GroupId}}`]]);
    });

    it('gives both services REDIS_SENTINELS and REDIS_MASTER_NAME, and the README shows failover', () => {
      const a = app(env);
      for (const id of SERVICES) {
        const vars = Object.fromEntries((container(a, id).Environment as { Name: string; Value: unknown }[]).map((v) => [v.Name, v.Value]));
        expect(vars.REDIS_SENTINELS).toBe('sentinel-1.ticketing.local:26666,sentinel-2.ticketing.local:26666,sentinel-3.ticketing.local:26666');
        expect(vars.REDIS_MASTER_NAME).toBe('mymaster');
        expect(vars.REDIS_URL).toBeUndefined();
      }
      const readme = a.files.get('README.md') ?? '';
      expect(readme).toContain('## Kvrocks and failover');
      expect(readme).toContain('SENTINEL get-master-addr-by-name mymaster');
    });
  });

  it('has no API Gateway when it is not enabled: the internet-facing load balancer serves the app', () => {
    const a = app(env);
    expect([...a.json.keys()]).not.toContain('Api');
    for (const t of a.json.values()) expect(Object.values((t.Resources ?? {}) as Record<string, CfnResource>).filter((r) => r.Type.startsWith('AWS::ApiGatewayV2::'))).toEqual([]);
    expect(only(a, 'Compute', 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties?.Scheme).toBe('internet-facing');
  });
});

describe('ticketing with API Gateway and a domain, prod', () => {
  let gw: TicketingApp;
  beforeAll(async () => {
    gw = await synthTicketing('prod', (toml) =>
      toml.replace('[deploy.api_gateway]\nenabled = false', '[deploy.api_gateway]\nenabled = true').concat('\n[deploy.domain]\nname = "tickets.example.com"\nhosted_zone_id = "Z0123456789ABCDEFGHIJ"\n'),
    );
  }, 300_000);

  it('synthesizes clean, with exactly the planned resources, outputs and template sizes', () => {
    expect(gw.findings.map((f) => `${f.rule} ${f.path}`)).toEqual([]);
    expect(usageOf(gw)).toEqual([]);
    const c = counts(gw);
    expect(c.templates).toEqual(c.plan);
  });

  it("routes the seed's paths to the internal load balancer through a VPC link", () => {
    const routes = ofType(gw, 'Api', 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.RouteKey as string);
    expect(routes.sort()).toEqual(
      ['ANY /api/booking', 'ANY /api/booking/{proxy+}', 'ANY /api/event', 'ANY /api/event/{proxy+}', 'ANY /api/reservation', 'ANY /api/reservation/{proxy+}', 'ANY /api/user/{proxy+}'].sort(),
    );
    const integration = valueIn(gw, 'Api', only(gw, 'Api', 'AWS::ApiGatewayV2::Integration').Properties) as Record<string, string>;
    expect(integration).toMatchObject({ ConnectionType: 'VPC_LINK', IntegrationType: 'HTTP_PROXY', IntegrationUri: '{{param:/ticketing/prod/compute/load-balancer/listener-arn}}' });
    expect(only(gw, 'Api', 'AWS::ApiGatewayV2::VpcLink').Properties?.SubnetIds).toHaveLength(3);
    const lb = only(gw, 'Compute', 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties ?? {};
    expect(lb.Scheme).toBe('internal');
    const published = ofType(gw, 'Compute', 'AWS::SSM::Parameter').map(([, r]) => r.Properties?.Name);
    expect(published).toContain('/ticketing/prod/compute/load-balancer/listener-arn');
    // The load balancer admits HTTP from inside the VPC only.
    const lbGroup = ofType(gw, 'Network', 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('LoadBalancerSecurityGroup'))?.[1];
    expect(lbGroup?.Properties?.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '10.0.0.0/16', FromPort: 80, ToPort: 80 })]);
  });

  it('throttles the stage, writes access logs, and serves the custom domain', () => {
    const stage = only(gw, 'Api', 'AWS::ApiGatewayV2::Stage').Properties ?? {};
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 10000, ThrottlingBurstLimit: 5000 });
    expect(stage.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] });
    expect(only(gw, 'Api', 'AWS::ApiGatewayV2::DomainName').Properties?.DomainName).toBe('api.tickets.example.com');
    expect(ofType(gw, 'Api', 'AWS::ApiGatewayV2::ApiMapping')).toHaveLength(1);
    expect(only(gw, 'Api', 'AWS::Route53::RecordSet').Properties?.Name).toBe('api.tickets.example.com.');
    expect(ofType(gw, 'Compute', 'AWS::CertificateManager::Certificate')).toHaveLength(0);
    expect(gw.files.get('README.md')).toMatch(/npx cdk deploy Ticketing-prod-Compute Ticketing-prod-Api --exclusively/);
    expect(gw.files.get('README.md')).toContain('50-100 ms more per request');
  });
});
