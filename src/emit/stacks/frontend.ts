/**
 * The Frontend stack: `[deploy.frontend]` rendered from `plan.aws.frontend`. A private bucket that
 * only the distribution reads (origin access control), CloudFront over HTTPS (the certificate and the
 * record when a domain is set; SPA routing when asked), and the built files uploaded by
 * BucketDeployment at every deploy. The stack deploys to us-east-1, where CloudFront takes its
 * certificates; it reads nothing from the other stacks.
 */
import { InternalError } from '../../diagnostics/index.js';
import type { DeploymentPlan } from '../../plan/index.js';
import { FRONTEND_REGION } from '../../plan/index.js';
import { commentBlock, header, lit, mdCode, mdText, str } from '../code.js';
import { because, propsInterface, removalPolicy, stackName, stackSource, type EmitContext, type StackSource } from '../model.js';

export function frontendStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const f = plan.aws.frontend;
  if (!f) throw new InternalError('frontendStack: the plan has no front end');
  const prod = plan.environment === 'prod';
  const zone = f.hostedZone;
  const source = `${header('Frontend stack: the static front end on S3, served by CloudFront over HTTPS.', plan.app, plan.environment)}
import * as path from 'node:path';
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** CloudFront takes certificates from us-east-1 only, so this stack deploys there (bootstrap it: npx cdk bootstrap aws://<account>/us-east-1). */
const REGION = ${str(FRONTEND_REGION)};
/** The built files, relative to the project. */
const SOURCE_DIR = ${str(f.sourceDir)};

${propsInterface('FrontendStack', [])}

export class FrontendStack extends Stack {
  /** The private bucket of the files. */
  readonly bucket: s3.Bucket;
  /** The distribution in front of it. */
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: FrontendStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: REGION } });

${commentBlock(`The files of ${f.sourceDir}: a private bucket only the distribution reads.`, because(plan, 'Frontend', 'FrontendBucket'), projectRoot, '    ')}
    const accessLogs = new s3.Bucket(this, 'FrontendBucketLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront writes its standard logs with an ACL.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: ${removalPolicy(prod ? 'retain' : 'destroy')},${prod ? '' : '\n      autoDeleteObjects: true,'}
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the access logs of the front end; logging access to it would only log the log writes.',
    });
    this.bucket = new s3.Bucket(this, 'FrontendBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'bucket/',
      removalPolicy: ${removalPolicy(prod ? 'retain' : 'destroy')},${prod ? '' : '\n      autoDeleteObjects: true,'}
    });
${zone ? `
    // The hosted zone (deploy.domain.hosted_zone_id) validates the certificate and holds the record.
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'FrontendDistributionZone', { hostedZoneId: ${str(zone.id)}, zoneName: ${str(zone.name)} });` : ''}
${commentBlock(`CloudFront over HTTPS${f.domain ? ` at ${f.domain}` : ''}${f.spa ? ', single-page app routing' : ''}.`, because(plan, 'Frontend', 'FrontendDistribution'), projectRoot, '    ')}${f.domain ? `
    const certificate = new acm.Certificate(this, 'FrontendDistributionCertificate', {
      domainName: ${str(f.domain)},
      validation: acm.CertificateValidation.fromDns(${zone ? 'zone' : ''}),
    });` : ''}
    this.distribution = new cloudfront.Distribution(this, 'FrontendDistribution', {
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      defaultRootObject: 'index.html',${f.domain ? `\n      domainNames: [${str(f.domain)}],\n      certificate,` : ''}
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'distribution/',${f.spa ? `
      // A single-page app: a path that is no file is one of the app's routes, answered by index.html.
      errorResponses: [
        { httpStatus: 403, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) },
        { httpStatus: 404, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) },
      ],` : ''}
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'The front end is public: no country is restricted.' },
      { id: 'AwsSolutions-CFR2', reason: 'Static files only: the API behind the load balancer is where requests are checked.' },${f.domain ? '' : `
      { id: 'AwsSolutions-CFR4', reason: 'Without a domain the distribution serves its own *.cloudfront.net name with the default certificate; set [deploy.domain] name for TLS 1.2 only.' },`}
    );${zone ? `
    new route53.ARecord(this, 'FrontendDistributionRecord', {
      zone,
      recordName: ${str(f.domain as string)},
      target: route53.RecordTarget.fromAlias(new route53Targets.CloudFrontTarget(this.distribution)),
    });` : ''}

${commentBlock(`The built files of ${f.sourceDir}, uploaded at every deploy; the cache is invalidated.`, because(plan, 'Frontend', 'FrontendDeployment'), projectRoot, '    ')}
    new s3deploy.BucketDeployment(this, 'FrontendDeployment', {
      sources: [s3deploy.Source.asset(path.join(__dirname, '..', ${str(ctx.projectFromOut)}, SOURCE_DIR))],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    // BucketDeployment's function is one per stack (a child of the stack, not of the deployment): acknowledged there.
    const bucketArn = \`<\${this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*\`;
    for (const handler of this.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      Validations.of(handler).acknowledge(
        { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: "aws-cdk's BucketDeployment function logs with the AWS managed basic execution policy." },
        ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => ({ id: \`AwsSolutions-IAM5[Action::\${action}]\`, reason: "aws-cdk's BucketDeployment reads the uploaded files and replaces this bucket's objects with them." })),
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'cloudfront:CreateInvalidation supports no resource-level permissions.' },
        { id: \`AwsSolutions-IAM5[Resource::\${bucketArn}]\`, reason: "Every object of the front end's bucket, and only of it." },
        { id: \`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-\${REGION}/*]\`, reason: 'The CDK assets bucket the files are uploaded to by cdk deploy.' },
        { id: 'AwsSolutions-L1', reason: "aws-cdk's BucketDeployment function uses the runtime aws-cdk-lib pins." },
      );
    }

    new CfnOutput(this, 'FrontendUrl', { value: ${f.domain ? str(`https://${f.domain}`) : '`https://${this.distribution.distributionDomainName}`'}, description: 'The address of the front end' });
  }
}
`;
  return stackSource('Frontend', [], source);
}
