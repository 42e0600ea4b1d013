/** The gate of `deploy diff --fail-on` (and of the Action's `fail-on-diff`), from the report alone. */
import type { DiffReport, FailOn, Impact } from './model.js';

/**
 * Whether the report fails the gate: `any` (the default) on any change;
 * `replacement` on a stateful resource replaced or removed, a deploy that
 * breaks, or a service interrupted (a new task definition revision is no
 * replacement that matters); `destructive` on data destroyed (TigerBeetle's
 * critical rules included).
 */
export function failsOn(report: DiffReport, failOn: FailOn = 'any'): boolean {
  if (failOn === 'any') return report.summary.changed;
  const gate: ReadonlySet<Impact> = new Set<Impact>(failOn === 'destructive' ? ['destroys-data'] : ['destroys-data', 'data-kept', 'breaks-deploy', 'interrupts-service']);
  return report.changes.some((c) => gate.has(c.impact));
}
