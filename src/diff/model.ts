/**
 * The data of `dazzle deploy diff`: the two sides it compares and the report it
 * produces. Plain, readonly data; the report is what `--format json` prints.
 */
import type { Cost, DeploymentPlan } from '../plan/index.js';

/** Version of the JSON report. Bumped on any incompatible change. */
export const DIFF_FORMAT_VERSION = 1;

/** A CloudFormation template, as synthesized (JSON). */
export interface Template {
  readonly Resources?: Readonly<Record<string, TemplateResource>>;
  readonly Outputs?: Readonly<Record<string, TemplateOutput>>;
  readonly [section: string]: unknown;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly [attribute: string]: unknown;
}

export interface TemplateOutput {
  readonly Value?: unknown;
  readonly Export?: { readonly Name?: unknown };
  readonly [attribute: string]: unknown;
}

/**
 * What the diff reads of a version file (`.dazzle-infra-version.json`): the CLI
 * reads and validates the file; this layer only sees the fields it compares.
 */
export interface VersionRecord {
  readonly version: string;
  readonly app: string;
  readonly environment: string;
  readonly generated_at: string;
  readonly inputs: { readonly checksum: string };
  /** In deploy order. `name` is the plan's stack name (`Data`), `id` the CloudFormation stack name. */
  readonly stacks: readonly { readonly name: string; readonly id: string; readonly file: string; readonly checksum: string }[];
}

/** One side of the comparison: the synthesized templates, and what is known of how they were made. */
export interface Side {
  /** CloudFormation stack name (the cloud assembly's artifact ID) → template. */
  readonly templates: ReadonlyMap<string, Template>;
  /** The version file of the generation the templates come from, when there is one. */
  readonly version?: VersionRecord;
  /** The plan the generation rendered, when it is known (it gives provenance and costs). */
  readonly plan?: DeploymentPlan;
}

/** Where the baseline came from, for the report's header. */
export interface BaselineInfo {
  readonly kind: 'output' | 'ref' | 'dir' | 'none';
  /** As the user named it: the output folder, the git ref (with its commit), the folder. */
  readonly label: string;
}

export interface DiffInput {
  /** The baseline; undefined when there is none (everything counts as added). */
  readonly baseline: Side | undefined;
  readonly baselineInfo: BaselineInfo;
  /** The project as it is now: planned, generated and synthesized. */
  readonly current: Side & { readonly version: VersionRecord; readonly plan: DeploymentPlan };
  /** Generated files (relative to the output folder) edited by hand since the last generation. */
  readonly editedFiles?: readonly string[];
  /** Notes from the command (what could not be known, and why). */
  readonly notes?: readonly string[];
}

/**
 * Impact classes, worst first. Every change is put in exactly one: the worst
 * that applies to it.
 */
export const IMPACTS = ['destroys-data', 'data-kept', 'breaks-deploy', 'widens-access', 'interrupts-service', 'safe'] as const;
export type Impact = (typeof IMPACTS)[number];

/** How the report names each class. */
export const IMPACT_TITLES: Readonly<Record<Impact, string>> = {
  'destroys-data': 'destroys data',
  'data-kept': 'replaces or removes a stateful resource, data kept',
  'breaks-deploy': 'breaks the deploy',
  'widens-access': 'widens access',
  'interrupts-service': 'interrupts service',
  safe: 'safe',
};

/** What CloudFormation does to a resource. `orphan`: removed from the stack, left in the account (DeletionPolicy Retain). */
export type ResourceAction = 'add' | 'remove' | 'orphan' | 'update' | 'replace' | 'may-replace';

export interface PropertyChange {
  /** `BucketName`, or a resource attribute such as `DeletionPolicy`. */
  readonly name: string;
  readonly change: 'add' | 'remove' | 'update';
  /** Whether changing it replaces the resource (from the CloudFormation resource specification). */
  readonly replacement: 'always' | 'maybe' | 'never';
  readonly before?: unknown;
  readonly after?: unknown;
}

/** An IAM statement added or removed, rendered as cloudformation-diff shows it. */
export interface StatementChange {
  readonly change: 'add' | 'remove';
  readonly effect: string;
  readonly action: string;
  readonly resource: string;
  readonly principal: string;
  readonly condition: string;
}

/** A security group rule added or removed, rendered as cloudformation-diff shows it. */
export interface RuleChange {
  readonly change: 'add' | 'remove';
  readonly group: string;
  readonly direction: 'in' | 'out';
  readonly protocol: string;
  readonly peer: string;
}

export interface ResourceChange {
  /** CloudFormation stack name. */
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** Construct path (`aws:cdk:path`), when the template records it. */
  readonly path: string | null;
  readonly action: ResourceAction;
  readonly properties: readonly PropertyChange[];
  readonly statements: readonly StatementChange[];
  readonly rules: readonly RuleChange[];
  readonly impact: Impact;
  /** Why it is in its class, in the user's terms (the first says what happens). */
  readonly reasons: readonly string[];
  readonly hint: string | null;
  /** The DSL construct or config key behind it (from the plan), as `plan` shows it. */
  readonly because: string | null;
}

/** A classified change: a resource, an export, or the TigerBeetle cluster as a whole. */
export interface Change {
  readonly kind: 'resource' | 'export' | 'tigerbeetle';
  readonly impact: Impact;
  /** TigerBeetle rules mark the changes a formatted cluster cannot survive. */
  readonly critical: boolean;
  readonly stack: string;
  /** The logical ID, the export's name, or `cluster`. */
  readonly subject: string;
  readonly type: string | null;
  readonly action: ResourceAction | null;
  readonly title: string;
  readonly reasons: readonly string[];
  readonly hint: string | null;
  readonly because: string | null;
}

export interface OutputChange {
  readonly name: string;
  readonly exportName: string | null;
  readonly change: 'add' | 'remove' | 'update';
  /** Stacks whose deployed templates import the export. */
  readonly importedBy: readonly string[];
}

export type StackStatus = 'added' | 'removed' | 'modified' | 'unchanged';

export interface StackDiff {
  /** CloudFormation stack name. */
  readonly id: string;
  /** The plan's name of the stack (`Data`), when a version file says it. */
  readonly name: string | null;
  readonly status: StackStatus;
  /** Checksums of the stack's source file in the two version files. */
  readonly checksum: { readonly before: string | null; readonly after: string | null };
  readonly resources: readonly ResourceChange[];
  readonly outputs: readonly OutputChange[];
}

export interface PlanEntry {
  readonly stack: string;
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly because: string;
  readonly cost: Cost | null;
}

export interface PlanModified extends PlanEntry {
  readonly params: readonly { readonly name: string; readonly before: string | null; readonly after: string | null }[];
}

export interface CostRange {
  readonly low: number;
  readonly high: number;
}

export interface PlanDiff {
  /** False when the baseline's plan is not known (its inputs are not at hand): only the after side is shown. */
  readonly known: boolean;
  readonly added: readonly PlanEntry[];
  readonly removed: readonly PlanEntry[];
  readonly modified: readonly PlanModified[];
  readonly cost: { readonly before: CostRange | null; readonly after: CostRange; readonly delta: CostRange | null };
}

export interface DiffSummary {
  readonly changed: boolean;
  readonly worst: Impact | null;
  readonly impacts: Readonly<Record<Impact, number>>;
  readonly critical: number;
  readonly stacks: Readonly<Record<StackStatus, number>>;
  readonly resources: { readonly added: number; readonly removed: number; readonly updated: number; readonly replaced: number };
}

export interface DiffReport {
  readonly format_version: typeof DIFF_FORMAT_VERSION;
  readonly app: string;
  readonly environment: string;
  readonly baseline: BaselineInfo & { readonly version: string | null };
  readonly current: { readonly version: string };
  readonly summary: DiffSummary;
  /** Every classified change, worst first. */
  readonly changes: readonly Change[];
  /** In deploy order (the current generation's), removed stacks last. */
  readonly stacks: readonly StackDiff[];
  readonly plan: PlanDiff;
  readonly edited_files: readonly string[];
  readonly notes: readonly string[];
}

/** `--fail-on`: which changes make the command exit 1. @default 'any' */
export type FailOn = 'destructive' | 'replacement' | 'any';
