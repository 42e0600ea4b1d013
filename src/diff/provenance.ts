/**
 * Provenance: from a template's resource back to what caused it. A resource's
 * construct path (`aws:cdk:path`, e.g. `LedgerApp-prod-Data/BucketFiles/Resource`)
 * names the top-level construct it belongs to; the plan's resource IDs are
 * those construct IDs (a contract), and each plan resource carries its
 * `because` (the DSL construct with its file and line, or the config key).
 *
 * Kept behind this small interface so that `diff` and `preflight` can share one
 * mapping.
 */
import { becauseText, type DeploymentPlan, type PlanResource, type StackName } from '../plan/index.js';
import { constructPath } from './templates.js';
import type { Template } from './model.js';

export interface Provenance {
  /** The construct path, when the template records it. */
  readonly path: string | null;
  /** The plan resource behind it: its stack and construct ID. */
  readonly resource: { readonly stack: StackName; readonly id: string } | null;
  /** The plan's "because", as `plan` prints it, or null when the plan is not known. */
  readonly because: string | null;
}

export interface ProvenanceIndex {
  /** What caused the resource `logicalId` of the stack `stackId` (CloudFormation stack name). */
  of(stackId: string, logicalId: string): Provenance;
}

const NONE: Provenance = { path: null, resource: null, because: null };

/**
 * An index over one side's templates and plan. `stackNames` maps CloudFormation
 * stack names to the plan's stack names (from the version file).
 */
export function provenanceIndex(templates: ReadonlyMap<string, Template>, plan: DeploymentPlan | undefined, stackNames: ReadonlyMap<string, string>): ProvenanceIndex {
  const byStack = new Map<string, readonly PlanResource[]>();
  for (const s of plan?.stacks ?? []) byStack.set(s.name, [...s.resources].sort((a, b) => b.id.length - a.id.length));
  return {
    of(stackId, logicalId) {
      const path = constructPath(templates.get(stackId)?.Resources?.[logicalId]);
      if (!path) return NONE;
      const name = stackNames.get(stackId);
      const top = path.split('/')[1] ?? '';
      // The longest plan ID the construct's ID starts with: `QueuePaymentJobsDeadLetters` belongs to `QueuePaymentJobs`.
      const r = name ? byStack.get(name)?.find((x) => top === x.id || top.startsWith(x.id)) : undefined;
      if (!r || !name) return { path, resource: null, because: null };
      return { path, resource: { stack: name as StackName, id: r.id }, because: r.because.length ? becauseText(r.because) : null };
    },
  };
}
