/**
 * The Compute stack: an ECS cluster, one Fargate service per web service
 * behind the Application Load Balancer (HTTPS when a domain is configured),
 * the worker, the cache, the secrets the services receive, each service's own
 * task role, and the alarms on the services and the load balancer.
 *
 * It imports no other stack's constructs: the VPC and security groups, the
 * database endpoints and secret and the Data stack's creation id come from SSM
 * parameters read when it deploys; queues, buses, email identities and the
 * TigerBeetle parameters are named by their fixed names (lib/wiring.ts).
 */
import type { AwsService } from '../../plan/aws.js';
import { bucketNamePrefixes, busNamePrefixes, queueNamePrefixes } from '../../lower/index.js';
import { bucketStacks, envName, furtherComputeStacks, hasGrants, LIMITS, num, stackFamily, type AlarmMetric, type AwsAlarm, type PlanService, type ServiceVariable, type StackName } from '../../plan/index.js';
import { InternalError } from '../../diagnostics/index.js';
import { IMAGE_TAG_CONTEXT } from '../../plan/index.js';
import { alarmCode, duration, metricOptions, TASKS_BELOW_DESIRED } from '../alarms.js';
import { commentBlock, header, ident, jsdoc, lineComment, lit, pascal, propKey, str, tpl, wrappedComment } from '../code.js';
import { because, distinct, member, propsInterface, removalPolicy, secretRef, stackSource, type EmitContext, type StackSource } from '../model.js';
import { apiListenerParameter } from './api-gateway.js';
import { cloudMapOptions, namespaceImport, namespaceRead } from './discovery.js';
import { ALLOW_KAFKA, kafkaGrantLines, kafkaReads, kafkaVariableValues } from './kafka.js';
import { retention } from './network.js';

interface Wiring {
  /** Variable name → TypeScript expression for its value. */
  readonly values: Map<string, string>;
  /** Secret source (as the plan names it) → the `ecs.Secret` expression. */
  readonly secrets: Map<string, string>;
  /** A [deploy.secrets] (or created) secret's variable name → its `ecs.Secret` variable. */
  readonly declared: Map<string, string>;
}

/** The variable holding a secret's `ecs.Secret`: `secretApiKey`. */
function secretVar(s: { env: string }): string {
  return ident(`secret${pascal(s.env.toLowerCase())}`);
}

/** What each plan variable is in code: a literal, a name built here, or a value read when the stack deploys. */
function wiring(ctx: EmitContext, first: boolean): Wiring {
  const a = ctx.plan.aws;
  const values = new Map<string, string>();
  const db = a.database;
  if (db) {
    values.set('DATABASE_HOST', 'databaseHost');
    values.set('DATABASE_URL', `\`postgresql://${tpl(db.masterUser)}@\${databaseHost}:5432/${tpl(db.databaseName)}?sslmode=require\``);
    if (db.readers > 0) {
      values.set('DATABASE_READER_HOST', 'databaseReaderHost');
      values.set('DATABASE_WRITER_URL', values.get('DATABASE_URL') as string);
      values.set('DATABASE_READER_URL', `\`postgresql://${tpl(db.masterUser)}@\${databaseReaderHost}:5432/${tpl(db.databaseName)}?sslmode=require\``);
    }
  }
  for (const b of a.buckets) values.set(`BUCKET_${envName(b.name)}`, `bucketName(this, NAMES.buckets[${str(b.name)}])`);
  for (const q of a.queues) values.set(`QUEUE_${envName(q.name)}_URL`, `queueUrl(NAMES.queues[${str(q.name)}].queue)`);
  for (const b of a.buses.filter((x) => x.kind === 'eventbridge')) values.set(`EVENT_BUS_${envName(b.name)}`, `NAMES.buses[${str(b.name)}]`);
  for (const e of a.emailIdentities) if (e.identity !== null) values.set(`EMAIL_${envName(e.name)}_FROM`, `NAMES.emailIdentities[${str(e.name)}]`);
  if (a.scheduleQueue) values.set('SCHEDULE_QUEUE_URL', 'queueUrl(NAMES.scheduleQueue.queue)');
  for (const [name, expr] of kafkaVariableValues(ctx)) values.set(name, expr);
  if (a.cache) values.set('REDIS_URL', first ? 'redisUrl' : 'deployTimeValue(this, PARAMETERS.compute.redisUrl)');
  const secrets = new Map<string, string>();
  if (db?.credentials.kind === 'generated') {
    secrets.set('database credentials (username)', "ecs.Secret.fromSecretsManager(databaseSecret, 'username')");
    secrets.set('database credentials (password)', "ecs.Secret.fromSecretsManager(databaseSecret, 'password')");
  }
  // A reference another variable shares (PGPASSWORD reads the database_password reference).
  for (const s of a.secrets) if (s.from.kind === 'reference') secrets.set(s.from.ref, secretVar(s));
  return { values, secrets, declared: new Map(a.secrets.map((s) => [s.env, secretVar(s)])) };
}

/** The `environment` and `secrets` of one container, in the plan's order (sorted by name). */
function containerVariables(service: PlanService, w: Wiring, indent: string): { environment: string; secrets: string } {
  const env: string[] = [];
  const sec: string[] = [];
  const variables = service.variables as readonly ServiceVariable[];
  const file = new Set(service.environmentFile?.variables ?? []);
  distinct(`the variables of service ${service.name}`, variables.map((v) => v.name));
  for (const v of variables) {
    // In the stack's environment file (environmentFileLines), under the same name.
    if (file.has(v.name)) continue;
    if (v.kind === 'value') env.push(`${indent}${propKey(v.name)}: ${w.values.get(v.name) ?? str(v.value)},`);
    else {
      const expr = w.declared.get(v.name) ?? w.secrets.get(v.from);
      if (!expr) throw new InternalError(`no source for the secret ${JSON.stringify(v.name)} of service ${service.name}`);
      sec.push(`${indent}${propKey(v.name)}: ${expr},`);
    }
  }
  return { environment: env.join('\n'), secrets: sec.join('\n') };
}

/**
 * The environment file of a Compute stack whose services take their per-resource variables from
 * one: the private bucket, and the object written when the stack deploys, with every variable the
 * stack's services receive from it (they receive the same ones), in name order.
 */
function environmentFileLines(services: readonly PlanService[], w: Wiring): string | undefined {
  const names = [...new Set(services.flatMap((s) => s.environmentFile?.variables ?? []))].sort();
  if (!names.length) return undefined;
  const values = new Map(services.flatMap((s) => s.variables).flatMap((v) => (v.kind === 'value' ? [[v.name, v.value] as const] : [])));
  const file = services.find((s) => s.environmentFile)?.environmentFile;
  return `${wrappedComment(`Inline, the queue URLs, bucket and bus names would make a task definition of about ${num(file?.inlineBytes ?? 0)} bytes (more than ${num(file?.threshold ?? 0)}; ECS refuses one over ${num(LIMITS.taskDefinitionBytes)}): the services receive them, under the same names, from an environment file this stack writes to its own private bucket when it deploys.`, '    ')}
    const environmentFiles = new s3.Bucket(this, 'EnvironmentFiles', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The file is the only object, and deleting the stack deletes it first: an empty bucket.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(environmentFiles).acknowledge({
      id: 'AwsSolutions-S1',
      reason: "This bucket holds only the services' environment file, written by this stack and read by their execution roles; logging access to it would log only those reads.",
    });
    const environmentFile = writeEnvironmentFile(this, environmentFiles, {
${names.map((n) => `      ${propKey(n)}: ${w.values.get(n) ?? str(values.get(n) ?? '')},`).join('\n')}
    });`;
}

function image(s: AwsService, ctx: EmitContext): string {
  if (s.image.kind === 'uri') return `ecs.ContainerImage.fromRegistry(${str(s.image.uri)})`;
  if (s.image.kind === 'asset') {
    const dockerfile = s.image.dockerfile;
    const build = ctx.plan.aws.images?.builds.find((b) => b.dockerfile === dockerfile);
    if (!build) throw new InternalError(`no image build for ${dockerfile}`);
    // The image the workflow pushed, when the deploy names its tag; else built here by cdk deploy.
    return `pushedImage(this, ${str(build.tagSuffix)}) ??
        ecs.ContainerImage.fromAsset(projectRoot, {
        file: ${str(s.image.dockerfile)},
        // The build context is the project; leave out what the image never needs.
        exclude: ${lit([ctx.outDir, '**/node_modules', '**/cdk.out', '.git'].filter((x) => x && x !== '.' && !x.startsWith('..') && !x.startsWith('/')))},
        platform: Platform.LINUX_AMD64,
      })`;
  }
  throw new InternalError('artifact images run on EC2, which this stack does not generate');
}

/** The variable of a service's construct in the constructor (`serviceWeb`, `worker`). */
function fieldOf(s: AwsService): string {
  return s.role === 'web' ? member.service(s.name) : 'worker';
}

/**
 * The statements of one service's task role, as the plan made them: each resource by its ARN, or
 * (when listing them would pass the policy size at which aws-cdk-lib moves statements into
 * managed policies) the app's queues, buckets or buses by the prefix of their names.
 */
function grantLines(a: EmitContext['plan']['aws'], s: AwsService, role: string): string[] {
  const kinds = new Set(s.policy.statements.map((x) => x.kind));
  const n = s.policy.naming;
  const out: string[] = [];
  const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
  if (kinds.has('objects')) {
    const buckets =
      n.buckets === 'list'
        ? a.buckets.map((b) => `bucketName(this, NAMES.buckets[${str(b.name)}])`)
        : bucketStacks(a).flatMap((stack) => bucketNamePrefixes(a.app, a.environment, a.buckets.filter((b) => b.stack === stack).map((b) => b.name)).map((prefix) => `bucketNamePattern(this, { prefix: ${str(prefix)}, stack: ${str(stack)} })`));
    out.push(`    allowObjects(${role}, ${list(buckets)}, ${str(n.buckets)});`);
  }
  const queues = (names: readonly string[]) => (n.queues === 'list' ? names.map((q) => `queueArn(this, ${q})`) : queueNamePrefixes(a.app, a.environment, a.queues.map((q) => q.name)).map((p) => `queueArn(this, ${str(`${p}*`)})`));
  if (kinds.has('send')) out.push(`    allowSend(${role}, ${list(queues(a.queues.map((q) => `NAMES.queues[${str(q.name)}].queue`)))}${n.queues === 'prefix' ? ", 'prefix'" : ''});`);
  if (kinds.has('consume')) {
    const consumed = [...(s.grants.consumeQueues ? a.queues.map((q) => `NAMES.queues[${str(q.name)}].queue`) : []), ...(s.grants.consumeSchedules ? ['NAMES.scheduleQueue.queue'] : [])];
    out.push(`    allowConsume(${role}, ${list(queues(consumed))}${n.queues === 'prefix' ? ", 'prefix'" : ''});`);
  }
  if (kinds.has('events')) {
    const buses = n.buses === 'list' ? a.buses.filter((b) => b.kind === 'eventbridge').map((b) => `NAMES.buses[${str(b.name)}]`) : busNamePrefixes(a.app, a.environment, a.buses.map((b) => b.name)).map((p) => str(`${p}*`));
    out.push(`    allowPutEvents(${role}, ${list(buses.map((b) => `this.formatArn({ service: 'events', resource: 'event-bus', resourceName: ${b} })`))}${n.buses === 'prefix' ? ", 'prefix'" : ''});`);
  }
  if (kinds.has('email')) out.push(`    allowSendEmail(${role}, ${list(a.emailIdentities.flatMap((e) => (e.identity === null ? [] : [`this.formatArn({ service: 'ses', resource: 'identity', resourceName: NAMES.emailIdentities[${str(e.name)}] })`])))});`);
  if (kinds.has('parameters')) out.push(`    allowParameters(${role}, tigerBeetleParameters.map((name) => parameterArn(this, name)));`);
  if (kinds.has('kafka-topics')) out.push(...kafkaGrantLines(a, s, role));
  return out;
}

/** Why a statement may name resources by prefix (cdk-nag's acknowledgement of the wildcard). */
const PREFIX_REASON: Readonly<Record<'bucket' | 'queue' | 'bus', string>> = {
  bucket:
    "Listing every bucket by ARN would pass the policy size at which aws-cdk-lib moves statements into managed policies (at most 10 per role). The pattern is <app>-<env>-*-<creation id>: the naming rules give every bucket of this app in this environment that prefix, and the creation id of the Data stack that makes it, so it names that stack's buckets and no other's.",
  queue:
    "Listing every queue by ARN would pass the policy size at which aws-cdk-lib moves statements into managed policies (at most 10 per role). The pattern is <app>-<env>-*: the naming rules give every queue of this app in this environment that prefix, so it names this app's queues (their dead-letter queues and the schedule queue too) and no other's.",
  bus: "Listing every event bus by ARN would pass the policy size at which aws-cdk-lib moves statements into managed policies (at most 10 per role). The pattern is <app>-<env>-*: the naming rules give every bus of this app in this environment that prefix, so it names this app's buses and no other's.",
};

/** Module-level helpers of the generated file: one IAM statement per kind of access. */
const GRANT_HELPERS: Readonly<Record<string, string>> = {
  allowObjects: `/**
 * Read, write and delete objects in these buckets, and list them: each bucket by its name, or
 * (\`prefix\`) by a pattern of the names of the buckets of one Data stack.
 */
function allowObjects(role: iam.Role, buckets: readonly string[], naming: 'list' | 'prefix'): void {
  const stack = Stack.of(role);
  const arns = buckets.map((bucket) => \`arn:\${stack.partition}:s3:::\${bucket}\`);
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: arns.map((arn) => \`\${arn}/*\`) }));
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: arns }));
  for (const arn of arns) {
    Validations.of(role).acknowledge({
      id: \`AwsSolutions-IAM5[Resource::\${nagResource(stack, \`\${arn}/*\`)}]\`,
      reason: 'Object access is by key, so it needs bucket/*; the bucket is one of this app\\'s own buckets, named by the Data stack.',
    });
    if (naming === 'prefix') {
      Validations.of(role).acknowledge({
        id: \`AwsSolutions-IAM5[Resource::\${nagResource(stack, arn)}]\`,
        reason: ${str(PREFIX_REASON.bucket)},
      });
    }
  }
}`,
  allowSend: `/** Send messages to these queues (their ARNs, or \`prefix\`: patterns of the app's queue names). */
function allowSend(role: iam.Role, queues: readonly string[], naming: 'list' | 'prefix' = 'list'): void {
  role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [...queues] }));
  if (naming === 'prefix') acknowledgePatterns(role, queues, ${str(PREFIX_REASON.queue)});
}`,
  allowConsume: `/** Receive, and delete, the messages of these queues (their ARNs, or \`prefix\`: patterns of the app's queue names). */
function allowConsume(role: iam.Role, queues: readonly string[], naming: 'list' | 'prefix' = 'list'): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: [...queues],
    }),
  );
  if (naming === 'prefix') acknowledgePatterns(role, queues, ${str(PREFIX_REASON.queue)});
}`,
  allowPutEvents: `/** Put events on these buses (their ARNs, or \`prefix\`: patterns of the app's bus names). */
function allowPutEvents(role: iam.Role, buses: readonly string[], naming: 'list' | 'prefix' = 'list'): void {
  role.addToPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [...buses] }));
  if (naming === 'prefix') acknowledgePatterns(role, buses, ${str(PREFIX_REASON.bus)});
}`,
  allowSendEmail: `/** Send email from these SES identities. */
function allowSendEmail(role: iam.Role, identities: readonly string[]): void {
  role.addToPolicy(new iam.PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendRawEmail'], resources: [...identities] }));
}`,
  allowKafka: ALLOW_KAFKA,
  allowParameters: `/** Read these SSM parameters. */
function allowParameters(role: iam.Role, parameters: readonly string[]): void {
  role.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: [...parameters] }));
}`,
  acknowledgePatterns: `/** cdk-nag finds the wildcard of each name-prefix pattern: it is acknowledged with its reason. */
function acknowledgePatterns(role: iam.Role, arns: readonly string[], reason: string): void {
  for (const arn of arns) Validations.of(role).acknowledge({ id: \`AwsSolutions-IAM5[Resource::\${nagResource(Stack.of(role), arn)}]\`, reason });
}`,
};

/** The helpers a set of grant lines calls (and the helpers they call). */
function helpersUsed(lines: readonly string[]): string[] {
  const used = Object.keys(GRANT_HELPERS).filter((name) => lines.some((l) => l.includes(`${name}(`)));
  // The queue and bus helpers acknowledge their patterns through it.
  if (used.some((h) => h === 'allowSend' || h === 'allowConsume' || h === 'allowPutEvents')) used.push('acknowledgePatterns');
  return used;
}

/**
 * The Compute stack `name`. The first one (`Compute`) has the cluster, the log group, the load
 * balancer, the worker, the cache and the created secrets; further ones (`Compute2`…, when one
 * stack would pass CloudFormation's limits) run web services of their own on them, read from the
 * SSM parameters the first one publishes. Each stack owns its services' task roles and alarms.
 */
export function computeStack(ctx: EmitContext, name: StackName = 'Compute'): StackSource {
  const { plan, projectRoot } = ctx;
  const a = plan.aws;
  if (stackFamily(name) !== 'Compute') throw new InternalError(`the Compute stack renderer was asked for ${name}`);
  const first = name === 'Compute';
  const className = `${name}Stack`;
  const allWeb = a.services.filter((s) => s.role === 'web');
  const web = allWeb.filter((s) => s.stack === name);
  const worker = first ? a.services.find((s) => s.role === 'worker') : undefined;
  const fargate = [...web, ...(worker ? [worker] : [])].filter((s) => s.runtime === 'fargate');
  const further = furtherComputeStacks(a);
  const w = wiring(ctx, first);
  const db = a.database;
  const cluster = first ? 'this.cluster' : 'cluster';
  const logGroup = first ? 'this.logGroup' : 'logGroup';
  // The load balancer's default target: the first web service of the first Compute stack.
  const defaultService = allWeb.find((s) => s.stack === 'Compute');

  const members: string[] = first
    ? [
        '  /** The ECS cluster every service runs in. */',
        '  readonly cluster: ecs.Cluster;',
        '  /** The internet-facing Application Load Balancer. */',
        '  readonly loadBalancer: elbv2.ApplicationLoadBalancer;',
        '  /** The log group of every container. */',
        '  readonly logGroup: logs.LogGroup;',
      ]
    : [];
  for (const s of web) {
    members.push(jsdoc(`Web service ${s.name}.`, '  '), `  readonly ${member.service(s.name)}: ecs.FargateService;`);
    members.push(jsdoc(`The load balancer's targets for ${s.name}.`, '  '), `  readonly ${member.service(s.name)}Targets: elbv2.ApplicationTargetGroup;`);
  }
  if (worker) members.push('  /** The worker: queues, schedules and async transactions. */', '  readonly worker: ecs.FargateService;');
  distinct(`${name} stack members`, [...(first ? ['cluster', 'loadBalancer', 'logGroup'] : []), ...web.flatMap((s) => [member.service(s.name), `${member.service(s.name)}Targets`]), ...(worker ? ['worker'] : [])]);
  distinct(`${name} stack secrets`, a.secrets.map(secretVar));
  // Construct IDs made from names, with the fixed ones they could meet (a service named `logs` is `ServiceLogs`).
  distinct(`${name} stack construct IDs`, [
    ...['Cluster', 'ServiceLogs', 'Vpc', 'LoadBalancerSecurityGroup', 'ServiceSecurityGroup', 'CacheSecurityGroup', 'DatabaseSecret', 'AlarmTopic', 'LoadBalancer', 'LoadBalancerLogs', 'Certificate', 'Zone', 'DnsRecord', 'Url', 'Cache', 'CacheSubnets', 'Listener'],
    ...fargate.flatMap((s) => [s.id, `${s.id}Task`, s.taskRoleId, ...(s.role === 'web' ? [`${s.id}Targets`] : [])]),
    ...a.secrets.map((s) => `Secret${pascal(s.env.toLowerCase())}`),
    ...a.alarms.filter((x) => x.stack === name).map((x) => x.id),
  ]);

  const body: string[] = [];
  const isProd = a.environment === 'prod';
  const variables = [...web, ...(worker ? [worker] : [])].flatMap((s) => plan.services.find((p) => p.name === s.name && (p.role === 'worker') === (s.role === 'worker'))?.variables ?? []);
  const uses = (variable: string) => variables.some((v) => v.name === variable);
  const reads = first
    ? [
        `    const vpc = importVpc(this, { vpcId: true, ${a.loadBalancer.internal ? '' : 'public: true, '}private: true${a.cache ? ', isolated: true' : ''} });`,
        "    const loadBalancerSecurityGroup = importSecurityGroup(this, 'LoadBalancerSecurityGroup', PARAMETERS.loadBalancerSecurityGroup);",
        "    const serviceSecurityGroup = importSecurityGroup(this, 'ServiceSecurityGroup', PARAMETERS.serviceSecurityGroup);",
        ...(a.cache ? ["    const cacheSecurityGroup = importSecurityGroup(this, 'CacheSecurityGroup', PARAMETERS.cacheSecurityGroup);"] : []),
      ]
    : [
        '    const vpc = importVpc(this, { vpcId: true, private: true });',
        "    const serviceSecurityGroup = importSecurityGroup(this, 'ServiceSecurityGroup', PARAMETERS.serviceSecurityGroup);",
        '    // The first Compute stack\'s cluster, log group and HTTPS (or HTTP) listener, by the values it publishes.',
        "    const cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', { clusterName: deployTimeValue(this, PARAMETERS.compute.clusterName), vpc, securityGroups: [] });",
        "    const logGroup = logs.LogGroup.fromLogGroupName(this, 'ServiceLogs', deployTimeValue(this, PARAMETERS.compute.logGroupName));",
        "    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {",
        '      listenerArn: deployTimeValue(this, PARAMETERS.compute.listenerArn),',
        "      securityGroup: importSecurityGroup(this, 'LoadBalancerSecurityGroup', PARAMETERS.loadBalancerSecurityGroup),",
        '    });',
      ];
  reads.push(
    ...(db && uses('DATABASE_HOST') ? ['    const databaseHost = deployTimeValue(this, PARAMETERS.databaseHost);'] : []),
    ...(db && db.readers > 0 && uses('DATABASE_READER_HOST') ? ['    const databaseReaderHost = deployTimeValue(this, PARAMETERS.databaseReaderHost);'] : []),
    ...kafkaReads(ctx),
    ...namespaceRead(ctx),
  );
  const from = first
    ? `the VPC and the security groups (Network)${db ? ', the database endpoints' : ''}${a.buckets.length ? ', the creation ids that end the bucket names' : ''}${db || a.buckets.length ? ' (Data)' : ''}`
    : `the VPC, the subnets and the security groups (Network)${db ? ', the database endpoints' : ''}${a.buckets.length ? ', the creation ids that end the bucket names' : ''}${db || a.buckets.length ? ' (Data)' : ''}, the cluster, the log group and the listener (Compute)`;
  body.push(`${wrappedComment(`What the stacks deployed before this one made, read from their SSM parameters when this stack deploys (lib/wiring.ts): ${from}.`, '    ')}
${reads.join('\n')}`);

  if (a.tigerbeetle && fargate.some((s) => s.grants.tigerBeetleParameters)) {
    const t = a.tigerbeetle;
    const params = [...t.nodes.map((n) => `/nodes/${n.index}`), '/cluster_id', '/replica_count'];
    body.push(`    // The TigerBeetle cluster parameters (the addresses are also in TIGERBEETLE_ADDRESSES).\n    const tigerBeetleParameters = ${lit(params)}.map((suffix) => \`\${NAMES.tigerBeetleParameters}\${suffix}\`);`);
  }

  if (first) {
    body.push(`    // The cluster, with Container Insights for per-service CPU, memory and task metrics.
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    // One log group for every container; each service writes its own streams. It is kept in prod,
    // so its name ends with this stack's creation id (creating the stack again never meets it).
    this.logGroup = new logs.LogGroup(this, 'ServiceLogs', {
      logGroupName: \`${tpl(a.observability.servicesLogGroup)}-\${creationId(this)}\`,
      retention: ${retention(a.observability.logRetentionDays)},
      removalPolicy: ${isProd ? 'RemovalPolicy.RETAIN' : 'RemovalPolicy.DESTROY'},
    });`);
  }

  if (fargate.some((s) => s.image.kind === 'asset')) {
    body.push(`    // Images are built from the project's Dockerfile by \`cdk deploy\`, with Docker on the machine that
    // deploys (a workstation or a CI runner), and pushed to the bootstrap ECR repository.
    const projectRoot = path.join(__dirname, '..', ${str(ctx.projectFromOut)});`);
  }

  // Secrets
  if (db?.credentials.kind === 'generated' && fargate.length) {
    body.push(`    // Database credentials, generated by the Data stack in Secrets Manager (its ARN from the Data stack's
    // parameter); the services receive them only as ECS secrets.
    const databaseSecret = secretsmanager.Secret.fromSecretCompleteArn(this, 'DatabaseSecret', deployTimeValue(this, PARAMETERS.databaseSecretArn));`);
  }
  if (a.secrets.length && fargate.length) {
    const lines = a.secrets.map((s) => {
      const v = secretVar(s);
      const id = `Secret${pascal(s.env.toLowerCase())}`;
      if (s.from.kind === 'create' && !first) {
        return `${lineComment(`${s.env}: the secret the first Compute stack created, by the ARN it publishes.`, '    ')}
    const ${v} = ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(this, ${str(id)}, deployTimeValue(this, PARAMETERS.compute.secrets[${str(s.env)}])));`;
      }
      if (s.from.kind === 'create') {
        return `${lineComment(`${s.env}: created here; set its value in Secrets Manager (${s.from.name}-<creation id>) before the services need it.`, '    ')}
    const ${v}Secret = new secretsmanager.Secret(this, ${str(id)}, {
      // Kept in prod, and a deleted secret's name stays taken for days: the name ends with this stack's creation id.
      secretName: \`${tpl(s.from.name)}-\${creationId(this)}\`,
      description: ${str(`${s.env} for ${a.app} (${a.environment}), read by the services`)},
      removalPolicy: ${isProd ? 'RemovalPolicy.RETAIN' : 'RemovalPolicy.DESTROY'},
    });
    const ${v} = ecs.Secret.fromSecretsManager(${v}Secret);
    Validations.of(${v}Secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'An application secret supplied by its owner (an API key or similar); it is rotated where it is issued, not by a Lambda here.',
    });`;
      }
      // The execution role gets read access to exactly this parameter or secret (ECS grants it from the reference).
      const ref = secretRef(s.from.ref);
      const db = s.env === 'DATABASE_PASSWORD' && a.database?.credentials.kind === 'reference' ? ' It is also the database\'s master password (the Data stack).' : '';
      if (ref.service === 'ssm' && ref.arn !== null) {
        return `${lineComment(`${s.env} from SSM Parameter Store (SecureString), by ARN, as [deploy.secrets] says.${db}`, '    ')}
    const ${v} = new ParameterByArn(${str(ref.arn)});`;
      }
      if (ref.service === 'ssm') {
        return `${lineComment(`${s.env} from SSM Parameter Store (SecureString), as [deploy.secrets] says.${db}`, '    ')}
    const ${v} = ecs.Secret.fromSsmParameter(
      ssm.StringParameter.fromSecureStringParameterAttributes(this, ${str(id)}, { parameterName: ${str(ref.name)} }),
    );`;
      }
      const secret = ref.arn === null ? `secretsmanager.Secret.fromSecretNameV2(this, ${str(id)}, ${str(ref.name)})` : `secretsmanager.Secret.fromSecretCompleteArn(this, ${str(id)}, ${str(ref.arn)})`;
      return `${lineComment(`${s.env} from Secrets Manager${ref.arn === null ? '' : ', by ARN'}${ref.jsonKey === null ? '' : `, the key ${ref.jsonKey} of its JSON value`}, as [deploy.secrets] says.${db}`, '    ')}
    const ${v} = ecs.Secret.fromSecretsManager(${secret}${ref.jsonKey === null ? '' : `, ${str(ref.jsonKey)}`});`;
    });
    body.push(`${commentBlock('Secrets the services receive as ECS secrets (never as plain environment variables).', because(plan, 'Compute', 'Secrets'), projectRoot, '    ')}\n${lines.join('\n')}`);
  }

  if (a.cache && first) {
    const c = a.cache;
    const nodes = 1 + c.replicas;
    body.push(`${commentBlock(`ElastiCache ${c.engine}: ${nodes} node${nodes === 1 ? '' : 's'} of ${c.nodeType} in the isolated subnets, encrypted at rest and in transit.`, because(plan, 'Compute', 'Cache'), projectRoot, '    ')}
    const cacheSubnets = new elasticache.CfnSubnetGroup(this, 'CacheSubnets', {
      description: ${str(`Isolated subnets for the ${a.app} cache`)},
      subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
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
      securityGroupIds: [cacheSecurityGroup.securityGroupId],
      snapshotRetentionLimit: ${isProd ? 7 : 0},
    });
    cache.applyRemovalPolicy(RemovalPolicy.DESTROY);
    const redisUrl = \`rediss://\${cache.attrPrimaryEndPointAddress}:\${cache.attrPrimaryEndPointPort}\`;
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

  // Task roles: each service its own, with exactly what it uses.
  const allGrants: string[] = [];
  const roles = fargate.map((s) => {
    const role = `${fieldOf(s)}TaskRole`;
    const grants = grantLines(a, s, role);
    allGrants.push(...grants);
    const what = s.role === 'worker' ? 'the worker' : `web service ${s.name}`;
    const note = s.role === 'worker' ? 'it consumes the queues and the schedules' : 'it sends to the queues; only the worker may receive or delete their messages';
    return `${wrappedComment(`The role ${what}'s code runs with: ${hasGrants(s) ? note : 'it uses no AWS resource of the app'}.`, '    ')}
    const ${role} = new iam.Role(this, ${str(s.taskRoleId)}, {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: ${str(`Task role of ${what} (${a.app}, ${a.environment})`)},
    });${grants.length ? `\n${grants.join('\n')}` : ''}`;
  });
  if (roles.length) body.push(roles.join('\n\n'));

  // Load balancer (the first Compute stack)
  const lb = a.loadBalancer;
  const lbLines: string[] = [];
  if (first) {
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
      vpc,
      internetFacing: ${lit(!lb.internal)},
      vpcSubnets: { subnetType: ec2.SubnetType.${lb.internal ? 'PRIVATE_WITH_EGRESS' : 'PUBLIC'} },
      securityGroup: loadBalancerSecurityGroup,
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
  lbLines.push(...apiListenerParameter(ctx));
  lbLines.push(`    // Where the app answers (an output without an export: nothing imports it).
    new CfnOutput(this, 'Url', { value: ${lb.https ? str(`https://${lb.domain}`) : '`http://${this.loadBalancer.loadBalancerDnsName}`'}, description: 'The address of the app' });`);
  body.push(lbLines.join('\n'));
  }

  // Services
  const runs = fargate.map((s) => plan.services.find((p) => p.name === s.name && (s.role === 'worker' ? p.role === 'worker' : p.role === 'web')) as PlanService);
  const fileLines = environmentFileLines(runs, w);
  if (fileLines) body.push(fileLines);
  const serviceBlock = (s: AwsService): string => {
    const id = s.id;
    const field = fieldOf(s);
    const planService = plan.services.find((p) => p.name === s.name && (s.role === 'worker' ? p.role === 'worker' : p.role === 'web')) as PlanService;
    const vars = containerVariables(planService, w, '        ');
    const st = s.settings;
    const web = s.role === 'web';
    const pull =
      s.image.kind === 'uri' && s.image.ecrRepositoryArn !== null
        ? `
    // The image is in a private ECR repository: the execution role may pull from exactly that repository.
    ecr.Repository.fromRepositoryArn(this, ${str(`${id}Repository`)}, ${str(s.image.ecrRepositoryArn)}).grantPull(${field}Task.obtainExecutionRole());`
        : '';
    const lines = [
      `${commentBlock(web ? `Fargate service ${s.name}: ${st.cpu} CPU units, ${st.memory} MiB, ${st.desired_count} task${st.desired_count === 1 ? '' : 's'} (autoscaling ${st.min_count}-${st.max_count} at ${st.cpu_target}% CPU).` : `The worker: ${st.cpu} CPU units, ${st.memory} MiB, one task.`, because(plan, name, id), projectRoot, '    ')}
    const ${field}Task = new ecs.FargateTaskDefinition(this, ${str(`${id}Task`)}, {
      cpu: ${lit(st.cpu)},
      memoryLimitMiB: ${lit(st.memory)},
      taskRole: ${field}TaskRole,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    ${field}Task.addContainer('App', {
      image: ${image(s, ctx)},
      logging: ecs.LogDrivers.awsLogs({ logGroup: ${logGroup}, streamPrefix: ${str(s.logStreamPrefix)} }),${web ? `\n      portMappings: [{ containerPort: ${lit(st.port)} }],` : ''}
      environment: {
${vars.environment}
      },${planService.environmentFile ? '\n      environmentFiles: [environmentFile.file],' : ''}${vars.secrets ? `\n      secrets: {\n${vars.secrets}\n      },` : ''}
    });${planService.environmentFile ? `\n    environmentFile.readBy(${field}Task);` : ''}${pull}
    Validations.of(${field}Task).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The execution role\\'s ecr:GetAuthorizationToken has no resource-level permissions; image pulls and logs are scoped by CDK.',
    });${first ? '' : `
    Validations.of(${field}Task).acknowledge({
      id: \`AwsSolutions-IAM5[Resource::\${nagResource(this, ${logGroup}.logGroupArn)}]\`,
      reason: 'The containers write their log streams (log-group:<name>:*) in the one log group the first Compute stack makes, named by the parameter it publishes.',
    });`}
    Validations.of(${field}Task).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Only non-secret settings (names, endpoints, the ledger addresses) are plain environment variables; every secret is an ECS secret.',
    });
    this.${field} = new ecs.FargateService(this, ${str(id)}, {
      cluster: ${cluster},
      taskDefinition: ${field}Task,
      desiredCount: ${lit(st.desired_count)},
      securityGroups: [serviceSecurityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      // A deployment that does not become healthy is rolled back automatically.
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,${web ? '\n      healthCheckGracePeriod: Duration.seconds(60),' : ''}${cloudMapOptions(ctx, s)}
    });`,
    ];
    if (web) {
      lines.push(`    this.${field}Targets = new elbv2.ApplicationTargetGroup(this, ${str(`${id}Targets`)}, {
      vpc,
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
  for (const s of web) body.push(serviceBlock(s));
  // Routing: the first web service of the first Compute stack is the default target; every other one by
  // its paths, with a priority from its place among all the web services (so no two rules share one).
  const routed = allWeb.filter((s) => s !== defaultService);
  const routes: string[] = [];
  const listenerOf = first ? 'listener' : 'listener';
  if (first && defaultService) routes.push(`    ${listenerOf}.addTargetGroups('Default', { targetGroups: [this.${member.service(defaultService.name)}Targets] });`);
  if (first && !defaultService && allWeb.length) routes.push(`    ${listenerOf}.addAction('Default', { action: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }) });`);
  routed.forEach((s, i) => {
    if (s.stack !== name) return;
    const paths = s.settings.paths.length ? s.settings.paths : [`/${s.name}/*`];
    routes.push(`    ${listenerOf}.addTargetGroups(${str(`Route${pascal(s.name)}`)}, {
      priority: ${lit((i + 1) * 10)},
      conditions: [elbv2.ListenerCondition.pathPatterns(${lit(paths)})],
      targetGroups: [this.${member.service(s.name)}Targets],
    });`);
  });
  if (routes.length) body.push(`${lineComment(first ? `Routing: ${defaultService?.name ?? 'none'} is the default target${routed.length ? '; the others by path' : ''}.` : 'Routing: the services of this stack, by path, on the first Compute stack\'s listener.', '    ')}\n${routes.join('\n')}`);
  if (worker) body.push(serviceBlock(worker));
  if (first && further.length) {
    const parameter = (id: string, parameterName: string, value: string, description: string) => `    new ssm.StringParameter(this, ${str(id)}, {
      parameterName: ${parameterName},
      stringValue: ${value},
      description: ${str(description)},
    });`;
    const created = a.secrets.filter((s) => s.from.kind === 'create');
    body.push(`    // Published for ${further.join(', ')}, which read them when they deploy (lib/wiring.ts): no export.
${[
  parameter('ClusterNameParameter', 'PARAMETERS.compute.clusterName', 'this.cluster.clusterName', 'The ECS cluster every service runs in'),
  parameter('ListenerArnParameter', 'PARAMETERS.compute.listenerArn', 'listener.listenerArn', 'The load balancer listener the services are routed from'),
  parameter('LogGroupNameParameter', 'PARAMETERS.compute.logGroupName', 'this.logGroup.logGroupName', 'The log group of every container'),
  ...(a.cache ? [parameter('RedisUrlParameter', 'PARAMETERS.compute.redisUrl', 'redisUrl', 'The cache endpoint')] : []),
  ...created.map((s) => parameter(`${`Secret${pascal(s.env.toLowerCase())}`}ArnParameter`, `PARAMETERS.compute.secrets[${str(s.env)}]`, `${secretVar(s)}Secret.secretArn`, `The secret ${s.env}`)),
].join('\n')}`);
  }

  // Alarms
  const byId = new Map(a.services.map((s) => [s.id, s]));
  const metric = (m: AlarmMetric, x: AwsAlarm): string => {
    if (m.kind === 'load-balancer-5xx') return `this.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, ${metricOptions(x)})`;
    if (!('service' in m)) throw new InternalError(`a ${m.kind} alarm in the ${name} stack`);
    const s = byId.get(m.service);
    if (!s) throw new InternalError(`an alarm on the unknown service ${m.service}`);
    const f = `this.${fieldOf(s)}`;
    switch (m.kind) {
      case 'service-cpu':
        return `${f}.metricCpuUtilization(${metricOptions(x)})`;
      case 'service-memory':
        return `${f}.metricMemoryUtilization(${metricOptions(x)})`;
      case 'unhealthy-targets':
        return `${f}Targets.metrics.unhealthyHostCount(${metricOptions(x)})`;
      case 'healthy-targets':
        return `${f}Targets.metrics.healthyHostCount(${metricOptions(x)})`;
      case 'tasks-below-desired':
        return `tasksBelowDesired(${cluster}, ${f}, ${duration(x.period)})`;
    }
  };
  if (a.alarms.some((x) => x.stack === name)) {
    body.push(`    // Alarms on the services${first ? ' and the load balancer' : ''}. A total outage pages: no healthy target, or fewer tasks
    // running than desired. This stack owns them, so it imports nothing.
${alarmCode(ctx, name, metric)}`);
  }

  const usesAsset = fargate.some((s) => s.image.kind === 'asset');
  const usesEcr = usesAsset || fargate.some((s) => s.image.kind === 'uri' && s.image.ecrRepositoryArn !== null);
  const pushed = usesAsset
    ? `
/**
 * The image the workflow built from the project's Dockerfile and pushed to the Images stack's
 * repository, when the deploy names its tag (\`cdk deploy -c ${IMAGE_TAG_CONTEXT}=<tag>\`): nothing is then
 * built where cdk deploy runs, so it needs no Docker. Without the tag, undefined: cdk deploy builds it.
 */
function pushedImage(scope: Construct, suffix: string): ecs.ContainerImage | undefined {
  const tag: unknown = scope.node.tryGetContext(${str(IMAGE_TAG_CONTEXT)});
  if (tag === undefined || tag === '') return undefined;
  if (typeof tag !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag + suffix)) {
    throw new Error(\`-c ${IMAGE_TAG_CONTEXT}=\${JSON.stringify(tag)}: not an image tag (letters, digits, _ . -; at most 128, not starting with . or -)\`);
  }
  const stack = Stack.of(scope);
  const repository = (stack.node.tryFindChild('ImageRepository') as ecr.IRepository | undefined) ?? ecr.Repository.fromRepositoryName(stack, 'ImageRepository', NAMES.imageRepository);
  return ecs.ContainerImage.fromEcrRepository(repository, \`\${tag}\${suffix}\`);
}
`
    : '';
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
  const fileHelper = fileLines
    ? `
/**
 * Writes \`variables\` as an environment file (\`NAME=value\` lines) into \`bucket\` when the stack
 * deploys, under a key that carries a digest of its content (as synthesized, before CloudFormation
 * resolves it): a change writes a new object and registers new task definitions, so ECS rolls the
 * tasks to it, and the old object is deleted only once the deployment is complete (a task never
 * starts with a file that lacks a variable it was given before).
 */
function writeEnvironmentFile(scope: Stack, bucket: s3.IBucket, variables: Record<string, string>): { file: ecs.EnvironmentFile; readBy: (task: ecs.TaskDefinition) => void } {
  const body = Object.entries(variables).map(([name, value]) => \`\${name}=\${value}\\n\`).join('');
  const digest = createHash('sha256').update(JSON.stringify(scope.resolve(body))).digest('hex').slice(0, 16);
  const key = \`environment/\${digest}.env\`;
  const object = { Bucket: bucket.bucketName, Key: key };
  // A new construct for each content: CloudFormation creates the new object before the task definitions that name it.
  const write = new cr.AwsCustomResource(scope, \`EnvironmentFile\${digest}\`, {
    resourceType: 'Custom::EnvironmentFile',
    onCreate: { service: 'S3', action: 'PutObject', parameters: { ...object, Body: body, ServerSideEncryption: 'AES256' }, physicalResourceId: cr.PhysicalResourceId.of(key) },
    onDelete: { service: 'S3', action: 'DeleteObject', parameters: object },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [bucket.arnForObjects(key)] }),
    installLatestAwsSdk: false,
  });
  Validations.of(scope).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "The function behind the environment file (aws-cdk's AwsCustomResource) logs with the AWS managed basic execution policy; its own policy allows only s3:PutObject and s3:DeleteObject on the file.",
  });
  return {
    file: ecs.EnvironmentFile.fromBucket(bucket, key),
    // What ECS needs to fetch the file for a task: exactly that object, and the bucket's region.
    readBy: (task) => {
      task.addToExecutionRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(key)] }));
      task.addToExecutionRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] }));
      task.node.addDependency(write);
    },
  };
}
`
    : '';
  const helpers = helpersUsed(allGrants);
  const tasksMetric = `
${TASKS_BELOW_DESIRED}
`;
  const code = `${body.join('\n')}\n${allGrants.join('\n')}`;
  const wiringImports = [
    'ALARMS',
    ...(code.includes('bucketName(') ? ['bucketName'] : []),
    ...(code.includes('bucketNamePattern(') ? ['bucketNamePattern'] : []),
    'creationId',
    'deployTimeValue',
    'importSecurityGroup',
    'importVpc',
    ...(helpers.includes('allowObjects') || helpers.includes('allowKafka') || helpers.includes('acknowledgePatterns') || (!first && fargate.length) ? ['nagResource'] : []),
    'NAMES',
    'notify',
    'PARAMETERS',
    ...(code.includes('parameterArn(') ? ['parameterArn'] : []),
    ...(code.includes('queueArn(') ? ['queueArn'] : []),
    ...(code.includes('queueUrl(') ? ['queueUrl'] : []),
  ];
  const imports = [
    `import { CfnOutput, Duration, ${helpers.includes('allowKafka') ? 'Fn, ' : ''}RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';`,
    lb.https ? `import * as acm from 'aws-cdk-lib/aws-certificatemanager';` : '',
    `import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';`,
    `import * as ec2 from 'aws-cdk-lib/aws-ec2';`,
    usesEcr ? `import * as ecr from 'aws-cdk-lib/aws-ecr';` : '',
    usesAsset ? `import { Platform } from 'aws-cdk-lib/aws-ecr-assets';` : '',
    `import * as ecs from 'aws-cdk-lib/aws-ecs';`,
    a.cache ? `import * as elasticache from 'aws-cdk-lib/aws-elasticache';` : '',
    `import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';`,
    `import * as iam from 'aws-cdk-lib/aws-iam';`,
    `import * as logs from 'aws-cdk-lib/aws-logs';`,
    lb.https && lb.hostedZoneId ? `import * as route53 from 'aws-cdk-lib/aws-route53';\nimport * as route53targets from 'aws-cdk-lib/aws-route53-targets';` : '',
    `import * as s3 from 'aws-cdk-lib/aws-s3';`,
    namespaceImport(ctx),
    a.secrets.length || db?.credentials.kind === 'generated' ? `import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';` : '',
    references.some((r) => r.service === 'ssm' && r.arn === null) || code.includes('new ssm.') ? `import * as ssm from 'aws-cdk-lib/aws-ssm';` : '',
    fileLines ? `import * as cr from 'aws-cdk-lib/custom-resources';` : '',
    `import type { Construct } from 'constructs';`,
    fileLines ? `import { createHash } from 'node:crypto';` : '',
    usesAsset ? `import * as path from 'node:path';` : '',
    `import { ${wiringImports.join(', ')} } from './wiring';`,
  ].filter(Boolean);

  const what = first
    ? 'ECS Fargate services behind the load balancer, the worker, the cache, the secrets and the alarms on them'
    : 'ECS Fargate web services of the app behind the first Compute stack\'s load balancer (the Compute stacks split them; each keeps its own), and the alarms on them';
  const source = `${header(`${name} stack: ${what}.`, plan.app, plan.environment)}
${imports.join('\n')}

${propsInterface(className, [])}
${byArn}${pushed}${fileHelper}${tasksMetric}
${helpers.map((h) => GRANT_HELPERS[h]).join('\n\n')}

export class ${className} extends Stack {
${members.join('\n')}

  constructor(scope: Construct, id: string, props: ${className}Props) {
    super(scope, id, props);

${body.join('\n\n')}
  }
}
`;
  return stackSource(name, [], source);
}
