/**
 * The static front end (`[deploy.frontend]`): the built files of `source_dir` in a private S3
 * bucket, served by CloudFront through origin access control over HTTPS, at `<subdomain>.<domain>`
 * when a domain is set, with SPA routing when `spa` is on. Its stack deploys to us-east-1, where
 * CloudFront takes its certificates. `generate` renders exactly these (src/emit/stacks/frontend.ts).
 */
import type { ResolvedConfig } from '../config/index.js';
import { configKey } from '../lower/index.js';
import type { PlanResource } from './model.js';

/** The region of the Frontend stack: CloudFront uses certificates from us-east-1 only. */
export const FRONTEND_REGION = 'us-east-1';

export interface AwsFrontend {
  /** The folder of built files, relative to the project. */
  readonly sourceDir: string;
  readonly subdomain: string;
  /** `<subdomain>.<domain>` when `[deploy.domain] name` is set, else null (the distribution's own name). */
  readonly domain: string | null;
  /** The hosted zone for the record and the certificate's validation, when `hosted_zone_id` is set. */
  readonly hostedZone: { readonly id: string; readonly name: string } | null;
  /** Unknown paths answer with /index.html (a single-page app's routes). */
  readonly spa: boolean;
}

export function frontendOf(config: ResolvedConfig): AwsFrontend | null {
  const d = config.deploy;
  if (!d.frontend.source_dir) return null;
  const domain = d.domain.name ? `${d.frontend.subdomain}.${d.domain.name}` : null;
  return {
    sourceDir: d.frontend.source_dir,
    subdomain: d.frontend.subdomain,
    domain,
    hostedZone: domain && d.domain.hosted_zone_id ? { id: d.domain.hosted_zone_id, name: d.domain.hosted_zone || d.domain.name } : null,
    spa: d.frontend.spa,
  };
}

function cfn(counts: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The Frontend stack's resources: the bucket (and its access-log bucket), the distribution, the deployment of the files. */
export function frontendResources(f: AwsFrontend, config: ResolvedConfig): Omit<PlanResource, 'templateBytes'>[] {
  const prod = config.deploy.environment === 'prod';
  const because = [configKey(config, 'frontend.source_dir')];
  return [
    {
      id: 'FrontendBucket',
      type: 'AWS::S3::Bucket',
      title: 'the front end\'s files: a private bucket (public access blocked, encrypted, TLS only) that only the distribution reads, through origin access control',
      params: [['removal policy', prod ? 'retain' : 'destroy (emptied)']],
      because,
      cost: { low: 0, high: 0.23, basis: 'per GB stored: high assumes 10 GB' },
      // The bucket and its access-log bucket, with their policies (emptied on delete outside prod: a custom resource each, one function).
      cloudformation: cfn({ 'AWS::S3::Bucket': 2, 'AWS::S3::BucketPolicy': 2, 'Custom::S3AutoDeleteObjects': prod ? 0 : 2, 'AWS::Lambda::Function': prod ? 0 : 1, 'AWS::IAM::Role': prod ? 0 : 1 }),
    },
    {
      id: 'FrontendDistribution',
      type: 'AWS::CloudFront::Distribution',
      title: `CloudFront over HTTPS${f.domain ? ` at ${f.domain}` : ''}${f.spa ? ', single-page app routing (unknown paths → /index.html)' : ''}`,
      params: [
        ['domain', f.domain ?? '(the distribution\'s own *.cloudfront.net name; set [deploy.domain] name for yours)'],
        ['viewer protocol', 'HTTPS (HTTP redirects)'],
        ['origin access', 'origin access control (the bucket is private)'],
        ['single-page app', f.spa],
      ],
      because: [...because, configKey(config, 'frontend.subdomain'), configKey(config, 'frontend.spa'), configKey(config, 'domain.name')],
      cost: { low: 0, high: 8.5, basis: 'per GB served: high assumes 100 GB a month' },
      cloudformation: cfn({
        'AWS::CloudFront::Distribution': 1,
        'AWS::CloudFront::OriginAccessControl': 1,
        'AWS::CertificateManager::Certificate': f.domain ? 1 : 0,
        'AWS::Route53::RecordSet': f.hostedZone ? 1 : 0,
      }),
    },
    {
      id: 'FrontendDeployment',
      type: 'Custom::CDKBucketDeployment',
      title: `the files of ${f.sourceDir}, uploaded at every deploy (BucketDeployment), and the cache invalidated`,
      params: [['source', f.sourceDir]],
      because,
      cost: null,
      // aws-cdk's BucketDeployment: the custom resource, its function (with the AWS CLI layer) and the function's role and policy.
      cloudformation: cfn({ 'Custom::CDKBucketDeployment': 1, 'AWS::Lambda::Function': 1, 'AWS::Lambda::LayerVersion': 1, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1 }),
    },
  ];
}
