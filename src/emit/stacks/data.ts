/** The Data stack: the Aurora PostgreSQL cluster and the S3 buckets (with a bucket for their access logs). */
import { clusterIdentifier, databaseLogGroupName } from '../../lower/index.js';
import type { AwsRequirements } from '../../plan/index.js';
import { commentBlock, header, jsdoc, lineComment, lit, pascal, str, tpl } from '../code.js';
import { because, distinct, member, propsInterface, removalPolicy, stackSource, type EmitContext, type StackProp, type StackSource } from '../model.js';
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
  const identifier = clusterIdentifier(plan.app, plan.environment);
  const logGroupName = databaseLogGroupName(plan.app, plan.environment);
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
  acks.push(`    Validations.of(databaseSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The services read the password from this secret when a task starts; rotating it on a schedule would break connections from running tasks until they restart. Rotate deliberately (rotate, then redeploy the services), or add rotation once the app re-reads the secret.',
    });
    Validations.of(this.database).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      reason: 'The enhanced-monitoring role uses the AWS-managed AmazonRDSEnhancedMonitoringRole policy, the documented minimal policy for RDS to publish OS metrics to CloudWatch Logs.',
    });`);
  return `${commentBlock(title, because(plan, 'Data', 'Database'), projectRoot, '    ')}
    // PostgreSQL logs go to this group, made before the cluster so that the retention
${lineComment(`(deploy.logs.retention_days = ${days}) applies from the first line.`, '    ')}
    const databaseLogs = new logs.LogGroup(this, 'DatabaseLogs', {
      logGroupName: ${str(logGroupName)},
      retention: ${retention(days)},
      removalPolicy: ${logRemoval},
    });
    // The admin user (dazzle_admin) and a generated password, in Secrets Manager; the services read it from there.
    // ${db.removalPolicy === 'destroy' ? 'Deleted with the stack, like the database.' : 'Kept when the stack is deleted, like the database (or its final snapshot).'}
    const databaseSecret = new rds.DatabaseSecret(this, 'DatabaseSecret', { username: 'dazzle_admin' });
    databaseSecret.applyRemovalPolicy(${db.removalPolicy === 'destroy' ? 'RemovalPolicy.DESTROY' : 'RemovalPolicy.RETAIN'});
    this.database = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({
        version: rds.AuroraPostgresEngineVersion.of(${str(db.engineVersion)}, ${str(majorVersion(db.engineVersion))}),
      }),
      clusterIdentifier: ${str(identifier)},
      writer: ${writer},
      readers: [${readers.length ? `\n${readers.join('\n')}\n      ` : ''}],
${capacity}      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.databaseSecurityGroup],
      credentials: rds.Credentials.fromSecret(databaseSecret),
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
  return `${commentBlock(`S3 bucket ${b.name} (${b.fields.join(', ')}): private, encrypted, TLS only${b.versioning ? ', versioned' : ''}.`, because(plan, 'Data', id), projectRoot, '    ')}
    this.${member.bucket(b.name)} = new s3.Bucket(this, ${str(id)}, {
      // A fixed name (S3 names are global, hence the account and region): the Compute stack's
      // task role names this bucket in its policy without a cross-stack reference.
      bucketName: \`${tpl(b.namePrefix)}-\${this.account}-\${this.region}\`,
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

export function dataStack(ctx: EmitContext): StackSource {
  const { plan } = ctx;
  const a = plan.aws;
  const db = a.database;
  const buckets = a.buckets;
  const members: string[] = [];
  if (db) members.push('  /** Aurora PostgreSQL: credentials in Secrets Manager (`database.secret`), reachable from the services only. */', '  readonly database: rds.DatabaseCluster;');
  for (const b of buckets) members.push(jsdoc(`S3 bucket ${b.name}: ${b.fields.join(', ')}.`, '  '), `  readonly ${member.bucket(b.name)}: s3.Bucket;`);

  const props: StackProp[] = [{ field: 'vpc', type: 'ec2.IVpc', doc: db ? 'The VPC (the database goes in its isolated subnets).' : 'The VPC.', value: 'network.vpc' }];
  if (db) props.push({ field: 'databaseSecurityGroup', type: 'ec2.ISecurityGroup', doc: 'The database tier: 5432 from the services only.', value: 'network.databaseSecurityGroup' });

  distinct('Data stack members', buckets.map((b) => member.bucket(b.name)));

  const body: string[] = [];
  if (buckets.length) {
    body.push(`    // Server access logs for the buckets go through a bucket policy, not the legacy ACL
    // (the aws-cdk-lib feature flag, set for this stack only).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);`);
  }
  if (db) body.push(databaseBlock(ctx, db));
  if (buckets.length) {
    body.push(accessLogsBlock(ctx, buckets));
    for (const b of buckets) body.push(bucketBlock(ctx, b));
  }

  const imports = [
    `import { ${['Duration', 'RemovalPolicy', 'Stack', ...(db ? ['Validations'] : [])].join(', ')}, type StackProps } from 'aws-cdk-lib';`,
    "import * as ec2 from 'aws-cdk-lib/aws-ec2';",
    ...(db ? ["import * as logs from 'aws-cdk-lib/aws-logs';", "import * as rds from 'aws-cdk-lib/aws-rds';"] : []),
    ...(buckets.length ? ["import * as s3 from 'aws-cdk-lib/aws-s3';"] : []),
    "import type { Construct } from 'constructs';",
  ];
  const source = `${header(`Data stack: ${[db ? 'the Aurora PostgreSQL cluster' : '', buckets.length ? 'the S3 buckets and their access logs' : ''].filter(Boolean).join(', ') || 'nothing yet'}.`, plan.app, plan.environment)}
${imports.join('\n')}

${propsInterface('DataStack', props)}

export class DataStack extends Stack {
${members.join('\n')}

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

${body.join('\n\n')}
  }
}
`;
  return stackSource('Data', props, source);
}
