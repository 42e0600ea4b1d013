/** The Compute stack on synthesized CloudFormation: services, load balancer (HTTP and HTTPS), image, task role. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyProject, REPO } from '../helpers.js';
import { resourcesOf, synthProject, type Synthesized } from '../cdk-helpers.js';

const LEDGER = join(REPO, 'examples', 'ledger-app');

/** A copy of the example with its dazzle.toml changed. */
function exampleWith(change: (toml: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-compute-'));
  copyProject(LEDGER, dir);
  writeFileSync(join(dir, 'dazzle.toml'), change(readFileSync(join(dir, 'dazzle.toml'), 'utf8')));
  return dir;
}
const append = (table: string) => (toml: string) => `${toml}\n${table}\n`;

let plain: Synthesized;
let https: Synthesized;
let zone: Synthesized;
let image: Synthesized;
beforeAll(async () => {
  plain = await synthProject(LEDGER, 'prod');
  https = await synthProject(exampleWith(append('[deploy.domain]\nname = "example.com"\nsubdomain = "ledger"')), 'prod');
  zone = await synthProject(exampleWith(append('[deploy.domain]\nname = "example.com"\nhosted_zone_id = "Z0123456789ABCDEFGHIJ"')), 'prod');
  image = await synthProject(exampleWith((t) => t.replace('[deploy.compute]\n', '[deploy.compute]\nimage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ledger:1.4.2"\n')), 'prod');
}, 240_000);

const compute = (s: Synthesized) => s.templates.get('Compute') as NonNullable<ReturnType<Synthesized['templates']['get']>>;
const computeJson = (s: Synthesized) => s.json.get('Compute') as Record<string, unknown>;

describe('Compute stack', () => {
  it('runs each service on Fargate in private subnets with a rollback circuit breaker and the plan\'s sizes', () => {
    const t = compute(plain);
    const web = plain.prepared.plan.aws.services.find((s) => s.role === 'web')?.settings;
    t.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: web?.desired_count,
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: String(web?.cpu), Memory: String(web?.memory) });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: web?.min_count, MaxCapacity: web?.max_count });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: web?.cpu_target, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: web?.port, TargetType: 'ip', HealthCheckPath: web?.health_check_path });
    t.resourceCountIs('AWS::ECS::Service', 2);
  });

  it('without a domain: one HTTP listener that forwards to the web service', () => {
    const listeners = resourcesOf(computeJson(plain), 'AWS::ElasticLoadBalancingV2::Listener');
    expect(listeners.map(([, r]) => r.Properties?.Port)).toEqual([80]);
    expect(JSON.stringify(listeners[0]?.[1].Properties?.DefaultActions)).toContain('forward');
  });

  it('with a domain: HTTPS on 443 with a DNS-validated certificate, and 80 redirects to 443', () => {
    const t = compute(https);
    t.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'ledger.example.com', ValidationMethod: 'DNS' });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: Match.anyValue(), SslPolicy: Match.stringLikeRegexp('TLS13') });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
    // The Network stack opens 443 for it (and 80, for the redirect).
    const sg = resourcesOf(https.json.get('Network') as Record<string, unknown>, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('LoadBalancerSecurityGroup'));
    expect((sg?.[1].Properties?.SecurityGroupIngress as { FromPort: number }[]).map((r) => r.FromPort).sort()).toEqual([443, 80]);
  });

  it('with a hosted zone ID: the certificate validates in that zone and an alias record points at the load balancer', () => {
    const t = compute(zone);
    t.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainValidationOptions: [Match.objectLike({ HostedZoneId: 'Z0123456789ABCDEFGHIJ' })] });
    t.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'A', HostedZoneId: 'Z0123456789ABCDEFGHIJ', Name: 'api.example.com.' });
  });

  it('builds the image from the project Dockerfile as a CDK asset, or runs the configured image URI', () => {
    const asset = JSON.stringify(resourcesOf(computeJson(plain), 'AWS::ECS::TaskDefinition').map(([, r]) => r.Properties?.ContainerDefinitions));
    expect(asset).toContain('cdk-hnb659fds-container-assets');
    const uri = JSON.stringify(resourcesOf(computeJson(image), 'AWS::ECS::TaskDefinition').map(([, r]) => r.Properties?.ContainerDefinitions));
    expect(uri).toContain('123456789012.dkr.ecr.us-east-1.amazonaws.com/ledger:1.4.2');
    expect(uri).not.toContain('container-assets');
  });

  it('grants the task role exactly the app\'s queues, bucket, bus and TigerBeetle parameters', () => {
    const policies = resourcesOf(computeJson(plain), 'AWS::IAM::Policy').filter(([id]) => id.startsWith('TaskRole'));
    const statements = policies.flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'events:PutEvents', 'ssm:GetParameter']));
    expect(actions.some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
    for (const s of statements) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
  });
});
