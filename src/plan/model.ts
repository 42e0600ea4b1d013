/**
 * The DeploymentPlan: the stacks, their resources with sizes and costs, the
 * dependencies between stacks, and what each service receives. `plan` prints
 * it; `generate` renders exactly it.
 */
import type { Because } from '../lower/index.js';
import type { AwsRequirements } from './aws.js';

export const PLAN_FORMAT_VERSION = 1;

export const STACK_NAMES = ['Network', 'TigerBeetle', 'Data', 'Kafka', 'Cache', 'Messaging', 'Images', 'Nodes', 'Compute', 'Api', 'Frontend', 'Observability'] as const;
/** One of the twelve stacks (the first stack of its family, when the family is split). */
export type BaseStackName = (typeof STACK_NAMES)[number];

/**
 * The stacks the plan splits when one would pass a CloudFormation limit: `Messaging` (queues,
 * schedules, buses, email identities), `Data` (buckets) and `Compute` (web services) continue in
 * `Messaging2`, `Messaging3`… (see `src/plan/shards.ts` for the rule).
 */
export const SHARDED_STACKS = ['Data', 'Messaging', 'Compute'] as const;
export type ShardedStackName = (typeof SHARDED_STACKS)[number];

/** A stack of the plan: one of the twelve, or a further stack of a split family (`Messaging2`). */
export type StackName = BaseStackName | `${ShardedStackName}${number}`;

/** The family of a stack: `Messaging2` → `Messaging`. */
export function stackFamily(name: StackName): BaseStackName {
  return name.replace(/\d+$/, '') as BaseStackName;
}

/** The position of a stack in its family: `Messaging` → 1, `Messaging2` → 2. */
export function shardIndex(name: StackName): number {
  const m = /(\d+)$/.exec(name);
  return m ? Number(m[1]) : 1;
}

/** The `index`th stack of a family (1-based): `Messaging`, `Messaging2`, … */
export function shardName(family: ShardedStackName, index: number): StackName {
  return index === 1 ? family : `${family}${index}`;
}

/** A monthly cost estimate in USD: fixed (low = high) or a range with its assumption. */
export interface Cost {
  readonly low: number;
  readonly high: number;
  readonly basis: string;
}

export type ParamValue = string | number | boolean | readonly string[];

export interface PlanResource {
  /** Construct ID in the generated app: derived from names, a contract (changing it replaces the resource). */
  readonly id: string;
  /** CloudFormation type of the main resource. */
  readonly type: string;
  /** What it is, in a few words. */
  readonly title: string;
  /** Key parameters, in display order. */
  readonly params: readonly (readonly [string, ParamValue])[];
  /** Why it is here: at most `BECAUSE_SHOWN` reasons; `becauseMore` counts the rest. */
  readonly because: readonly Because[];
  /** How many more reasons there are than `because` lists (a schedule queue for 500 schedules). @default 0 */
  readonly becauseMore?: number;
  readonly cost: Cost | null;
  /**
   * Every CloudFormation resource the generated code makes for it, by type (the main one and
   * what aws-cdk adds: subnets, policies, the execution role…). Summed per stack, these are the
   * stack's template: a test compares them with every synthesized app.
   */
  readonly cloudformation: Readonly<Record<string, number>>;
  /** Its estimated share of its stack's template, in bytes (see `src/plan/size.ts`). */
  readonly templateBytes: number;
}

/** A plan resource as a stack's builder makes it: before its reasons are capped and its size is estimated. */
export type PlanResourceDraft = Omit<PlanResource, 'templateBytes' | 'becauseMore'> & { readonly extraBytes?: number };

export interface PlanStack {
  readonly name: StackName;
  /** Stacks deployed before this one: what it reads (SSM parameters, names) exists first. */
  readonly dependsOn: readonly StackName[];
  readonly resources: readonly PlanResource[];
  /**
   * SSM parameters another stack writes that this stack reads when it deploys (each a
   * CloudFormation parameter of its template). Stacks share nothing through exports.
   */
  readonly reads: readonly string[];
  /** What the stack uses of CloudFormation's, IAM's and EC2's limits (see `src/plan/limits.ts`). */
  readonly usage: StackUsage;
}

/** A number the plan knows before synth, against the limit AWS puts on it. */
export interface Usage {
  readonly used: number;
  readonly limit: number;
}

/** What a stack uses: its template, and the roles and security groups in it. */
export interface StackUsage {
  readonly resources: Usage;
  readonly outputs: Usage;
  /** Template parameters: one per SSM parameter the stack reads when it deploys, and the bootstrap version. */
  readonly parameters: Usage;
  /** The template's size in bytes, estimated (the file `cdk synth` writes). */
  readonly templateBytes: Usage;
  readonly roles: readonly RoleUsage[];
  readonly securityGroups: readonly SecurityGroupUsage[];
  /** ECS task definitions: their registered size in bytes, estimated. */
  readonly taskDefinitions: readonly { readonly id: string; readonly bytes: Usage }[];
}

export interface RoleUsage {
  /** The construct ID of the role. */
  readonly id: string;
  readonly managedPolicies: Usage;
  /** Characters of its inline policies as IAM counts them (no whitespace, ARNs resolved). */
  readonly inlinePolicyChars: Usage;
  /** Characters of the largest managed policy aws-cdk-lib splits off its statements, as IAM counts them (0: none). */
  readonly managedPolicyChars: Usage;
}

export interface SecurityGroupUsage {
  readonly id: string;
  readonly inbound: Usage;
  readonly outbound: Usage;
}

/** A variable a service receives: a plain value, or a secret (never a plain variable). */
export type ServiceVariable =
  | { readonly name: string; readonly kind: 'value'; readonly value: string }
  | { readonly name: string; readonly kind: 'secret'; readonly from: string };

export interface PlanService {
  readonly name: string;
  readonly role: 'web' | 'worker' | 'nodes';
  readonly variables: readonly ServiceVariable[];
  /**
   * Present when the service's per-resource variables (queue URLs, bucket and bus names) would make
   * its task definition larger than `ENVIRONMENT_FILE_AT`: they reach the container from an
   * environment file (an S3 object its Compute stack writes) instead of its `environment`, under
   * the same names. Absent: every variable is in the task definition.
   */
  readonly environmentFile?: EnvironmentFilePlan;
}

/** The variables a service receives from its Compute stack's environment file, and why. */
export interface EnvironmentFilePlan {
  /** The variables in the file (sorted); the others stay in the task definition. */
  readonly variables: readonly string[];
  /** The task definition's estimated size had they stayed inline (bytes). */
  readonly inlineBytes: number;
  /** The size past which they move (bytes). */
  readonly threshold: number;
}

export interface DeploymentPlan {
  readonly format_version: typeof PLAN_FORMAT_VERSION;
  /** The typed AWS choices the stacks show and `generate` renders. */
  readonly aws: AwsRequirements;
  readonly app: string;
  readonly environment: string;
  readonly region: string;
  readonly stacks: readonly PlanStack[];
  readonly services: readonly PlanService[];
  readonly total: { readonly low: number; readonly high: number };
  readonly prices: { readonly date: string; readonly region: string; readonly bundled: boolean };
  readonly notes: readonly string[];
  /**
   * The stack of every queue, schedule, bus, email identity, bucket and web service, by its key
   * (`queue:payment_jobs` → `Messaging`): generate records it in the version file, and the next
   * plan keeps each where it is (see `src/plan/shards.ts`).
   */
  readonly placement: Readonly<Record<string, StackName>>;
}
