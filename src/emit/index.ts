/**
 * Emission: the DeploymentPlan → every file of the CDK app, in memory. Pure:
 * no file system, no clock (the caller passes the time for the version file).
 * The writer in `cli` puts the files in place atomically.
 */
import { createHash } from 'node:crypto';
import { diag, InternalError, quote, type Diagnostic, type Result } from '../diagnostics/index.js';
import { noFromAddress } from '../lower/index.js';
import { computeStackNeeded, DASHBOARD_GRAPHS, envName, IMAGE_TAG_CONTEXT, stackFamily, type BaseStackName, type DeploymentPlan, type StackName } from '../plan/index.js';
import { VERSION } from '../version.js';
import { header, ident, jsdoc, json, mdCode, mdText, pascal, str } from './code.js';
import { because, secretRef, stackName, type EmitContext, type StackSource } from './model.js';
import { computeStack } from './stacks/compute.js';
import { imagesStack } from './stacks/images.js';
import { dataStack } from './stacks/data.js';
import { frontendStack } from './stacks/frontend.js';
import { apiGatewayReadme, apiGatewayStack } from './stacks/api-gateway.js';
import { kafkaStack } from './stacks/kafka.js';
import { kvrocksReadme, kvrocksStack } from './stacks/kvrocks.js';
import { stagedDeploySection } from './stages.js';
import { isAddress, messagingStack } from './stacks/messaging.js';
import { networkStack } from './stacks/network.js';
import { nodeGroupFile, nodesReadme, nodesStack } from './stacks/nodes.js';
import { observabilityStack } from './stacks/observability.js';
import { tigerBeetleReadme, tigerBeetleStack } from './stacks/tigerbeetle.js';
import { wiringFile } from './stacks/wiring.js';
import { renderTemplate } from './template.js';
import { TEMPLATES } from './templates.js';
import { VERSION_FILE, VERSION_FILE_FORMAT } from './version-file-name.js';

export type { EmitContext, StackSource } from './model.js';
export { renderTemplate } from './template.js';

export { VERSION_FILE, VERSION_FILE_FORMAT };

export interface EmitInput extends EmitContext {
  /** sha256 of the inputs: the DSL files and the resolved configuration. */
  readonly inputsChecksum: string;
  /** ISO time for `generated_at` (the only value that may differ between two runs). */
  readonly generatedAt: string;
}

export interface GeneratedApp {
  /** Relative POSIX path → contents, the version file included. */
  readonly files: ReadonlyMap<string, string>;
  readonly stacks: readonly { readonly name: StackName; readonly id: string; readonly file: string }[];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** What the plan asks for that this version cannot render yet: an error, never a silent omission. */
function unsupported(plan: DeploymentPlan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const a = plan.aws;
  const say = (what: string, key: string, hint: string) => out.push(diag('DZ7001', `dazzle ${VERSION} cannot generate ${what} yet`, { keyPath: `deploy.${key}`, hint }));
  for (const e of a.emailIdentities) {
    // The channel's line in the DSL (the plan's provenance of its SES identity).
    const at = because(plan, 'Messaging', `Email${pascal(e.name)}`).find((x) => x.kind === 'dsl');
    const span = at?.kind === 'dsl' ? { span: at.span } : {};
    if (!e.fromAddress) {
      out.push(noFromAddress(e.name, span.span));
    } else if (!isAddress(e.fromAddress)) {
      out.push(
        diag('DZ7003', `email channel '${e.name}' has from_address ${quote(e.fromAddress)}, which is not an email address, so SES cannot verify it`, {
          ...span,
          hint: 'set from_address to the address the app sends from, like "orders@example.com"',
        }),
      );
    }
  }
  // One EC2 node group as the whole web tier (the lowering refuses anything else at its line: DZ5101).
  if (a.nodeGroups.length > 1 || (a.nodeGroups.length && computeStackNeeded(a))) {
    const g = a.nodeGroups[0] as { service: string };
    out.push(diag('DZ7060', `dazzle ${VERSION} generates one EC2 node group as the whole web tier, without ECS services, a cache or secrets to create beside it; service '${g.service}' has company`, { keyPath: `deploy.services.${g.service}.runtime`, hint: 'deploy the node group as an app of its own, or use runtime = "fargate"' }));
  }
  // Settings that build nothing yet (the lowering pass not-generated.ts stops plan and generate at their line first).
  return out;
}

/** The renderer of each family of stacks (a split family's further stacks, `Messaging2`…, render with their family's). */
const RENDERERS: Readonly<Record<BaseStackName, (c: EmitContext, name: StackName) => StackSource>> = {
  Network: (c) => networkStack(c),
  TigerBeetle: (c) => tigerBeetleStack(c),
  Data: dataStack,
  Kafka: (c) => kafkaStack(c),
  Cache: (c) => kvrocksStack(c),
  Messaging: messagingStack,
  Images: (c) => imagesStack(c),
  Nodes: (c) => nodesStack(c),
  Compute: computeStack,
  Frontend: (c) => frontendStack(c),
  Api: (c) => apiGatewayStack(c),
  Observability: (c) => observabilityStack(c),
};

function stacksOf(ctx: EmitContext): StackSource[] {
  return ctx.plan.stacks.map((s) => RENDERERS[stackFamily(s.name)](ctx, s.name));
}

/** The stacks in an order in which every stack comes after those it depends on (stable otherwise). */
function deployOrder(plan: DeploymentPlan, stacks: readonly StackSource[]): StackSource[] {
  const deps = (s: StackSource) => (plan.stacks.find((p) => p.name === s.name)?.dependsOn ?? []).filter((d) => stacks.some((x) => x.name === d));
  const out: StackSource[] = [];
  const placed = new Set<StackName>();
  while (out.length < stacks.length) {
    const next = stacks.find((s) => !placed.has(s.name) && deps(s).every((d) => placed.has(d)));
    if (!next) throw new InternalError(`the stacks depend on each other in a cycle: ${stacks.filter((s) => !placed.has(s.name)).map((s) => s.name).join(', ')}`);
    out.push(next);
    placed.add(next.name);
  }
  return out;
}

/**
 * `lib/app.ts`: every stack, in deployment order. The stacks pass each other no constructs (so
 * aws-cdk makes no export); the order makes every stack deploy after the stacks whose names and
 * SSM parameters it uses (lib/wiring.ts).
 */
function appFile(ctx: EmitContext, unordered: readonly StackSource[]): string {
  const { plan } = ctx;
  const stacks = deployOrder(plan, unordered);
  const imports = stacks.map((s) => `import { ${ident(s.className)} } from ${str(`./${s.file.replace(/^lib\//, '').replace(/\.ts$/, '')}`)};`);
  const lines: string[] = [];
  for (const s of stacks) {
    const deps = plan.stacks.find((p) => p.name === s.name)?.dependsOn ?? [];
    const props = [
      `    stackName: ${str(stackName(plan, s.name))},`,
      '    env,',
      `    description: ${str(`${s.name} for ${plan.app} (${plan.environment}), generated by dazzle`)},`,
      ...s.props.map((p) => `    ${ident(p.field)}: ${p.value},`),
    ];
    lines.push(`  const ${ident(s.variable)} = new ${ident(s.className)}(app, ${str(stackName(plan, s.name))}, {\n${props.join('\n')}\n  });`);
    const explicit = deps.filter((d) => stacks.some((x) => x.name === d));
    for (const d of explicit) {
      const dv = stacks.find((x) => x.name === d) as StackSource;
      lines.push(`  ${s.variable}.addStackDependency(${dv.variable});`);
    }
  }
  const tags = { 'dazzle:app': plan.app, 'dazzle:environment': plan.environment };
  return `${header('The stacks of the app, in the order they deploy.', plan.app, plan.environment)}
import { Tags, type App, type Environment } from 'aws-cdk-lib';
${imports.join('\n')}

/**
 * Where the stacks deploy. The account is the one \`cdk deploy\` has credentials
 * for; the region (and the availability zones, in the Network stack) are fixed
 * at generation, so synth needs no AWS lookups.
 */
export const env: Environment = { region: ${str(plan.region)} };

${jsdoc(`Adds the ${plan.environment} stacks of ${plan.app} to \`app\`.`)}
export function addStacks(app: App): void {
${lines.join('\n')}
${Object.entries(tags).map(([k, v]) => `  Tags.of(app).add(${str(k)}, ${str(v)});`).join('\n')}
}
`;
}

/** What must exist in the account (and on the deploying machine) before the first deploy, or the services cannot start. */
function prerequisites(plan: DeploymentPlan): string {
  const a = plan.aws;
  const items: string[] = [];
  const assets = a.services.filter((s) => s.image.kind === 'asset');
  if (assets.length) {
    items.push(
      `- Docker, running on the machine that runs \`cdk deploy\` (a workstation or a CI runner): \`cdk deploy\` builds the service image from ${[...new Set(assets.map((s) => (s.image.kind === 'asset' ? mdCode(s.image.dockerfile) : '')))].join(', ')} there and pushes it to the bootstrap ECR repository. To deploy without Docker, build and push the image elsewhere and set \`[deploy.compute] image\` to it.`,
    );
  }
  if (a.images) {
    const im = a.images;
    items.push(
      `- or, with no Docker where \`cdk deploy\` runs: the workflow that \`dazzle deploy ci init\` writes builds ${im.builds.map((b) => `${mdCode(b.dockerfile)} as ${mdCode(`<tag>${b.tagSuffix}`)}`).join(', ')} on its runner (docker buildx) and pushes ${im.builds.length === 1 ? 'it' : 'them'} to the Images stack's repository ${mdCode(im.repositoryName)}, which deploys first (${mdCode(`npx cdk deploy ${stackName(plan, 'Images')}`)}); then \`npx cdk deploy --all -c ${IMAGE_TAG_CONTEXT}=<tag>\` runs that image and builds nothing.`,
    );
  }
  const images = new Map<string, { readonly ecr: boolean; readonly services: string[] }>();
  for (const s of a.services) {
    if (s.image.kind !== 'uri') continue;
    const seen = images.get(s.image.uri) ?? { ecr: s.image.ecrRepositoryArn !== null, services: [] };
    seen.services.push(s.name);
    images.set(s.image.uri, seen);
  }
  for (const [uri, { ecr, services }] of images) {
    items.push(`- the image ${mdCode(uri)} (for ${services.map(mdText).join(', ')}), pushed${ecr ? '; the execution role may pull from its ECR repository (a repository in another account must also allow this account to pull)' : ''}`);
  }
  for (const s of a.secrets) {
    const env = mdText(s.env);
    const db = s.env === 'DATABASE_PASSWORD' && a.database?.credentials.kind === 'reference' ? ', and the database\'s master password: create it before the Data stack deploys' : '';
    if (s.from.kind === 'reference') {
      const ref = secretRef(s.from.ref);
      if (ref.service === 'ssm') items.push(`- SSM SecureString parameter ${mdCode(ref.arn ?? ref.name)} (for ${env}${db})`);
      else items.push(`- Secrets Manager secret ${mdCode(ref.arn ?? ref.name)}${ref.jsonKey === null ? '' : `, with the key ${mdCode(ref.jsonKey)} in its JSON value`} (for ${env}${db})`);
    } else {
      items.push(`- a value in the Secrets Manager secret ${mdCode(`${s.from.name}-<creation id>`)} (for ${env}); the Compute stack creates it with a random placeholder: put the real value in before the services need it`);
    }
  }
  items.push(`- the CDK bootstrap stack in the account and region (\`npx cdk bootstrap\`)${assets.length ? ': `cdk deploy` pushes the service image there' : ''}`);
  if (a.frontend) items.push(`- the CDK bootstrap stack in us-east-1 too (\`npx cdk bootstrap aws://<account>/us-east-1\`), where the Frontend stack deploys (CloudFront's certificates), and the built front end in ${mdCode(a.frontend.sourceDir)} before \`cdk deploy\` uploads it`);
  for (const e of a.emailIdentities) {
    if (e.identity) items.push(`- a mailbox for ${mdCode(e.identity)} (email channel ${mdText(e.name)}): SES sends it a verification link, and mail can be sent from it once the link is followed`);
  }
  if (a.loadBalancer.https && !a.loadBalancer.hostedZoneId && !a.loadBalancer.certificateArn) items.push(`- DNS for ${mdText(a.loadBalancer.domain)}: the first deploy waits until you add the certificate's validation CNAME (shown in the ACM console)`);
  return `## Before the first deploy\n\n${items.join('\n')}\n\n`;
}

/** The stacks that place resources in the Network stack's subnets (they read its subnet parameters). */
function subnetReaders(plan: DeploymentPlan): StackName[] {
  const subnets = Object.values(plan.aws.wiring.network.subnets) as string[];
  return plan.stacks.filter((s) => s.reads.some((r) => subnets.includes(r))).map((s) => s.name);
}

/** How the stacks use each other, and what that means for changes (README section). */
function wiringSection(plan: DeploymentPlan, stacks: readonly StackSource[]): string {
  const rows = plan.stacks
    .filter((s) => stacks.some((x) => x.name === s.name))
    .map((s) => `| ${s.name} | ${s.dependsOn.length ? s.dependsOn.join(', ') : '—'} | ${s.reads.length ? s.reads.map(mdCode).join('<br>') : '—'} |`);
  return `## How the stacks connect

No stack uses another stack's constructs, so there is no CloudFormation export between them.
(An export that another stack imports can be neither changed nor removed: removing a channel,
turning HTTPS on or changing \`az_count\` would make the owner's update fail.) Instead, in
\`lib/wiring.ts\`:

- **Fixed names.** Queues, buses, email identities, the alarm topic, the alarms and the
  TigerBeetle parameters have names fixed at generation; a stack that uses one builds its ARN
  or URL from the name.
- **SSM parameters.** What only exists once deployed (the VPC, subnet and security group IDs,
  the database endpoints and its secret, the Data stack's creation id) is written by the stack
  that owns it and read by the stacks after it **when they deploy** (a template parameter of
  type \`AWS::SSM::Parameter::Value<String>\`, resolved again on every deploy of the reader).

| stack | deploys after | reads when it deploys |
|---|---|---|
${rows.join('\n')}

What this trades: CloudFormation no longer stops you from deleting a stack another one still
uses; the deploy order (\`lib/app.ts\`, followed by \`cdk deploy --all\`) keeps every owner
ahead of its readers instead. A value a stack reads is re-read each time that stack deploys,
so deploy with \`--all\` after a change. The one change that needs a different order is
**lowering \`az_count\`**: the subnets of the zone that goes away are still in use, so deploy
the stacks that use them first, then the Network stack:
${mdCode(`npx cdk deploy ${subnetReaders(plan).map((s) => stackName(plan, s)).join(' ')} --exclusively`)},
then \`npx cdk deploy --all\`.

`;
}

/** How the app grows within CloudFormation's, IAM's and CloudWatch's limits (README section). */
function growthSection(plan: DeploymentPlan): string {
  const a = plan.aws;
  const split = (['Messaging', 'Data', 'Compute'] as const).map((f) => [f, plan.stacks.filter((s) => stackFamily(s.name) === f).map((s) => s.name)] as const).filter(([, xs]) => xs.length > 1);
  const now = split.length ? `\n\nThis app is split so now: ${split.map(([f, xs]) => `${f} into ${xs.map(mdCode).join(', ')}`).join('; ')}.` : '';
  const prefixed = a.services.filter((s) => s.policy.naming.queues === 'prefix' || s.policy.naming.buckets === 'prefix' || s.policy.naming.buses === 'prefix');
  const roles = prefixed.length
    ? ` The task role${prefixed.length === 1 ? '' : 's'} of ${prefixed.map((s) => mdText(s.role === 'worker' ? 'the worker' : s.name)).join(', ')} do${prefixed.length === 1 ? 'es' : ''} so now (each statement says so in its cdk-nag acknowledgement).`
    : '';
  const graphs = a.dashboard.graphsOmitted ? ` Here ${a.dashboard.graphsOmitted} alarms are shown by their state only.` : '';
  return `## Growing within AWS's limits

\`dazzle deploy plan\` counts what each stack holds against CloudFormation's limits (500 resources,
200 outputs, 200 parameters, a 1 MB template), each task role against IAM's (10 managed policies,
10,240 characters of inline policy), the security groups against EC2's 60 rules and each task
definition against ECS's 64 KiB; it warns at 80% of a limit and stops at 100%, naming what drives
the count.

- **Stacks that split.** When the Messaging, Data or Compute stack would pass 80% of a limit, the
  queues, schedules, buses and email identities (Messaging), buckets (Data) or web services
  (Compute) that do not fit go to a further stack of the same kind: \`Messaging2\`, \`Messaging3\`…
  A resource stays in the stack it was first placed in: \`.dazzle-infra-version.json\` records
  where each one went (\`placement\`), and the next generation keeps it there, because moving a
  queue, a bucket or a service to another stack would delete it in one and create it in the other.
  A new one takes the first stack with room (in name order), or starts the next stack. Keep the
  version file with the app: generated without it, the resources are placed afresh by name. The
  further stacks share values like the others, by names and SSM parameters: a further Compute
  stack reads the cluster, the listener and the log group the first one publishes.
- **Policies by prefix.** A task role lists the ARN of each queue, bucket and bus it may use until
  that would pass the size at which aws-cdk-lib moves statements into managed policies; then it
  names them by the prefix every name of this app and environment starts with (\`<app>-<env>-*\`,
  and for buckets \`<app>-<env>-*-<creation id>\`).${roles}
- **The dashboard** shows every alarm's state (100 alarms a widget) and graphs the metric of at most
  ${DASHBOARD_GRAPHS} alarms, the services', the database's and TigerBeetle's first (a dashboard holds at
  most 500 widgets).${graphs}${now}

`;
}

/** Names, credentials and alarms: the choices a reader of the stacks needs explained (README section). */
function choicesSection(plan: DeploymentPlan): string {
  const a = plan.aws;
  const parts: string[] = [];
  parts.push(`## Names

Every fixed name includes the environment (${mdCode(plan.environment)}), so the environments of
one app can share an account and region. A resource that can outlive its stack (the buckets,
the log groups and the secrets, which prod keeps when a stack is deleted; the database
cluster, kept or snapshotted) must not have a name that creating the stack again would meet,
so its name ends with its stack's **creation id**: the first 8 characters of the
CloudFormation stack ID, which is new each time a stack is created. A kept resource stays
yours, to delete or to restore from.`);
  if (a.emailIdentities.length) {
    parts.push(`An SES identity belongs to the account and region, so two environments cannot both create
one address. Prod sends from the address the channel names; every other environment sends from
its sub-address (\`orders+staging@example.com\`), a separate identity that reaches the same
mailbox at most providers. The app is told which address to use: ${a.emailIdentities.map((e) => mdCode(`EMAIL_${envName(e.name)}_FROM`)).join(', ')}.`);
  }
  const db = a.database;
  if (db) {
    const source =
      db.credentials.kind === 'generated'
        ? 'The Data stack generates the master password in Secrets Manager; the cluster and the services read that one secret (`DATABASE_USER`, `DATABASE_PASSWORD`).'
        : `The master password is the one in ${mdCode(db.credentials.ref)} (\`[deploy.secrets] database_password\`): the cluster is created with it, and the services receive the same reference as \`DATABASE_PASSWORD\`. CloudFormation reads it only when it creates or updates the cluster: to change the password, change it in the database first (\`ALTER USER\`, or \`aws rds modify-db-cluster --master-user-password\`), then the value, then restart the services.`;
    parts.push(`## Database credentials

The services log in as ${mdCode(db.masterUser)}. ${source} \`DATABASE_URL\` is
\`postgresql://${mdText(db.masterUser)}@<host>:5432/${mdText(db.databaseName)}?sslmode=require\`, without the password:
libpq-based drivers (psycopg, and so the Dazzle runtime) take it from \`PGPASSWORD\`, which the
services receive as an ECS secret like \`DATABASE_PASSWORD\`.${db.readers > 0 ? ' `DATABASE_READER_HOST` is the reader endpoint.' : ''}`);
  }
  const byStack = [...new Set(a.alarms.map((x) => x.stack))];
  parts.push(`## Alarms

Each alarm lives in the stack that owns what it watches (${byStack.join(', ')}), and notifies
${a.observability.snsTopicArn ? `the topic ${mdCode(a.observability.snsTopicArn)}` : `the topic ${mdCode(a.observability.alarmTopicName)} of the Observability stack, which deploys first so that the topic exists before any alarm names it`}.
A total outage pages: a web service with no healthy target, or any service running fewer tasks
than desired, alarms, and these alarms treat missing data as breaching (no data means the
service or its target group is gone). Each alarm's comment says how it treats missing data and
why. The Observability dashboard shows every alarm, by name.`);
  return `${parts.join('\n\n')}\n\n`;
}

function readme(ctx: EmitContext, stacks: readonly StackSource[]): string {
  const { plan } = ctx;
  const rows = stacks.map((s) => `| ${s.name} | ${mdCode(stackName(plan, s.name))} | ${mdCode(s.file)} |`);
  const docker = plan.aws.services.some((s) => s.image.kind === 'asset');
  return `# Infrastructure for ${mdText(plan.app)} (${mdText(plan.environment)})

A CDK app in TypeScript, generated by \`dazzle deploy generate\` from the DSL and
\`dazzle.toml\`. It is yours: read it, deploy it, change it.

## Deploy

\`\`\`sh
npm install
npx cdk deploy --all
\`\`\`

\`npx cdk synth\` works offline without AWS credentials: the region (${mdText(plan.region)}) and the
availability zones are fixed in the code. \`dazzle deploy synth\` synthesizes the same
app without installing anything here.${docker ? ' `cdk deploy` (not synth) builds the service image with Docker on the machine that runs it.' : ''}

${prerequisites(plan)}## Stacks

| stack | CloudFormation name | file |
|---|---|---|
${rows.join('\n')}

Every resource has a comment naming the DSL construct or \`dazzle.toml\` key it comes
from. Construct IDs come from names in the DSL; renaming a construct replaces the
resource in AWS.

${tigerBeetleReadme(plan)}${nodesReadme(plan)}${kvrocksReadme(plan)}${apiGatewayReadme(plan)}${stagedDeploySection(plan, deployOrder(plan, stacks).map((s) => s.name))}${wiringSection(plan, stacks)}${growthSection(plan)}${choicesSection(plan)}## Checks

The cdk-nag AWS Solutions rules run on every synth (\`bin/app.ts\`). A finding the
design accepts is acknowledged next to the resource with its reason
(\`Validations.of(...).acknowledge\`).

## Changing it

Prefer changing the DSL or \`dazzle.toml\` and running \`dazzle deploy generate\` again.
A file you edit here is not overwritten by the next generation (it stops and names
the file) unless you pass \`--force\`. \`.dazzle-infra-version.json\` records the
checksum of every generated file and of the inputs it was generated from.
`;
}

/** Render the whole app. Fails (as diagnostics) only for plans this version cannot render. */
export function emitApp(input: EmitInput): Result<GeneratedApp | undefined> {
  const blocked = unsupported(input.plan);
  if (blocked.length) return { value: undefined, diagnostics: blocked };
  const { plan } = input;
  const stacks = stacksOf(input);
  const values = { app: plan.app, environment: plan.environment, dazzleVersion: VERSION };
  const files = new Map<string, string>([
    ['package.json', renderTemplate('package.json', TEMPLATES.packageJson, { ...values, packageName: `${plan.app.replace(/_/g, '-').toLowerCase()}-infra` })],
    ['cdk.json', renderTemplate('cdk.json', TEMPLATES.cdkJson, {})],
    ['tsconfig.json', renderTemplate('tsconfig.json', TEMPLATES.tsconfigJson, {})],
    ['bin/app.ts', renderTemplate('bin/app.ts', TEMPLATES.binApp, values)],
    ['.gitignore', 'node_modules/\ncdk.out/\n'],
    ['README.md', readme(input, stacks)],
    ['lib/app.ts', appFile(input, stacks)],
    ['lib/wiring.ts', wiringFile(input)],
  ]);
  for (const s of stacks) files.set(s.file, s.source);
  if (plan.aws.nodeGroups.length) files.set('lib/node-group.ts', nodeGroupFile());
  const checksums = [...files.entries()].map(([path, text]) => ({ path, checksum: sha256(text) })).sort((a, b) => (a.path < b.path ? -1 : 1));
  const version = sha256(JSON.stringify({ files: checksums, inputs: input.inputsChecksum })).slice(0, 12);
  const manifest = {
    version,
    dazzle_version: VERSION,
    generated_at: input.generatedAt,
    environment: plan.environment,
    format_version: VERSION_FILE_FORMAT,
    app: plan.app,
    region: plan.region,
    inputs: { checksum: input.inputsChecksum },
    stacks: stacks.map((s) => ({ name: s.name, id: stackName(plan, s.name), file: s.file, checksum: sha256(s.source) })),
    files: checksums,
    // Where each queue, schedule, bus, email identity, bucket and web service went: the next generation keeps them there.
    placement: plan.placement,
  };
  files.set(VERSION_FILE, `${json(manifest, 2)}\n`);
  return { value: { files, stacks: stacks.map((s) => ({ name: s.name, id: stackName(plan, s.name), file: s.file })) }, diagnostics: [] };
}
