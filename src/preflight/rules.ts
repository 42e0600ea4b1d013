/**
 * The rules preflight evaluates, with their severities. The TigerBeetle
 * rules and their severities are the deployment guide's table (TB_*); the
 * others are dazzle's own. cdk-nag's rules keep their own names
 * (`AwsSolutions-IAM5`), with errors reported as high and warnings as medium.
 */
import type { Environment } from '../config/index.js';
import type { Level, RuleInfo } from './model.js';

const rule = (id: string, level: Level, title: string, help: string, environments?: readonly Environment[]): RuleInfo => ({
  id,
  level,
  title,
  help,
  ...(environments ? { environments } : {}),
  source: 'dazzle',
});

const OUTSIDE_DEV: readonly Environment[] = ['staging', 'prod'];
const PROD: readonly Environment[] = ['prod'];

/** TigerBeetle's limits and its documented hardware minimum. */
export const TIGERBEETLE = {
  /** "A replica requires at least 6 GiB RAM per machine" (docs.tigerbeetle.com, Operating › Hardware). */
  minMemoryGib: 6,
  /** A cluster has at most 6 replicas (`tigerbeetle format --replica-count`). */
  maxReplicas: 6,
  /** The deployment guide's IOPS: below 5,000 is under the minimum, below 10,000 under the recommendation. */
  minIops: 5000,
  recommendedIops: 10000,
  /** Production needs 3 replicas or more (the guide's node count table). */
  minProdReplicas: 3,
} as const;

/** Every rule of dazzle's own, by id. */
export const RULES = {
  APP_STALE: rule(
    'APP_STALE',
    'high',
    'the generated app was generated from other inputs',
    'Run `dazzle deploy generate` (for this environment) and commit the result, so that what is deployed is what the DSL and dazzle.toml say.',
  ),
  APP_EDITED: rule(
    'APP_EDITED',
    'medium',
    'a generated file was edited by hand',
    'Make the change in the DSL or dazzle.toml and regenerate, or acknowledge the edit; `dazzle deploy generate --dry-run` shows what a generation would change.',
  ),
  TB_EVEN_NODE_COUNT: rule('TB_EVEN_NODE_COUNT', 'critical', 'Node count must be odd for Raft', 'Use 1, 3, or 5 nodes: set [deploy.tigerbeetle] node_count.'),
  TB_INSUFFICIENT_NODES_PROD: rule('TB_INSUFFICIENT_NODES_PROD', 'high', 'Production needs 3+ nodes', 'Set [deploy.tigerbeetle] node_count = 3 (or 5) for prod.', PROD),
  TB_LOW_IOPS: rule('TB_LOW_IOPS', 'high', 'IOPS below 5,000 minimum', 'Increase `volume_iops` setting: [deploy.tigerbeetle] volume_iops = 10000 (at least 5000).', OUTSIDE_DEV),
  TB_SUBOPTIMAL_IOPS: rule('TB_SUBOPTIMAL_IOPS', 'medium', 'IOPS below 10,000 recommended', 'Set [deploy.tigerbeetle] volume_iops = 10000 or more for production.', PROD),
  TB_PUBLIC_ACCESS: rule(
    'TB_PUBLIC_ACCESS',
    'critical',
    'TigerBeetle ports publicly accessible',
    'Remove public CIDR rules: TigerBeetle ports (3000, 3001) take traffic only from the services and the other replicas, inside the VPC.',
  ),
  TB_AZ_SPREAD: rule(
    'TB_AZ_SPREAD',
    'high',
    'TigerBeetle replicas spread over fewer availability zones than a majority needs',
    'Spread the replicas so that losing any one zone leaves a majority: [deploy.network] az_count = 3 with 3 or 5 replicas.',
    PROD,
  ),
  TB_LOW_MEMORY: rule(
    'TB_LOW_MEMORY',
    'high',
    "TigerBeetle instance memory below TigerBeetle's documented minimum",
    `Use a size with at least ${TIGERBEETLE.minMemoryGib} GiB (TigerBeetle recommends 16-32 GiB per replica): [deploy.tigerbeetle] size = "r6i.large".`,
    OUTSIDE_DEV,
  ),
  TB_TEST_CLUSTER_ID: rule('TB_TEST_CLUSTER_ID', 'high', 'TigerBeetle cluster id 0 is reserved for testing', 'Set [deploy.tigerbeetle] cluster_id to a random number (1 or more).', OUTSIDE_DEV),
  TB_TOO_MANY_REPLICAS: rule('TB_TOO_MANY_REPLICAS', 'high', `TigerBeetle cluster with more than ${TIGERBEETLE.maxReplicas} replicas`, `Use at most ${TIGERBEETLE.maxReplicas} replicas (3 or 5 are odd, as the guide asks).`),
  NET_PUBLIC_INGRESS: rule(
    'NET_PUBLIC_INGRESS',
    'high',
    "public ingress other than the load balancer's 80/443",
    'Remove the rule, restrict it to the addresses that need it, or reach the resource through the load balancer or SSM Session Manager; acknowledge it if it is meant (e.g. a P2P port).',
  ),
  DATA_UNENCRYPTED: rule('DATA_UNENCRYPTED', 'high', 'data store without encryption at rest', 'Turn encryption at rest on for it (dazzle generates every data store encrypted; check lib/ for a hand edit).'),
  DATA_NOT_RETAINED: rule(
    'DATA_NOT_RETAINED',
    'high',
    'stateful resource deleted with its stack in prod',
    'Keep it when the stack or resource goes: a retain or snapshot removal policy (e.g. [deploy.database] removal_policy = "snapshot", [deploy.storage] removal_policy = "retain").',
    PROD,
  ),
  LB_PLAIN_HTTP: rule(
    'LB_PLAIN_HTTP',
    'high',
    'public load balancer serves plain HTTP in prod',
    'Set [deploy.domain] name (and hosted_zone_id or certificate_arn) so the load balancer serves HTTPS and redirects 80 to 443.',
    PROD,
  ),
  IAM_WILDCARD: rule(
    'IAM_WILDCARD',
    'medium',
    'IAM action or resource wildcard that no acknowledgement explains',
    "Name the actions and resources, or explain the wildcard where it is granted: Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::…]', reason: '…' }).",
  ),
  NAME_COLLISION: rule(
    'NAME_COLLISION',
    'medium',
    "physical name that would collide with another environment's",
    'Put the environment in the name, or deploy each environment to its own account (then acknowledge it).',
  ),
  NAME_TOO_LONG: rule('NAME_TOO_LONG', 'high', "name over AWS's length limit", 'Shorten the name (the app name, or the DSL or config name it is made from).'),
  CFN_LIMIT: rule('CFN_LIMIT', 'high', 'over a CloudFormation limit', 'Split the stack, or remove what it does not need; CloudFormation refuses the template as it is.'),
  REGION_UNAVAILABLE: rule(
    'REGION_UNAVAILABLE',
    'high',
    'resource type or availability zone that does not exist in the region',
    'Choose a [deploy] region that offers it, or leave the resource out.',
  ),
  CFN_SCHEMA: {
    id: 'CFN_SCHEMA',
    level: 'high',
    title: 'template fails CloudFormation schema validation',
    help: 'CloudFormation would reject the template at deploy: if lib/ was edited by hand check that change, otherwise report it as a defect of the generated app.',
    source: 'cloudformation',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/** True when `rule` applies in `environment`. */
export function appliesIn(rule: RuleInfo, environment: string): boolean {
  return !rule.environments || (rule.environments as readonly string[]).includes(environment);
}

/** The cdk-nag rule packs preflight can add to AwsSolutions (`--rules`), by the name given on the command line. */
export const NAG_PACKS = {
  hipaa: { className: 'HIPAASecurityChecks', prefix: 'HIPAA.Security', title: 'HIPAA Security' },
  'nist-800-53-r4': { className: 'NIST80053R4Checks', prefix: 'NIST.800.53.R4', title: 'NIST 800-53 rev 4' },
  'nist-800-53-r5': { className: 'NIST80053R5Checks', prefix: 'NIST.800.53.R5', title: 'NIST 800-53 rev 5' },
  'pci-dss-321': { className: 'PCIDSS321Checks', prefix: 'PCI.DSS.321', title: 'PCI DSS 3.2.1' },
  serverless: { className: 'ServerlessChecks', prefix: 'Serverless', title: 'Serverless' },
} as const;

export type NagPackName = keyof typeof NAG_PACKS;

/**
 * cdk-nag rules whose findings preflight reports under its own rule: an acknowledgement of
 * either name covers them (cdk-nag's IAM5 wildcards are IAM_WILDCARD's, which reads the
 * app's own explanations of them).
 */
export const SAME_RULE: Readonly<Record<string, string>> = { 'AwsSolutions-IAM5': 'IAM_WILDCARD' };

/** The pack AwsSolutions rules belong to (always run). */
export const AWS_SOLUTIONS_PREFIX = 'AwsSolutions';

/** The metadata of a cdk-nag rule, from one of its findings. */
export function nagRule(id: string, severity: 'error' | 'warning', description: string): RuleInfo {
  const title = description.split(/(?<=\.)\s/)[0] ?? description;
  return { id, level: severity === 'error' ? 'high' : 'medium', title, help: `${description} Fix it in the DSL or dazzle.toml, or acknowledge it: in lib/ next to the construct, or in dazzle.toml.`, source: 'cdk-nag' };
}

/** Whether an acknowledgement's rule names one of ours or a cdk-nag rule of a known pack. */
export function isKnownRule(id: string): boolean {
  if (id in RULES) return true;
  const dash = id.indexOf('-');
  if (dash < 0) return false;
  const prefix = id.slice(0, dash);
  return prefix === AWS_SOLUTIONS_PREFIX || Object.values(NAG_PACKS).some((p) => p.prefix === prefix);
}
