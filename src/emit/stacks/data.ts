/**
 * The Data stack: the Aurora PostgreSQL cluster, the S3 buckets (with a bucket for their access
 * logs) and the alarms on the database. It reads the VPC from the Network stack's parameters,
 * and publishes what the Compute stack needs (endpoints, the credentials secret, its creation id)
 * as SSM parameters: nothing is exported.
 */
import { databaseLogGroupName } from '../../lower/index.js';
import { secretRef } from '../model.js';
import { stackFamily, type AlarmMetric, type AwsRequirements, type StackName } from '../../plan/index.js';
import { InternalError } from '../../diagnostics/index.js';
import { alarmCode, alarmsOf, metricOptions } from '../alarms.js';
import { commentBlock, header, jsdoc, lineComment, lit, pascal, str, tpl, wrappedComment } from '../code.js';
import { because, distinct, member, propsInterface, removalPolicy, stackSource, type EmitContext, type StackSource } from '../model.js';
import { retention } from './network.js';

type AwsDatabase = NonNullable<AwsRequirements['database']>;
type AwsBucket = AwsRequirements['buckets'][number];

/** `16.4` → `16`. */
function majorVersion(version: string): string {
  return version.split('.')[0] ?? version;
}

/** `db.r6g.large` → `r6g.large` (what `ec2.InstanceType` takes). */
function instanceType(instanceClass: string): string {
  return instanceClass.replace(/^db\./, '');
}

function databaseBlock(ctx: EmitContext, db: AwsDatabase): string {
  const { plan, projectRoot } = ctx;
  const serverless = db.mode === 'serverless';
  const days = plan.aws.observability.logRetentionDays;
  // A log group cannot be snapshotted: it is kept whenever the database is.
  const logRemoval = db.removalPolicy === 'destroy' ? 'RemovalPolicy.DESTROY' : 'RemovalPolicy.RETAIN';
  const readers = Array.from({ length: db.readers }, (_, i) =>
    serverless
      ? `        rds.ClusterInstance.serverlessV2(${str(`Reader${i + 1}`)}, { scaleWithWriter: true }),`
      : `        rds.ClusterInstance.provisioned(${str(`Reader${i + 1}`)}, { instanceType: new ec2.InstanceType(${str(instanceType(db.instanceClass))}) }),`,
  );
  const writer = serverless
    ? "rds.ClusterInstance.serverlessV2('Writer')"
    : `rds.ClusterInstance.provisioned('Writer', { instanceType: new ec2.InstanceType(${str(instanceType(db.instanceClass))}) })`;
  const capacity = serverless ? `      serverlessV2MinCapacity: ${lit(db.minAcu)},\n      serverlessV2MaxCapacity: ${lit(db.maxAcu)},\n` : '';
  const instances = db.readers === 0 ? 'a writer' : `a writer and ${db.readers} reader${db.readers === 1 ? '' : 's'}`;
  const title = `Aurora PostgreSQL ${db.engineVersion}, ${serverless ? `Serverless v2 (${db.minAcu}-${db.maxAcu} ACU)` : db.instanceClass}: ${instances} in the isolated subnets.`;
  const deletionReason =
    db.removalPolicy === 'snapshot'
      ? 'deleting the stack takes a final snapshot of the cluster first'
      : db.removalPolicy === 'retain'
        ? 'deleting the stack leaves the cluster in place'
        : 'this environment is disposable, and deleting the stack deletes the database';
  const acks: string[] = [];
  if (!db.deletionProtection) {
    acks.push(`    Validations.of(this.database).acknowledge({
      id: 'AwsSolutions-RDS10',
      reason: ${str(`Deletion protection is off for the ${plan.environment} environment (deploy.database.deletion_protection = false): ${deletionReason}.`)},
    });`);
  }
  const generated = db.credentials.kind === 'generated';
  if (generated) {
    acks.push(`    Validations.of(databaseSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The services read the password from this secret when a task starts; rotating it on a schedule would break connections from running tasks until they restart. Rotate deliberately (rotate, then redeploy the services), or add rotation once the app re-reads the secret.',
    });`);
  }
  acks.push(`    Validations.of(this.database).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      reason: 'The enhanced-monitoring role uses the AWS-managed AmazonRDSEnhancedMonitoringRole policy, the documented minimal policy for RDS to publish OS metrics to CloudWatch Logs.',
    });`);
  const credentials = generated
    ? `${lineComment(`The admin user (${db.masterUser}) and a generated password, in Secrets Manager; the services read both from there.`, '    ')}
    // ${db.removalPolicy === 'destroy' ? 'Deleted with the stack, like the database.' : 'Kept when the stack is deleted, like the database (or its final snapshot).'}
    const databaseSecret = new rds.DatabaseSecret(this, 'DatabaseSecret', { username: ${str(db.masterUser)} });
    databaseSecret.applyRemovalPolicy(${db.removalPolicy === 'destroy' ? 'RemovalPolicy.DESTROY' : 'RemovalPolicy.RETAIN'});
    const credentials = rds.Credentials.fromSecret(databaseSecret);`
    : passwordFrom(db.masterUser, db.credentials.ref);
  return `${commentBlock(title, because(plan, 'Data', 'Database'), projectRoot, '    ')}
    // The cluster is kept (or snapshotted) when the stack is deleted, so its identifier ends with this
    // stack's creation id: creating the stack again never meets the identifier of the kept one.
    const identifier = \`${tpl(db.clusterIdentifier)}-\${creationId(this)}\`;
    // PostgreSQL logs go to this group, made before the cluster so that the retention
${lineComment(`(deploy.logs.retention_days = ${days}) applies from the first line.`, '    ')}
    const databaseLogs = new logs.LogGroup(this, 'DatabaseLogs', {
      logGroupName: \`${databaseLogGroupName('@').split('@').map(tpl).join('${identifier}')}\`,
      retention: ${retention(days)},
      removalPolicy: ${logRemoval},
    });
${credentials}
    this.database = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({
        version: rds.AuroraPostgresEngineVersion.of(${str(db.engineVersion)}, ${str(majorVersion(db.engineVersion))}),
      }),
      clusterIdentifier: identifier,
      writer: ${writer},
      readers: [${readers.length ? `\n${readers.join('\n')}\n      ` : ''}],
${capacity}      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [importSecurityGroup(this, 'DatabaseSecurityGroup', PARAMETERS.databaseSecurityGroup)],
      credentials,
      defaultDatabaseName: ${str(db.databaseName)},
      iamAuthentication: true,
      storageEncrypted: true,
      backup: { retention: Duration.days(${lit(db.backupRetentionDays)}) },
      deletionProtection: ${lit(db.deletionProtection)},
      removalPolicy: ${removalPolicy(db.removalPolicy)},
      cloudwatchLogsExports: ['postgresql'],
      // Performance Insights (7 days, the free tier) and OS metrics every minute.
      enablePerformanceInsights: true,
      monitoringInterval: Duration.seconds(60),
    });
    this.database.node.addDependency(databaseLogs);
${acks.join('\n')}`;
}

/**
 * Cluster credentials from the [deploy.secrets] database_password reference: the cluster is
 * created with that password, and the services receive the same reference as DATABASE_PASSWORD,
 * so the app and the cluster read one secret.
 */
function passwordFrom(user: string, ref: string): string {
  const r = secretRef(ref);
  // An SSM parameter by ARN is refused at plan (DZ5041): CloudFormation reads a SecureString by name.
  if (r.service === 'ssm' && r.arn !== null) throw new InternalError('the database password names an SSM parameter by ARN');
  const value =
    r.service === 'ssm'
      ? `SecretValue.ssmSecure(${str(r.name)})`
      : `SecretValue.secretsManager(${str(r.arn ?? r.name)}${r.jsonKey === null ? '' : `, { jsonField: ${str(r.jsonKey)} }`})`;
  const where = r.service === 'ssm' ? `the SSM SecureString parameter ${r.name}` : `the Secrets Manager secret ${r.arn ?? r.name}${r.jsonKey === null ? '' : ` (its key ${r.jsonKey})`}`;
  return `${wrappedComment(`The master password is the one in ${where} ([deploy.secrets] database_password): CloudFormation reads it when it creates or updates the cluster, and the services receive the same reference as DATABASE_PASSWORD. Changing the value later changes neither: see the README.`, '    ')}
    const credentials = rds.Credentials.fromPassword(${str(user)}, ${value});`;
}

/** The parameters a Data stack publishes for the Compute stacks (read when they deploy). */
function publication(ctx: EmitContext, name: StackName, buckets: boolean): string {
  const a = ctx.plan.aws;
  const db = name === 'Data' ? a.database : null;
  const parameter = (id: string, parameterName: string, value: string, description: string) => `    new ssm.StringParameter(this, ${str(id)}, {
      parameterName: ${parameterName},
      stringValue: ${value},
      description: ${str(description)},
    });`;
  const lines = [
    ...(buckets ? [parameter('CreationIdParameter', `PARAMETERS.creationIds[${str(name)}]`, 'creationId(this)', `The creation id of the ${name} stack: the end of its bucket names`)] : []),
    ...(db ? [parameter('DatabaseHostParameter', 'PARAMETERS.databaseHost', 'this.database.clusterEndpoint.hostname', 'The database writer endpoint')] : []),
    ...(db && db.readers > 0 ? [parameter('DatabaseReaderHostParameter', 'PARAMETERS.databaseReaderHost', 'this.database.clusterReadEndpoint.hostname', 'The database reader endpoint')] : []),
    ...(db?.credentials.kind === 'generated' ? [parameter('DatabaseSecretArnParameter', 'PARAMETERS.databaseSecretArn', 'databaseSecret.secretArn', 'The secret with the generated database credentials')] : []),
  ];
  if (!lines.length) return '';
  return `    // Published for the Compute stacks, which read them when they deploy (lib/wiring.ts): no export.
${lines.join('\n')}`;
}

function accessLogsBlock(ctx: EmitContext, buckets: readonly AwsBucket[]): string {
  const { plan } = ctx;
  const keep = buckets.some((b) => b.removalPolicy === 'retain');
  const days = plan.aws.observability.logRetentionDays;
  return `${lineComment(`Server access logs of the buckets below, one prefix per bucket, kept ${days} days (deploy.logs.retention_days).`, '    ')}
    // Delivered under a bucket policy for the S3 logging service (not the legacy log-delivery ACL).
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(${lit(days)}) }],
      removalPolicy: ${keep ? 'RemovalPolicy.RETAIN' : 'RemovalPolicy.DESTROY'},${keep ? '' : '\n      autoDeleteObjects: true,'}
    });`;
}

function bucketBlock(ctx: EmitContext, b: AwsBucket): string {
  const { plan, projectRoot } = ctx;
  const id = `Bucket${pascal(b.name)}`;
  const destroy = b.removalPolicy === 'destroy';
  return `${commentBlock(`S3 bucket ${b.name} (${b.fields.join(', ')}): private, encrypted, TLS only${b.versioning ? ', versioned' : ''}.`, because(plan, b.stack, id), projectRoot, '    ')}
    this.${member.bucket(b.name)} = new s3.Bucket(this, ${str(id)}, {
      // The prefix is fixed and ends with this stack's creation id: the Compute stack names the bucket
      // in its variables and policies from both (no export), and a bucket kept after the stack is
      // deleted never blocks creating the stack again.
      bucketName: \`\${NAMES.buckets[${str(b.name)}].prefix}-\${creationId(this)}\`,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: ${lit(b.versioning)},
      removalPolicy: ${removalPolicy(b.removalPolicy)},${destroy ? '\n      autoDeleteObjects: true,' : ''}
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: ${str(`${b.name}/`)},
    });`;
}

/** The Data stack `name`: the database (the first one only), its buckets, their access logs, its alarms. */
export function dataStack(ctx: EmitContext, name: StackName = 'Data'): StackSource {
  const { plan } = ctx;
  const a = plan.aws;
  if (stackFamily(name) !== 'Data') throw new InternalError(`the Data stack renderer was asked for ${name}`);
  const db = name === 'Data' ? a.database : null;
  const buckets = a.buckets.filter((b) => b.stack === name);
  const className = `${name}Stack`;
  const members: string[] = [];
  if (db) members.push('  /** Aurora PostgreSQL, reachable from the services only. */', '  readonly database: rds.DatabaseCluster;');
  for (const b of buckets) members.push(jsdoc(`S3 bucket ${b.name}: ${b.fields.join(', ')}.`, '  '), `  readonly ${member.bucket(b.name)}: s3.Bucket;`);

  distinct('Data stack members', buckets.map((b) => member.bucket(b.name)));

  const body: string[] = [];
  if (buckets.length) {
    body.push(`    // Server access logs for the buckets go through a bucket policy, not the legacy ACL
    // (the aws-cdk-lib feature flag, set for this stack only).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);`);
  }
  if (db) {
    body.push(`    // The VPC and the database tier's security group, from the Network stack's parameters.
    const vpc = importVpc(this, { isolated: true });`);
    body.push(databaseBlock(ctx, db));
  }
  if (buckets.length) {
    body.push(accessLogsBlock(ctx, buckets));
    for (const b of buckets) body.push(bucketBlock(ctx, b));
  }
  body.push(publication(ctx, name, buckets.length > 0));
  const alarms = alarmsOf(ctx, name);
  if (alarms.length) {
    const metric = (m: AlarmMetric, x: (typeof alarms)[number]): string => {
      if (m.kind === 'database-cpu') return `this.database.metricCPUUtilization(${metricOptions(x)})`;
      if (m.kind === 'database-connections') return `this.database.metricDatabaseConnections(${metricOptions(x)})`;
      throw new InternalError(`a ${m.kind} alarm in the Data stack`);
    };
    body.push(`    // Alarms on the database (by its cluster identifier). This stack owns them, so it imports nothing.\n${alarmCode(ctx, name, metric)}`);
  }

  const reference = db?.credentials.kind === 'reference';
  const wiring = [
    ...(alarms.length ? ['ALARMS'] : []),
    'creationId',
    ...(db ? ['importSecurityGroup', 'importVpc'] : []),
    ...(buckets.length ? ['NAMES'] : []),
    ...(alarms.length ? ['notify'] : []),
    ...(buckets.length || db ? ['PARAMETERS'] : []),
  ];
  const imports = [
    `import { ${['Duration', 'RemovalPolicy', ...(reference ? ['SecretValue'] : []), 'Stack', ...(db ? ['Validations'] : [])].join(', ')}, type StackProps } from 'aws-cdk-lib';`,
    ...(alarms.length ? ["import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';"] : []),
    ...(db ? ["import * as ec2 from 'aws-cdk-lib/aws-ec2';", "import * as logs from 'aws-cdk-lib/aws-logs';", "import * as rds from 'aws-cdk-lib/aws-rds';"] : []),
    ...(buckets.length ? ["import * as s3 from 'aws-cdk-lib/aws-s3';"] : []),
    ...(buckets.length || db ? ["import * as ssm from 'aws-cdk-lib/aws-ssm';"] : []),
    "import type { Construct } from 'constructs';",
    `import { ${wiring.join(', ')} } from './wiring';`,
  ];
  const source = `${header(`${name} stack: ${[db ? 'the Aurora PostgreSQL cluster' : '', buckets.length ? `the S3 buckets${name === 'Data' ? '' : ' it holds (the Data stacks split them; each keeps its own)'} and their access logs` : ''].filter(Boolean).join(', ') || 'nothing yet'}.`, plan.app, plan.environment)}
${imports.join('\n')}

${propsInterface(className, [])}

export class ${className} extends Stack {
${members.join('\n')}

  constructor(scope: Construct, id: string, props: ${className}Props) {
    super(scope, id, props);

${body.filter(Boolean).join('\n\n')}
  }
}
`;
  return stackSource(name, [], source);
}
