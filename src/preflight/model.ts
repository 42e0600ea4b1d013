/**
 * The data preflight works on and produces. Preflight is a stage beside
 * synth: a pure function from the synthesized templates (plus the plan, for
 * provenance, and the resolved configuration) to findings. The CLI reads the
 * cloud assembly and the generated app; nothing here touches the file system.
 */
import type { Environment, ResolvedConfig } from '../config/index.js';
import type { Span } from '../diagnostics/index.js';
import type { DeploymentPlan, StackTemplate } from '../plan/index.js';

/** Severities, most severe first. `--fail-on LEVEL` fails the run on a finding at LEVEL or above. */
export const LEVELS = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Level = (typeof LEVELS)[number];

/** The default threshold of `--fail-on`. */
export const DEFAULT_FAIL_ON: Level = 'high';

/** True when `level` is at `threshold` or more severe. */
export function atOrAbove(level: Level, threshold: Level): boolean {
  return LEVELS.indexOf(level) <= LEVELS.indexOf(threshold);
}

export type { CfnResource, CfnTemplate, StackTemplate } from '../plan/index.js';

/**
 * An acknowledgement written in the generated app's code
 * (`Validations.of(construct).acknowledge({ id, reason })`), as the cloud
 * assembly records it: it covers the construct and everything below it.
 */
export interface AppAcknowledgement {
  /** Construct path, without a leading slash (`LedgerApp-prod-Compute/TaskRole`). */
  readonly path: string;
  /** `AwsSolutions-IAM5[Resource::*]`, `AwsSolutions-EC23`. */
  readonly rule: string;
  readonly reason: string;
}

/** An unacknowledged cdk-nag finding from synth (the shape of synth's `NagFinding`). */
export interface NagResult {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly description: string;
  /** Construct path, e.g. `LedgerApp-prod-Data/BucketFiles/Resource`. */
  readonly path: string;
}

/**
 * A problem CloudFormation's template validation found: a property the resource
 * schema does not allow, or a resource type the region does not offer (rule F3006).
 * The fields are those of synth's findings from CloudFormation validation.
 */
export interface SchemaIssue {
  /** The validator's rule, e.g. `F3002`, `F3006`. */
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly description: string;
  /** The stack whose template it is in. */
  readonly stack: string;
  readonly logicalId?: string;
  /** The properties it is about (`Properties.Cidr`). */
  readonly properties?: readonly string[];
  readonly resourceType?: string;
}

/** The generated app's own state: how it relates to the inputs and to what dazzle wrote. */
export interface AppState {
  /** The version file as the user sees it (`infra/.dazzle-infra-version.json`). */
  readonly versionFile: string;
  /** Generated from other inputs than the DSL and dazzle.toml now (or for another environment). */
  readonly stale: boolean;
  /** Generated files whose bytes differ from what dazzle wrote (or that are gone), as the user sees them. */
  readonly edited: readonly EditedFile[];
}

export interface EditedFile {
  /** As the user sees it (`infra/lib/data-stack.ts`). */
  readonly file: string;
  readonly missing: boolean;
  /** The version file's line that records it. */
  readonly recordedAt: number;
}

/** What a region offers, for the rule on resource types and zones that do not exist there. */
export interface RegionFacts {
  /** Whether `zone` is an availability zone of `region`: false when it is not, undefined when unknown. */
  zoneExists(zone: string, region: string): boolean | undefined;
}

/** Everything preflight reads. */
export interface PreflightInput {
  readonly plan: DeploymentPlan;
  readonly config: ResolvedConfig;
  /** dazzle.toml as the user sees it, and its text (for locating defaults at their table). */
  readonly configFile?: { readonly path: string; readonly text: string };
  /** The DSL's `app` declaration: where a finding goes when nothing more precise caused it. */
  readonly appSpan?: Span;
  readonly templates: readonly StackTemplate[];
  readonly appAcknowledgements: readonly AppAcknowledgement[];
  readonly nag: readonly NagResult[];
  readonly schema: readonly SchemaIssue[];
  readonly app: AppState;
  /** Today (UTC), `YYYY-MM-DD`: acknowledgements expire against it. */
  readonly today: string;
  /** @default availability zones named `<region><letter>` */
  readonly region?: RegionFacts;
}

/** Where a finding was caused: a dazzle.toml line or a DSL construct (or, for a hand edit, the file). */
export interface Location {
  readonly span: Span;
  /** The config key to change, when a key is the cause (`deploy.tigerbeetle.volume_iops`). */
  readonly keyPath?: string;
}

/** The template resource a finding is about. */
export interface ResourceRef {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** Construct path (`LedgerApp-prod-Data/Database/Resource`). */
  readonly path?: string;
}

export interface Finding {
  readonly rule: string;
  readonly level: Level;
  /** What is wrong, in the user's terms, with the values that make it so. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  readonly location: Location;
  readonly resource?: ResourceRef;
  /** Set when a dazzle.toml acknowledgement covers it. */
  readonly acknowledged?: { readonly reason: string; readonly expires: string | null; readonly span: Span };
}

/** The rules a report refers to (for SARIF's rule metadata and the README). */
export interface RuleInfo {
  readonly id: string;
  readonly level: Level;
  readonly title: string;
  /** How to fix a finding of this rule, in general. */
  readonly help: string;
  /** The environments the rule applies in. @default every environment */
  readonly environments?: readonly Environment[];
  readonly source: 'dazzle' | 'cdk-nag' | 'cloudformation';
}

/** The result of a preflight run. */
export interface PreflightReport {
  readonly app: string;
  readonly environment: string;
  readonly region: string;
  readonly stacks: readonly { readonly stack: string; readonly file: string; readonly resources: number }[];
  /** Every finding, acknowledged ones included; sorted by level, then location. */
  readonly findings: readonly Finding[];
  /** The rules of the findings, by id. */
  readonly rules: readonly RuleInfo[];
}
