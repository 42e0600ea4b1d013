/**
 * Emission: the DeploymentPlan → every file of the CDK app, in memory. Pure:
 * no file system, no clock (the caller passes the time for the version file).
 * The writer in `cli` puts the files in place atomically.
 */
import { createHash } from 'node:crypto';
import { diag, quote, type Diagnostic, type Result } from '../diagnostics/index.js';
import { noFromAddress, notGenerated } from '../lower/index.js';
import type { DeploymentPlan, StackName } from '../plan/index.js';
import { VERSION } from '../version.js';
import { header, ident, jsdoc, json, mdCode, mdText, pascal, str } from './code.js';
import { because, secretRef, stackName, type EmitContext, type StackSource } from './model.js';
import { computeStack } from './stacks/compute.js';
import { dataStack } from './stacks/data.js';
import { isAddress, messagingStack } from './stacks/messaging.js';
import { networkStack } from './stacks/network.js';
import { observabilityStack } from './stacks/observability.js';
import { tigerBeetleReadme, tigerBeetleStack } from './stacks/tigerbeetle.js';
import { renderTemplate } from './template.js';
import { TEMPLATES } from './templates.js';

export type { EmitContext, StackSource } from './model.js';
export { renderTemplate } from './template.js';

/** The version file's name (seed format, extended with every file's checksum and the inputs' hash). */
export const VERSION_FILE = '.dazzle-infra-version.json';
export const VERSION_FILE_FORMAT = 1;

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
  if (a.kafka) say('an Amazon MSK cluster (deploy.kafka.enabled = true)', 'kafka.enabled', 'set [deploy.kafka] enabled = false to use EventBridge buses; `dazzle deploy plan` still shows the MSK plan');
  if (a.cache?.engine === 'kvrocks') say('a Kvrocks cache on ECS (deploy.cache.engine = "kvrocks")', 'cache.engine', 'use engine = "valkey" or "redis" (ElastiCache)');
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
  for (const s of a.services.filter((x) => x.runtime === 'ec2')) say(`the EC2 node group for service '${s.name}' (runtime = "ec2")`, `services.${s.name}.runtime`, 'use runtime = "fargate"; `dazzle deploy plan` still shows the EC2 plan');
  // Settings that build nothing yet (the lowering pass not-generated.ts stops plan and generate at their line first).
  if (a.frontend) out.push(notGenerated('frontend.source_dir', a.frontend.sourceDir));
  if (a.apiGateway) out.push(notGenerated('api_gateway.enabled', true));
  if (a.network.namespace) out.push(notGenerated('network.namespace', a.network.namespace));
  return out;
}

function stacksOf(ctx: EmitContext): StackSource[] {
  const present = new Set(ctx.plan.stacks.map((s) => s.name));
  const all: [StackName, (c: EmitContext) => StackSource][] = [
    ['Network', networkStack],
    ['TigerBeetle', tigerBeetleStack],
    ['Data', dataStack],
    ['Messaging', messagingStack],
    ['Compute', computeStack],
    ['Observability', observabilityStack],
  ];
  return all.filter(([n]) => present.has(n)).map(([, f]) => f(ctx));
}

/** `lib/app.ts`: every stack, wired through props, in dependency order. */
function appFile(ctx: EmitContext, stacks: readonly StackSource[]): string {
  const { plan } = ctx;
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
  return `${header('The stacks of the app, wired together through their props.', plan.app, plan.environment)}
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

/** What must exist in the account before the first deploy, or the services cannot start. */
function prerequisites(plan: DeploymentPlan): string {
  const a = plan.aws;
  const items: string[] = [];
  for (const s of a.secrets) {
    const env = mdText(s.env);
    if (s.from.kind === 'reference') {
      const ref = secretRef(s.from.ref);
      if (ref.service === 'ssm') items.push(`- SSM SecureString parameter ${mdCode(ref.arn ?? ref.name)} (for ${env})`);
      else items.push(`- Secrets Manager secret ${mdCode(ref.arn ?? ref.name)}${ref.jsonKey === null ? '' : `, with the key ${mdCode(ref.jsonKey)} in its JSON value`} (for ${env})`);
    } else {
      items.push(`- a value in the Secrets Manager secret ${mdCode(s.from.name)} (for ${env}); the Compute stack creates it with a random placeholder: put the real value in before the services need it`);
    }
  }
  if (a.services.some((s) => s.image.kind === 'asset')) items.push('- the CDK bootstrap stack in the account and region (`npx cdk bootstrap`): `cdk deploy` builds the service image and pushes it there');
  else items.push('- the CDK bootstrap stack in the account and region (`npx cdk bootstrap`)');
  if (a.loadBalancer.https && !a.loadBalancer.hostedZoneId && !a.loadBalancer.certificateArn) items.push(`- DNS for ${mdText(a.loadBalancer.domain)}: the first deploy waits until you add the certificate's validation CNAME (shown in the ACM console)`);
  return `## Before the first deploy\n\n${items.join('\n')}\n\n`;
}

function readme(ctx: EmitContext, stacks: readonly StackSource[]): string {
  const { plan } = ctx;
  const rows = stacks.map((s) => `| ${s.name} | ${mdCode(stackName(plan, s.name))} | ${mdCode(s.file)} |`);
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
app without installing anything here.

${prerequisites(plan)}## Stacks

| stack | CloudFormation name | file |
|---|---|---|
${rows.join('\n')}

Every resource has a comment naming the DSL construct or \`dazzle.toml\` key it comes
from. Construct IDs come from names in the DSL; renaming a construct replaces the
resource in AWS.

${tigerBeetleReadme(plan)}## Checks

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
  ]);
  for (const s of stacks) files.set(s.file, s.source);
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
  };
  files.set(VERSION_FILE, `${json(manifest, 2)}\n`);
  return { value: { files, stacks: stacks.map((s) => ({ name: s.name, id: stackName(plan, s.name), file: s.file })) }, diagnostics: [] };
}
