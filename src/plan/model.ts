/**
 * The DeploymentPlan: the stacks, their resources with sizes and costs, the
 * dependencies between stacks, and what each service receives. `plan` prints
 * it; `generate` renders exactly it.
 */
import type { Because } from '../lower/index.js';
import type { AwsRequirements } from './aws.js';

export const PLAN_FORMAT_VERSION = 1;

export const STACK_NAMES = ['Network', 'TigerBeetle', 'Data', 'Kafka', 'Cache', 'Messaging', 'Compute', 'Api', 'Observability'] as const;
export type StackName = (typeof STACK_NAMES)[number];

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
  readonly because: readonly Because[];
  readonly cost: Cost | null;
  /**
   * Every CloudFormation resource the generated code makes for it, by type (the main one and
   * what aws-cdk adds: subnets, policies, the execution role…). Summed per stack, these are the
   * stack's template: a test compares them with every synthesized app.
   */
  readonly cloudformation: Readonly<Record<string, number>>;
}

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
}

/** A variable a service receives: a plain value, or a secret (never a plain variable). */
export type ServiceVariable =
  | { readonly name: string; readonly kind: 'value'; readonly value: string }
  | { readonly name: string; readonly kind: 'secret'; readonly from: string };

export interface PlanService {
  readonly name: string;
  readonly role: 'web' | 'worker' | 'nodes';
  readonly variables: readonly ServiceVariable[];
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
}
