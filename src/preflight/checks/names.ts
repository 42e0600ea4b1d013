/**
 * Physical names (the names resources are given in the template, not those
 * CloudFormation chooses): within AWS's length limits, and naming the
 * environment so that two environments of the app in one account do not
 * collide. And CloudFormation's own limits on a stack and a role.
 */
import { ENVIRONMENTS } from '../../config/index.js';
import { quote } from '../../diagnostics/index.js';
import { NAME_LIMITS } from '../../lower/index.js';
import { isObj, listOf, nameLength, nameText } from '../template.js';
import type { Check, Draft } from './context.js';
import { shownName } from './network-facts.js';

/** Where a name must be unique: in an account and region, in an account, or everywhere. */
type Scope = 'region' | 'account' | 'global';

/** The property that names each type, AWS's limit on it, and where it must be unique. */
export const PHYSICAL_NAMES: Readonly<Record<string, readonly [property: string, limit: number, scope: Scope]>> = {
  'AWS::S3::Bucket': ['BucketName', NAME_LIMITS.bucketName, 'global'],
  'AWS::SQS::Queue': ['QueueName', 80, 'region'],
  'AWS::SNS::Topic': ['TopicName', 256, 'region'],
  'AWS::Logs::LogGroup': ['LogGroupName', NAME_LIMITS.logGroupName, 'region'],
  'AWS::SSM::Parameter': ['Name', NAME_LIMITS.parameterName, 'region'],
  'AWS::RDS::DBCluster': ['DBClusterIdentifier', NAME_LIMITS.clusterIdentifier, 'region'],
  'AWS::RDS::DBInstance': ['DBInstanceIdentifier', 63, 'region'],
  'AWS::Events::EventBus': ['Name', NAME_LIMITS.busName, 'region'],
  'AWS::Events::Archive': ['ArchiveName', 48, 'region'],
  'AWS::CloudWatch::Dashboard': ['DashboardName', NAME_LIMITS.dashboardName, 'account'],
  'AWS::CloudWatch::Alarm': ['AlarmName', 255, 'region'],
  'AWS::SecretsManager::Secret': ['Name', NAME_LIMITS.secretName, 'region'],
  'AWS::IAM::Role': ['RoleName', 64, 'account'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName', 128, 'account'],
  'AWS::IAM::InstanceProfile': ['InstanceProfileName', 128, 'account'],
  'AWS::Lambda::Function': ['FunctionName', 64, 'region'],
  'AWS::ECS::Cluster': ['ClusterName', 255, 'region'],
  'AWS::ECS::TaskDefinition': ['Family', 255, 'region'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name', 32, 'region'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['Name', 32, 'region'],
  'AWS::ElastiCache::ReplicationGroup': ['ReplicationGroupId', 40, 'region'],
  'AWS::Scheduler::ScheduleGroup': ['Name', 64, 'region'],
  'AWS::SES::EmailIdentity': ['EmailIdentity', 320, 'region'],
  'AWS::KMS::Alias': ['AliasName', 256, 'region'],
  'AWS::DynamoDB::Table': ['TableName', 255, 'region'],
  'AWS::ECR::Repository': ['RepositoryName', 256, 'region'],
  'AWS::MSK::Cluster': ['ClusterName', 64, 'region'],
  'AWS::AutoScaling::AutoScalingGroup': ['AutoScalingGroupName', 255, 'region'],
  'AWS::EC2::LaunchTemplate': ['LaunchTemplateName', 128, 'region'],
  'AWS::Route53::RecordSet': ['Name', 255, 'global'],
};

/** How to give a name of these types to one environment only. */
const COLLISION_FIX: Readonly<Record<string, string>> = {
  'AWS::SES::EmailIdentity': "use a sender address per environment (the channel's from_address), or deploy each environment to its own account and acknowledge this",
  'AWS::Route53::RecordSet': 'use a name per environment ([deploy.env.<environment>.domain] subdomain), or deploy each environment to its own hosted zone and acknowledge this',
};

/** CloudFormation's limits (per stack; managed policies per role). */
export const CFN_LIMITS = { resources: 500, outputs: 200, parameters: 200, templateBytes: 1_000_000, managedPoliciesPerRole: 10 } as const;

/**
 * Whether a name is the environment's own: it has the environment as one of its words
 * (`/app/prod/x`, `app-prod-files`), or contains its stack's name, which has the environment
 * (as the names CDK makes do: `LedgerApp-prod-Compute` → `LedgerAppprodComputeWorkerTask91719740`).
 */
function namesEnvironment(name: string, environment: string, stack: string): boolean {
  const words = name.toLowerCase().split(/[^a-z0-9]+/);
  if (words.includes(environment)) return true;
  const squashed = stack.replace(/[^A-Za-z0-9]/g, '');
  return stack.toLowerCase().split(/[^a-z0-9]+/).includes(environment) && (name.includes(stack) || name.includes(squashed));
}

export const physicalNames: Check = ({ facts, region, environment }) => {
  const out: Draft[] = [];
  const others = ENVIRONMENTS.filter((e) => e !== environment);
  for (const t of facts.stacks) {
    if (t.stack.length > NAME_LIMITS.stackName) {
      out.push({ rule: 'NAME_TOO_LONG', message: `the stack name ${quote(t.stack, 140)} has ${t.stack.length} characters; CloudFormation allows ${NAME_LIMITS.stackName}` });
    }
  }
  for (const r of facts.resources) {
    const spec = PHYSICAL_NAMES[r.type];
    if (!spec) continue;
    const [property, limit, scope] = spec;
    const value = r.resource.Properties?.[property];
    if (value === undefined) continue;
    const length = nameLength(value, r.stack, region);
    const text = nameText(value, r.stack, region);
    if (length !== undefined && length > limit) {
      out.push({
        rule: 'NAME_TOO_LONG',
        message: `${r.type} ${shownName(r)} is named ${quote(text ?? '', 80)}, ${length} characters as deployed; AWS allows ${limit} for its ${property}`,
        resource: r,
      });
    }
    // The generated app's other environments send from a sub-address (`local+<env>@domain`): the address as written is prod's own.
    const prodSender = r.type === 'AWS::SES::EmailIdentity' && environment === 'prod' && text !== undefined && !text.includes('+');
    if (text !== undefined && !prodSender && !namesEnvironment(text, environment, r.stack)) {
      const where = scope === 'global' ? 'anywhere' : scope === 'account' ? 'in one account' : 'in one account and region';
      out.push({
        rule: 'NAME_COLLISION',
        message: `${r.type} ${shownName(r)} is named ${quote(text, 80)} in every environment (the name does not contain '${environment}'), so ${others.join(' or ')} deployed ${where} would collide with it`,
        ...(COLLISION_FIX[r.type] ? { fix: COLLISION_FIX[r.type] } : {}),
        resource: r,
      });
    }
  }
  return out;
};

export const cloudFormationLimits: Check = ({ facts }) => {
  const out: Draft[] = [];
  for (const t of facts.stacks) {
    const counts: [string, number, number][] = [
      ['resources', Object.keys(t.template.Resources ?? {}).length, CFN_LIMITS.resources],
      ['outputs', Object.keys(t.template.Outputs ?? {}).length, CFN_LIMITS.outputs],
      ['parameters', Object.keys(t.template.Parameters ?? {}).length, CFN_LIMITS.parameters],
    ];
    for (const [what, n, max] of counts) {
      if (n > max) out.push({ rule: 'CFN_LIMIT', message: `the stack ${t.stack} has ${n} ${what}; CloudFormation allows ${max} per stack`, at: { span: { file: t.file, line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, length: 0 } } });
    }
    if (t.bytes > CFN_LIMITS.templateBytes) {
      out.push({ rule: 'CFN_LIMIT', message: `the template of ${t.stack} is ${t.bytes} bytes; CloudFormation accepts at most ${CFN_LIMITS.templateBytes} (1 MB)`, at: { span: { file: t.file, line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, length: 0 } } });
    }
  }
  // Managed policies per role: those it lists, and those that name it.
  const perRole = new Map<string, { role: (typeof facts.resources)[number]; n: number }>();
  for (const role of facts.ofType('AWS::IAM::Role')) perRole.set(`${role.stack}/${role.logicalId}`, { role, n: listOf(role.resource.Properties?.ManagedPolicyArns).length });
  for (const mp of facts.ofType('AWS::IAM::ManagedPolicy')) {
    for (const ref of listOf(mp.resource.Properties?.Roles)) {
      const role = isObj(ref) || typeof ref === 'string' ? facts.target(ref, mp.stack) : undefined;
      const entry = role ? perRole.get(`${role.stack}/${role.logicalId}`) : undefined;
      if (entry) entry.n += 1;
    }
  }
  for (const { role, n } of perRole.values()) {
    if (n > CFN_LIMITS.managedPoliciesPerRole) {
      out.push({ rule: 'CFN_LIMIT', message: `the role ${shownName(role)} has ${n} managed policies; IAM attaches at most ${CFN_LIMITS.managedPoliciesPerRole} to a role`, resource: role });
    }
  }
  return out;
};
