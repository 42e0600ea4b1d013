/**
 * What the stack emitters share: the context they render from, the shape of
 * one rendered stack, and the member names of the generated stacks.
 *
 * How the generated stacks connect (the design; `lib/wiring.ts` of the app):
 *
 * - No stack uses another stack's constructs, so aws-cdk makes no CloudFormation
 *   export. An export that another stack imports can be neither removed nor changed,
 *   so removing a channel, turning HTTPS on or changing `az_count` made the owner's
 *   update fail. Stacks share values instead by
 *   - fixed physical names, from which the using stack builds the ARN or URL: queues
 *     (`<app>-<env>-<name>`), buses, email identities, the alarm topic, the alarms,
 *     the TigerBeetle parameters; and
 *   - SSM parameters the owner writes and the stacks after it read when they
 *     deploy (one template parameter each, so few per stack): the VPC, subnet and
 *     security group IDs (Network), the database endpoints, the generated
 *     credentials' secret ARN and the Data stack's creation id (Data). Per-resource
 *     values never need one: a bucket's name is its fixed prefix and the Data
 *     stack's creation id, so a stack reads one parameter for any number of buckets.
 * - Deploy order (lib/app.ts): Observability (the alarm topic) and Network first,
 *   then TigerBeetle, Data and Messaging, then Compute. Every owner deploys before
 *   the stacks that read its names and parameters.
 * - The stack that owns a resource owns its alarms (the plan lists them in
 *   `plan.aws.alarms`); each alarm notifies the topic by its ARN. The
 *   Observability dashboard shows every alarm by the ARN built from its name.
 * - Each service has its own task role, with statements that name the resources
 *   by their ARNs (never by an import); only the worker consumes the queues.
 * - A name kept after its stack is deleted (buckets, log groups, the cluster,
 *   created secrets) ends with the stack's creation id (the first 8 characters of
 *   its CloudFormation stack ID), so creating the stack again never meets it.
 *   Every fixed name includes the environment (`src/lower/aws-names.ts`).
 * - Every resource the emitters make is a resource of the plan first (with its
 *   CloudFormation expansion), so the plan's counts and costs are the app's.
 */
import { parseSecretRef, type SecretRef } from '../config/index.js';
import { InternalError } from '../diagnostics/index.js';
import type { DeploymentPlan, PlanResource, StackName } from '../plan/index.js';
import { stackName as cfnStackName, type Because } from '../lower/index.js';
import { ident, jsdoc, pascal } from './code.js';

export interface EmitContext {
  readonly plan: DeploymentPlan;
  /** The project folder as the DSL spans name it (stripped from paths in comments). */
  readonly projectRoot: string;
  /** The output folder relative to the project (POSIX), e.g. `infra`. */
  readonly outDir: string;
  /** The project folder relative to the output folder (POSIX), e.g. `..`. */
  readonly projectFromOut: string;
}

/** A field of a stack's props, and the expression `lib/app.ts` passes for it. */
export interface StackProp {
  readonly field: string;
  readonly type: string;
  readonly doc: string;
  readonly value: string;
}

export interface StackSource {
  readonly name: StackName;
  readonly className: string;
  /** e.g. `lib/network-stack.ts` */
  readonly file: string;
  /** Variable holding the stack in `lib/app.ts`. */
  readonly variable: string;
  readonly props: readonly StackProp[];
  readonly source: string;
}

/** `export interface XStackProps extends StackProps { … }`: one documented, readonly field per prop. */
export function propsInterface(className: string, props: readonly StackProp[]): string {
  if (!props.length) return `export interface ${className}Props extends StackProps {}`;
  return `export interface ${className}Props extends StackProps {\n${props.map((p) => `${jsdoc(p.doc, '  ')}\n  readonly ${ident(p.field)}: ${p.type};`).join('\n')}\n}`;
}

/** A rendered stack file; its class, file and \`lib/app.ts\` variable names follow from the stack's name. */
export function stackSource(name: StackName, props: readonly StackProp[], source: string): StackSource {
  return { name, className: `${name}Stack`, file: `lib/${name.toLowerCase()}-stack.ts`, variable: (name[0] ?? '').toLowerCase() + name.slice(1), props, source };
}

/** Member names the generated stacks expose (construct IDs come from the same names); checked identifiers. */
export const member = {
  bucket: (name: string) => ident(`bucket${pascal(name)}`),
  queue: (name: string) => ident(`queue${pascal(name)}`),
  deadLetterQueue: (name: string) => ident(`deadLetterQueue${pascal(name)}`),
  bus: (name: string) => ident(`bus${pascal(name)}`),
  service: (name: string) => ident(`service${pascal(name)}`),
  email: (name: string) => ident(`email${pascal(name)}`),
} as const;

/**
 * Identifiers declared in one scope of generated code must differ: two names that
 * mangle to the same identifier would be a duplicate declaration (the linker rejects
 * such names; this keeps emission from writing code that cannot compile).
 */
export function distinct(scope: string, identifiers: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of identifiers) {
    if (seen.has(id)) throw new InternalError(`${scope}: two names become the identifier ${id}`);
    seen.add(id);
  }
}

/** A `[deploy.secrets]` reference, read by the config's one parser (the loader accepted it, so a failure is dazzle's). */
export function secretRef(ref: string): SecretRef {
  const parsed = parseSecretRef(ref);
  // The reference is not quoted: a value written there by mistake may be the secret itself.
  if (!parsed.ok) throw new InternalError(`a [deploy.secrets] reference that the configuration accepted does not parse: ${parsed.problem}`);
  return parsed.value;
}

/** The plan's resource with this construct ID (its reasons become the code comment). */
export function resource(plan: DeploymentPlan, stack: StackName, id: string): PlanResource | undefined {
  return plan.stacks.find((s) => s.name === stack)?.resources.find((r) => r.id === id);
}

export function because(plan: DeploymentPlan, stack: StackName, id: string): readonly Because[] {
  return resource(plan, stack, id)?.because ?? [];
}

/** CloudFormation stack name: `LedgerApp-prod-Network`. */
export function stackName(plan: DeploymentPlan, stack: StackName): string {
  return cfnStackName(plan.app, plan.environment, stack);
}

/** `RemovalPolicy.X` for a plan policy. */
export function removalPolicy(p: 'snapshot' | 'retain' | 'destroy'): string {
  return p === 'snapshot' ? 'RemovalPolicy.SNAPSHOT' : p === 'retain' ? 'RemovalPolicy.RETAIN' : 'RemovalPolicy.DESTROY';
}

/**
 * The availability zones the VPC spans, by name, as the plan chose them (the configuration's list, or
 * the region's zones from dazzle's table): fixed at generation so synth needs no AWS account lookups.
 */
export function availabilityZones(plan: DeploymentPlan): string[] {
  const { zones, azCount } = plan.aws.network;
  if (zones.length !== azCount) throw new InternalError(`the plan has ${zones.length} availability zones for az_count ${azCount}`);
  return [...zones];
}

/** Which security groups the Network stack makes (one per tier that exists). */
export function tiers(plan: DeploymentPlan) {
  const a = plan.aws;
  return {
    tigerBeetle: a.tigerbeetle !== null,
    database: a.database !== null,
    cache: a.cache !== null,
  };
}
