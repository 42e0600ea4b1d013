/**
 * Provenance for `deploy diff`: what caused a changed resource. The mapping from a
 * template resource to its plan entry is the plan's own (`buildProvenance`, shared with
 * `deploy preflight`); this module only shapes it for the diff's report, which names a
 * cause only when the resource renders a plan entry (never a stack's shared causes).
 */
import { becauseText, buildProvenance, type DeploymentPlan, type StackName } from '../plan/index.js';
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

/** An index over one side's templates (by CloudFormation stack name) and the plan that generated them. */
export function provenanceIndex(templates: ReadonlyMap<string, Template>, plan: DeploymentPlan | undefined): ProvenanceIndex {
  const origins = plan ? buildProvenance([...templates].map(([stack, template]) => ({ stack, file: '', template, bytes: 0 })), plan) : undefined;
  return {
    of(stackId, logicalId) {
      const path = constructPath(templates.get(stackId)?.Resources?.[logicalId]);
      const entry = path ? origins?.of(stackId, logicalId)?.entry : undefined;
      if (!entry) return { path, resource: null, because: null };
      const { because, id } = entry.resource;
      return { path, resource: { stack: entry.stack, id }, because: because.length ? becauseText(because) : null };
    },
  };
}
