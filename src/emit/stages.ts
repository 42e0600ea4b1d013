/**
 * The generated README's staged deploy (seed 004): the infrastructure stacks first, then the
 * application. Every stack reads what the stacks before it made from SSM parameters when it
 * deploys, so `cdk deploy --exclusively` of the application stacks alone works once the
 * infrastructure stacks exist.
 */
import { stackFamily, type BaseStackName, type DeploymentPlan, type StackName } from '../plan/index.js';
import { mdCode } from './code.js';
import { stackName } from './model.js';

/** Which stage a stack deploys in (a split family's further stacks, `Messaging2`…, with their family). */
const STAGE: Readonly<Record<BaseStackName, 'foundation' | 'infrastructure' | 'application'>> = {
  Observability: 'foundation',
  Network: 'foundation',
  TigerBeetle: 'infrastructure',
  Data: 'infrastructure',
  Kafka: 'infrastructure',
  Cache: 'infrastructure',
  Messaging: 'infrastructure',
  // The image repository exists before a workflow pushes the image the services run.
  Images: 'infrastructure',
  Nodes: 'application',
  Compute: 'application',
  Api: 'application',
  Frontend: 'application',
};

const TITLES = {
  foundation: 'the alarm topic and the network',
  infrastructure: 'the image repository and the data stores (the database, Kafka, the cache, queues and buses), which take the longest',
  application: 'the services, the node groups and what routes to them, and the static front end',
} as const;

/** `## Staged deploy`: the stacks in deploy order, by stage, each with its command. */
export function stagedDeploySection(plan: DeploymentPlan, ordered: readonly StackName[]): string {
  const stages = (['foundation', 'infrastructure', 'application'] as const)
    .map((stage) => ({ stage, stacks: ordered.filter((s) => STAGE[stackFamily(s)] === stage) }))
    .filter((x) => x.stacks.length);
  const lines = stages.map(
    // Inline code, not a fenced block: a stack name is written through mdCode, which escapes what a block could not.
    ({ stage, stacks }, i) => `${i + 1}. **${stage[0]?.toUpperCase()}${stage.slice(1)}**: ${TITLES[stage]}: ${mdCode(`npx cdk deploy ${stacks.map((s) => stackName(plan, s)).join(' ')} --exclusively`)}`,
  );
  return `## Staged deploy

\`npx cdk deploy --all\` deploys every stack in this order. To deploy in stages (the first deploy of a large
data tier takes 30-45 minutes), run the stages in order; each stack reads what the ones before it made (SSM
parameters, fixed names) when it deploys and imports nothing, so the application stacks deploy alone once the
infrastructure exists, and redeploying them leaves the data stacks untouched.

${lines.join('\n')}

Deploy order: ${ordered.map((s) => mdCode(stackName(plan, s))).join(' → ')}.

`;
}
