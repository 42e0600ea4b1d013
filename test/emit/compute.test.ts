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

  /** The actions of the policies attached to the role with this construct ID. */
  const actionsOf = (s: Synthesized, roleId: string) => {
    const policies = resourcesOf(computeJson(s), 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}`));
    const statements = policies.flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    for (const st of statements) expect(JSON.stringify(st.Resource)).not.toBe('"*"');
    return statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])).sort();
  };

  it('gives the web service and the worker each a task role with exactly what they use', () => {
    const web = actionsOf(plain, 'ServiceWebTaskRole');
    const worker = actionsOf(plain, 'WorkerTaskRole');
    expect(web).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 'sqs:SendMessage', 'events:PutEvents', 'ssm:GetParameter']));
    // Only the worker consumes the queues: the web service can neither receive nor delete their messages.
    expect(web).not.toContain('sqs:ReceiveMessage');
    expect(web).not.toContain('sqs:DeleteMessage');
    expect(worker).toEqual(expect.arrayContaining(['s3:GetObject', 'sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'events:PutEvents', 'ssm:GetParameter']));
    for (const a of [...web, ...worker]) expect(a === '*' || a.endsWith(':*'), a).toBe(false);
    // Each task definition runs with its own role.
    const roles = resourcesOf(computeJson(plain), 'AWS::ECS::TaskDefinition').map(([, d]) => JSON.stringify(d.Properties?.TaskRoleArn));
    expect(new Set(roles).size).toBe(2);
  });

  it("says truthfully that cdk deploy builds the image with Docker on the deploying machine (and not when the image is given)", () => {
    const readme = (s: Synthesized) => s.prepared.app.files.get('README.md') ?? '';
    const before = (s: Synthesized) => readme(s).split('## Before the first deploy')[1]?.split('\n## ')[0] ?? '';
    expect(before(plain)).toMatch(/^- Docker, running on the machine that runs `cdk deploy`/m);
    expect(readme(plain)).not.toMatch(/no local Docker/i);
    expect(before(image)).not.toMatch(/Docker/);
    expect(before(image)).toContain('- the image `123456789012.dkr.ecr.us-east-1.amazonaws.com/ledger:1.4.2` (for web, worker), pushed; the execution role may pull from its ECR repository');
  });

  it('lets the execution role pull a private ECR image from exactly its repository', () => {
    const repository = 'arn:aws:ecr:us-east-1:123456789012:repository/ledger';
    const pulls = (s: Synthesized) =>
      resourcesOf(computeJson(s), 'AWS::IAM::Policy')
        .filter(([id]) => id.includes('ExecutionRole'))
        .map(([, p]) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.filter((st) => [st.Action].flat().includes('ecr:BatchGetImage')).map((st) => st.Resource));
    expect(pulls(image)).toEqual([[repository], [repository]]);
    for (const st of resourcesOf(computeJson(image), 'AWS::IAM::Policy').filter(([id]) => id.includes('ExecutionRole'))) {
      expect(JSON.stringify(st[1].Properties?.PolicyDocument)).toContain('"ecr:GetAuthorizationToken"');
    }
    expect(image.findings).toEqual([]);
    // An image built by cdk deploy is pulled from the bootstrap repository only (CDK's own grant).
    expect(JSON.stringify(pulls(plain))).not.toContain('repository/ledger');
  });
});
