/**
 * The Compute stack: an ECS cluster, one Fargate service per web service
 * behind the Application Load Balancer (HTTPS when a domain is configured),
 * the worker, the cache, and the secrets the services receive.
 */
import { logGroupName } from '../../lower/index.js';
import type { AwsService } from '../../plan/aws.js';
import { envName, type PlanService, type ServiceVariable } from '../../plan/index.js';
import { InternalError } from '../../diagnostics/index.js';
import { commentBlock, header, ident, jsdoc, lineComment, lit, pascal, propKey, str, tpl } from '../code.js';
import { because, distinct, member, propsInterface, removalPolicy, secretRef, stackSource, type EmitContext, type StackProp, type StackSource } from '../model.js';
import { retention } from './network.js';

interface Wiring {
  /** Variable name → TypeScript expression for its value. */
  readonly values: Map<string, string>;
  /** Secret source reference → construct-building expression (an `ecs.Secret`). */
  readonly secrets: Map<string, string>;
}

/** What each plan variable is in code: a literal, or a reference to a resource in another stack. */
function wiring(ctx: EmitContext): Wiring {
  const a = ctx.plan.aws;
  const values = new Map<string, string>();
  if (a.database) values.set('DATABASE_HOST', 'props.database.clusterEndpoint.hostname');
  for (const b of a.buckets) values.set(`BUCKET_${envName(b.name)}`, `props.${member.bucket(b.name)}.bucketName`);
  for (const q of a.queues) values.set(`QUEUE_${envName(q.name)}_URL`, `props.${member.queue(q.name)}.queueUrl`);
  for (const b of a.buses) values.set(`EVENT_BUS_${envName(b.name)}`, `props.${member.bus(b.name)}.eventBusName`);
  if (a.schedules.length) values.set('SCHEDULE_QUEUE_URL', 'props.scheduleQueue.queueUrl');
  if (a.cache) values.set('REDIS_URL', '`rediss://${cache.attrPrimaryEndPointAddress}:${cache.attrPrimaryEndPointPort}`');
  const secrets = new Map<string, string>();
  secrets.set('database credentials (username)', "ecs.Secret.fromSecretsManager(databaseSecret, 'username')");
  secrets.set('database credentials (password)', "ecs.Secret.fromSecretsManager(databaseSecret, 'password')");
  return { values, secrets };
}

/** The variable holding a secret's `ecs.Secret`: `secretApiKey`. */
function secretVar(s: { env: string }): string {
  return ident(`secret${pascal(s.env.toLowerCase())}`);
}

/** The `environment` and `secrets` of one container, in the plan's order (sorted by name). */
function containerVariables(service: PlanService, w: Wiring, ctx: EmitContext, indent: string): { environment: string; secrets: string } {
  const env: string[] = [];
  const sec: string[] = [];
  const secretsByEnv = new Map(ctx.plan.aws.secrets.map((s) => [s.env, s]));
  const variables = service.variables as readonly ServiceVariable[];
  distinct(`the variables of service ${service.name}`, variables.map((v) => v.name));
  for (const v of variables) {
    if (v.kind === 'value') env.push(`${indent}${propKey(v.name)}: ${w.values.get(v.name) ?? str(v.value)},`);
    else {
      const declared = secretsByEnv.get(v.name);
      const expr = declared ? secretVar(declared) : w.secrets.get(v.from);
      if (!expr) throw new InternalError(`no source for the secret ${JSON.stringify(v.name)} of service ${service.name}`);
      sec.push(`${indent}${propKey(v.name)}: ${expr},`);
    }
  }
  return { environment: env.join('\n'), secrets: sec.join('\n') };
}

function image(s: AwsService, ctx: EmitContext): string {
  if (s.image.kind === 'uri') return `ecs.ContainerImage.fromRegistry(${str(s.image.uri)})`;
  if (s.image.kind === 'asset') {
    return `ecs.ContainerImage.fromAsset(projectRoot, {
        file: ${str(s.image.dockerfile)},
        // The build context is the project; leave out what the image never needs.
        exclude: ${lit([ctx.outDir, '**/node_modules', '**/cdk.out', '.git'].filter((x) => x && x !== '.' && !x.startsWith('..') && !x.startsWith('/')))},
        platform: Platform.LINUX_AMD64,
      })`;
  }
  throw new InternalError('artifact images run on EC2, which this stack does not generate');
}

export function computeStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const a = plan.aws;
  const web = a.services.filter((s) => s.role === 'web');
  const worker = a.services.find((s) => s.role === 'worker');
  const w = wiring(ctx);
  const props: StackProp[] = [
    { field: 'vpc', type: 'ec2.IVpc', doc: 'The VPC (Network stack).', value: 'network.vpc' },
    { field: 'loadBalancerSecurityGroup', type: 'ec2.ISecurityGroup', doc: 'The load balancer tier (Network stack).', value: 'network.loadBalancerSecurityGroup' },
    { field: 'serviceSecurityGroup', type: 'ec2.ISecurityGroup', doc: 'The service tier (Network stack).', value: 'network.serviceSecurityGroup' },
  ];
  if (a.cache) props.push({ field: 'cacheSecurityGroup', type: 'ec2.ISecurityGroup', doc: 'The cache tier (Network stack).', value: 'network.cacheSecurityGroup' });
  if (a.database) props.push({ field: 'database', type: 'rds.DatabaseCluster', doc: 'The Aurora cluster (Data stack).', value: 'data.database' });
  for (const b of a.buckets) props.push({ field: member.bucket(b.name), type: 's3.IBucket', doc: `Bucket ${b.name} (Data stack).`, value: `data.${member.bucket(b.name)}` });
  for (const q of a.queues) props.push({ field: member.queue(q.name), type: 'sqs.IQueue', doc: `Queue ${q.name} (Messaging stack).`, value: `messaging.${member.queue(q.name)}` });
  for (const b of a.buses) props.push({ field: member.bus(b.name), type: 'events.IEventBus', doc: `Event bus ${b.name} (Messaging stack).`, value: `messaging.${member.bus(b.name)}` });
  for (const e of a.emailIdentities) props.push({ field: member.email(e.name), type: 'ses.IEmailIdentity', doc: `Email identity ${e.name} (Messaging stack).`, value: `messaging.${member.email(e.name)}` });
  if (a.schedules.length) props.push({ field: 'scheduleQueue', type: 'sqs.IQueue', doc: 'The queue the schedules send to (Messaging stack).', value: 'messaging.scheduleQueue' });

  const members: string[] = [
    '  /** The ECS cluster every service runs in. */',
    '  readonly cluster: ecs.Cluster;',
    '  /** The internet-facing Application Load Balancer. */',
    '  readonly loadBalancer: elbv2.ApplicationLoadBalancer;',
    '  /** The log group of every container. */',
    '  readonly logGroup: logs.LogGroup;',
  ];
  for (const s of web) {
    members.push(jsdoc(`Web service ${s.name}.`, '  '), `  readonly ${member.service(s.name)}: ecs.FargateService;`);
    members.push(jsdoc(`The load balancer's targets for ${s.name}.`, '  '), `  readonly ${member.service(s.name)}Targets: elbv2.ApplicationTargetGroup;`);
  }
  distinct('Compute stack members', ['cluster', 'loadBalancer', 'logGroup', ...web.flatMap((s) => [member.service(s.name), `${member.service(s.name)}Targets`]), ...(worker ? ['worker'] : [])]);
  distinct('Compute stack props', props.map((p) => p.field));
  distinct('Compute stack secrets', a.secrets.map(secretVar));
  // Construct IDs made from names, with the fixed ones they could meet (a service named `logs` is `ServiceLogs`).
  distinct('Compute stack construct IDs', [
    ...['Cluster', 'ServiceLogs', 'TaskRole', 'LoadBalancer', 'LoadBalancerLogs', 'Certificate', 'Zone', 'DnsRecord', 'Cache', 'CacheSubnets', 'Worker', 'WorkerTask'],
    ...web.flatMap((s) => [`Service${pascal(s.name)}`, `Service${pascal(s.name)}Task`, `Service${pascal(s.name)}Targets`]),
    ...a.secrets.map((s) => `Secret${pascal(s.env.toLowerCase())}`),
  ]);
  if (worker) members.push('  /** The worker: queues, schedules and async transactions. */', '  readonly worker: ecs.FargateService;');

  const body: string[] = [];
  const isProd = a.environment === 'prod';
  body.push(`    // The cluster, with Container Insights for per-service CPU, memory and task metrics.
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    // One log group for every container; each service writes its own streams.
    this.logGroup = new logs.LogGroup(this, 'ServiceLogs', {
      logGroupName: ${str(logGroupName(a.app, a.environment, 'services'))},
      retention: ${retention(a.observability.logRetentionDays)},
      removalPolicy: ${isProd ? 'RemovalPolicy.RETAIN' : 'RemovalPolicy.DESTROY'},
    });`);

  if (web.some((s) => s.image.kind === 'asset') || worker?.image.kind === 'asset') {
    body.push(`    // Images are built from the project's Dockerfile by \`cdk deploy\` (CDK pushes them to the
    // bootstrap ECR repository), so the first deploy needs nothing pushed by hand.
    const projectRoot = path.join(__dirname, '..', ${str(ctx.projectFromOut)});`);
  }

  // Secrets
  if (a.database) {
    body.push(`    // Database credentials, generated by the Data stack in Secrets Manager; passed only as ECS secrets.
    const databaseSecret = props.database.secret;
    if (!databaseSecret) throw new Error('the database has no generated credentials secret');`);
  }
  if (a.secrets.length) {
    const lines = a.secrets.map((s) => {
      const v = secretVar(s);
      const id = `Secret${pascal(s.env.toLowerCase())}`;
      if (s.from.kind === 'create') {
        return `${lineComment(`${s.env}: created here; set its value in Secrets Manager (${s.from.name}) before the services need it.`, '    ')}
    const ${v} = ecs.Secret.fromSecretsManager(
      new secretsmanager.Secret(this, ${str(id)}, {
        secretName: ${str(s.from.name)},
        description: ${str(`${s.env} for ${a.app} (${a.environment}), read by the services`)},
        removalPolicy: ${isProd ? 'RemovalPolicy.RETAIN' : 'RemovalPolicy.DESTROY'},
      }),
    );
    Validations.of(this.node.findChild(${str(id)})).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'An application secret supplied by its owner (an API key or similar); it is rotated where it is issued, not by a Lambda here.',
    });`;
      }
      // The execution role gets read access to exactly this parameter or secret (ECS grants it from the reference).
      const ref = secretRef(s.from.ref);
      if (ref.service === 'ssm' && ref.arn !== null) {
        return `${lineComment(`${s.env} from SSM Parameter Store (SecureString), by ARN, as [deploy.secrets] says.`, '    ')}
    const ${v} = new ParameterByArn(${str(ref.arn)});`;
      }
      if (ref.service === 'ssm') {
        return `${lineComment(`${s.env} from SSM Parameter Store (SecureString), as [deploy.secrets] says.`, '    ')}
    const ${v} = ecs.Secret.fromSsmParameter(
      ssm.StringParameter.fromSecureStringParameterAttributes(this, ${str(id)}, { parameterName: ${str(ref.name)} }),
    );`;
      }
      const secret = ref.arn === null ? `secretsmanager.Secret.fromSecretNameV2(this, ${str(id)}, ${str(ref.name)})` : `secretsmanager.Secret.fromSecretCompleteArn(this, ${str(id)}, ${str(ref.arn)})`;
      return `${lineComment(`${s.env} from Secrets Manager${ref.arn === null ? '' : ', by ARN'}${ref.jsonKey === null ? '' : `, the key ${ref.jsonKey} of its JSON value`}, as [deploy.secrets] says.`, '    ')}
    const ${v} = ecs.Secret.fromSecretsManager(${secret}${ref.jsonKey === null ? '' : `, ${str(ref.jsonKey)}`});`;
    });
    body.push(`${commentBlock('Secrets the services receive as ECS secrets (never as plain environment variables).', because(plan, 'Compute', 'Secrets'), projectRoot, '    ')}\n${lines.join('\n')}`);
  }

  if (a.cache) {
    const c = a.cache;
    const nodes = 1 + c.replicas;
    body.push(`${commentBlock(`ElastiCache ${c.engine}: ${nodes} node${nodes === 1 ? '' : 's'} of ${c.nodeType} in the isolated subnets, encrypted at rest and in transit.`, because(plan, 'Compute', 'Cache'), projectRoot, '    ')}
    const cacheSubnets = new elasticache.CfnSubnetGroup(this, 'CacheSubnets', {
      description: ${str(`Isolated subnets for the ${a.app} cache`)},
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const cache = new elasticache.CfnReplicationGroup(this, 'Cache', {
      replicationGroupDescription: ${str(`${a.app} ${a.environment} cache`)},
      engine: ${str(c.engine)},
      cacheNodeType: ${str(c.nodeType)},
      numCacheClusters: ${lit(nodes)},
      automaticFailoverEnabled: ${lit(nodes > 1)},
      multiAzEnabled: ${lit(nodes > 1)},
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      cacheSubnetGroupName: cacheSubnets.ref,
      securityGroupIds: [props.cacheSecurityGroup.securityGroupId],
      snapshotRetentionLimit: ${isProd ? 7 : 0},
    });
    cache.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Validations.of(cache).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason: 'The default port is reachable only from the service security group inside the VPC; a different port adds no protection.',
    });
    Validations.of(cache).acknowledge({
      id: 'AwsSolutions-AEC6',
      reason: 'Reachable only from the service security group, over TLS; the cache holds no data that is not also in the database.',
    });${
      nodes > 1
        ? ''
        : `
    Validations.of(cache).acknowledge({
      id: 'AwsSolutions-AEC4',
      reason: 'One node in this environment (deploy.cache.replicas = 0): a cache outage degrades latency, not correctness.',
    });`
    }`);
  }

  // The task role: exactly what the services use.
  const grants: string[] = [];
  for (const b of a.buckets) {
    // Named, not referenced: the bucket's name is fixed at generation (see the Data stack), so the
    // object wildcard below can be acknowledged by its exact resource.
    const arn = `arn:\${this.partition}:s3:::${tpl(b.namePrefix)}-\${this.account}-\${this.region}`;
    grants.push(`${lineComment(`Bucket ${b.name}: read, write and delete objects; list the bucket.`, '    ')}
    taskRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [\`${arn}/*\`] }));
    taskRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [\`${arn}\`] }));
    Validations.of(taskRole).acknowledge({
      id: ${str(`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${b.namePrefix}-<AWS::AccountId>-${a.region}/*]`)},
      reason: ${str(`Object access is by key, so it needs bucket/*; the bucket is this app's own ${b.name} bucket.`)},
    });`);
  }
  for (const q of a.queues) grants.push(`    props.${member.queue(q.name)}.grantSendMessages(taskRole);\n    props.${member.queue(q.name)}.grantConsumeMessages(taskRole);`);
  if (a.schedules.length) grants.push('    props.scheduleQueue.grantConsumeMessages(taskRole);');
  for (const b of a.buses) grants.push(`    props.${member.bus(b.name)}.grantPutEventsTo(taskRole);`);
  for (const e of a.emailIdentities) grants.push(`    props.${member.email(e.name)}.grantSendEmail(taskRole);`);
  if (a.tigerbeetle) {
    const t = a.tigerbeetle;
    const names = [...t.nodes.map((n) => `${t.parameterPrefix}/nodes/${n.index}`), `${t.parameterPrefix}/cluster_id`, `${t.parameterPrefix}/replica_count`];
    grants.push(`    // The TigerBeetle cluster parameters (the addresses are also in TIGERBEETLE_ADDRESSES).
    taskRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter', 'ssm:GetParameters'],
        resources: ${lit(names)}.map((name) => \`arn:\${this.partition}:ssm:\${this.region}:\${this.account}:parameter\${name}\`),
      }),
    );`);
  }
  body.push(`    // The role the app's code runs with: exactly the queues, buckets, buses and parameters it is given.
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: ${str(`Role of the ${a.app} (${a.environment}) containers`)},
    });${grants.length ? `\n${grants.join('\n')}` : ''}`);

  // Load balancer
  const lb = a.loadBalancer;
  const lbLines: string[] = [];
  lbLines.push(`${commentBlock(lb.https ? `Application Load Balancer: HTTPS at ${lb.domain} with an ACM certificate; HTTP redirects to HTTPS.` : 'Application Load Balancer on HTTP (set [deploy.domain] name for HTTPS with a certificate).', because(plan, 'Compute', 'LoadBalancer'), projectRoot, '    ')}
    const accessLogs = new s3.Bucket(this, 'LoadBalancerLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: ${removalPolicy(isProd ? 'retain' : 'destroy')},${isProd ? '' : '\n      autoDeleteObjects: true,'}
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the load balancer access logs; logging access to it would only log the log writes.',
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: props.loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(accessLogs);`);
  if (lb.https) {
    const zoneId = lb.hostedZoneId;
    const zoneName = lb.hostedZone;
    if (zoneId) {
      lbLines.push(`    // The hosted zone (deploy.domain.hosted_zone_id) validates the certificate and holds the alias record.
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: ${str(zoneId)}, zoneName: ${str(zoneName)} });`);
    }
    lbLines.push(
      lb.certificateArn
        ? `    const certificate = acm.Certificate.fromCertificateArn(this, 'Certificate', ${str(lb.certificateArn)});`
        : `    // A DNS-validated certificate.${zoneId ? '' : ' Without deploy.domain.hosted_zone_id, add the validation\n    // CNAME that ACM shows to your DNS while the first deploy waits.'}
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: ${str(lb.domain)},
      validation: acm.CertificateValidation.fromDns(${zoneId ? 'zone' : ''}),
    });`,
    );
    lbLines.push(`    const listener = this.loadBalancer.addListener('Https', {
      port: 443,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      // Ingress is in the Network stack's load balancer security group.
      open: false,
    });
    this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });`);
    if (zoneId) {
      lbLines.push(`    new route53.ARecord(this, 'DnsRecord', {
      zone,
      recordName: ${str(lb.domain)},
      target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(this.loadBalancer)),
    });`);
    }
  } else {
    lbLines.push(`    const listener = this.loadBalancer.addListener('Http', {
      port: 80,
      // Ingress is in the Network stack's load balancer security group.
      open: false,
    });`);
  }
  body.push(lbLines.join('\n'));

  // Services
  const serviceBlock = (s: AwsService, role: 'web' | 'worker'): string => {
    const id = s.id;
    const field = role === 'web' ? member.service(s.name) : 'worker';
    const planService = plan.services.find((p) => p.name === s.name && (p.role === role || (role === 'web' && p.role === 'web'))) as PlanService;
    const vars = containerVariables(planService, w, ctx, '        ');
    const st = s.settings;
    const lines = [
      `${commentBlock(role === 'web' ? `Fargate service ${s.name}: ${st.cpu} CPU units, ${st.memory} MiB, ${st.desired_count} task${st.desired_count === 1 ? '' : 's'} (autoscaling ${st.min_count}-${st.max_count} at ${st.cpu_target}% CPU).` : `The worker: ${st.cpu} CPU units, ${st.memory} MiB, one task.`, because(plan, 'Compute', id), projectRoot, '    ')}
    const ${field}Task = new ecs.FargateTaskDefinition(this, ${str(`${id}Task`)}, {
      cpu: ${lit(st.cpu)},
      memoryLimitMiB: ${lit(st.memory)},
      taskRole,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    ${field}Task.addContainer('App', {
      image: ${image(s, ctx)},
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: ${str(s.logStreamPrefix)} }),${role === 'web' ? `\n      portMappings: [{ containerPort: ${lit(st.port)} }],` : ''}
      environment: {
${vars.environment}
      },${vars.secrets ? `\n      secrets: {\n${vars.secrets}\n      },` : ''}
    });
    Validations.of(${field}Task).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The execution role\\'s ecr:GetAuthorizationToken has no resource-level permissions; image pulls and logs are scoped by CDK.',
    });
    Validations.of(${field}Task).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Only non-secret settings (names, endpoints, the ledger addresses) are plain environment variables; every secret is an ECS secret.',
    });
    this.${field} = new ecs.FargateService(this, ${str(id)}, {
      cluster: this.cluster,
      taskDefinition: ${field}Task,
      desiredCount: ${lit(st.desired_count)},
      securityGroups: [props.serviceSecurityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      // A deployment that does not become healthy is rolled back automatically.
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,${role === 'web' ? '\n      healthCheckGracePeriod: Duration.seconds(60),' : ''}
    });`,
    ];
    if (role === 'web') {
      lines.push(`    this.${field}Targets = new elbv2.ApplicationTargetGroup(this, ${str(`${id}Targets`)}, {
      vpc: props.vpc,
      port: ${lit(st.port)},
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [this.${field}],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: ${str(st.health_check_path)}, healthyHttpCodes: '200-399', interval: Duration.seconds(15) },
    });
    const ${field}Scaling = this.${field}.autoScaleTaskCount({ minCapacity: ${lit(st.min_count)}, maxCapacity: ${lit(st.max_count)} });
    ${field}Scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: ${lit(st.cpu_target)} });`);
    }
    return lines.join('\n');
  };
  for (const s of web) body.push(serviceBlock(s, 'web'));
  // Routing: the first web service (by name) is the default; the others by their paths.
  const [first, ...rest] = web;
  const routes: string[] = [];
  if (first) routes.push(`    listener.addTargetGroups('Default', { targetGroups: [this.${member.service(first.name)}Targets] });`);
  rest.forEach((s, i) => {
    const paths = s.settings.paths.length ? s.settings.paths : [`/${s.name}/*`];
    routes.push(`    listener.addTargetGroups(${str(`Route${pascal(s.name)}`)}, {
      priority: ${lit((i + 1) * 10)},
      conditions: [elbv2.ListenerCondition.pathPatterns(${lit(paths)})],
      targetGroups: [this.${member.service(s.name)}Targets],
    });`);
  });
  if (routes.length) body.push(`${lineComment(`Routing: ${first?.name} is the default target${rest.length ? '; the others by path' : ''}.`, '    ')}\n${routes.join('\n')}`);
  if (worker) body.push(serviceBlock(worker, 'worker'));

  const usesAsset = a.services.some((s) => s.image.kind === 'asset');
  const references = a.secrets.flatMap((s) => (s.from.kind === 'reference' ? [secretRef(s.from.ref)] : []));
  const byArn = references.some((r) => r.service === 'ssm' && r.arn !== null)
    ? `
/**
 * An SSM parameter named by its ARN (in this or another account or region): ECS reads it by that
 * ARN, and the task execution role may read exactly that parameter.
 */
class ParameterByArn extends ecs.Secret {
  readonly hasField = false;

  constructor(readonly arn: string) {
    super();
  }

  grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
      resourceArns: [this.arn],
    });
  }
}
`
    : '';
  const imports = [
    `import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';`,
    lb.https ? `import * as acm from 'aws-cdk-lib/aws-certificatemanager';` : '',
    `import * as ec2 from 'aws-cdk-lib/aws-ec2';`,
    usesAsset ? `import { Platform } from 'aws-cdk-lib/aws-ecr-assets';` : '',
    `import * as ecs from 'aws-cdk-lib/aws-ecs';`,
    a.cache ? `import * as elasticache from 'aws-cdk-lib/aws-elasticache';` : '',
    `import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';`,
    a.buses.length ? `import type * as events from 'aws-cdk-lib/aws-events';` : '',
    `import * as iam from 'aws-cdk-lib/aws-iam';`,
    `import * as logs from 'aws-cdk-lib/aws-logs';`,
    a.database ? `import type * as rds from 'aws-cdk-lib/aws-rds';` : '',
    lb.https && lb.hostedZoneId ? `import * as route53 from 'aws-cdk-lib/aws-route53';\nimport * as route53targets from 'aws-cdk-lib/aws-route53-targets';` : '',
    `import * as s3 from 'aws-cdk-lib/aws-s3';`,
    a.secrets.length ? `import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';` : '',
    a.emailIdentities.length ? `import type * as ses from 'aws-cdk-lib/aws-ses';` : '',
    a.queues.length || a.schedules.length ? `import type * as sqs from 'aws-cdk-lib/aws-sqs';` : '',
    references.some((r) => r.service === 'ssm' && r.arn === null) ? `import * as ssm from 'aws-cdk-lib/aws-ssm';` : '',
    `import type { Construct } from 'constructs';`,
    usesAsset ? `import * as path from 'node:path';` : '',
  ].filter(Boolean);

  const source = `${header('Compute stack: ECS Fargate services behind the load balancer, the worker, the cache and the secrets.', plan.app, plan.environment)}
${imports.join('\n')}

${propsInterface('ComputeStack', props)}
${byArn}
export class ComputeStack extends Stack {
${members.join('\n')}

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);

${body.join('\n\n')}
  }
}
`;
  return stackSource('Compute', props, source);
}
