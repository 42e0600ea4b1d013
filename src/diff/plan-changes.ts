/**
 * Plan-level changes: the plan's resources added, removed or changed, each with
 * what caused it (the plan's "because"), and the monthly cost before and after.
 */
import { becauseText, costText, type DeploymentPlan, type ParamValue, type PlanResource } from '../plan/index.js';
import type { CostRange, PlanDiff, PlanEntry, PlanModified } from './model.js';
import { canonical } from './templates.js';

const round2 = (n: number) => Math.round(n * 100) / 100;
const value = (v: ParamValue) => (Array.isArray(v) ? v.join(', ') : String(v));

function entries(plan: DeploymentPlan | undefined): Map<string, PlanEntry & { readonly resource: PlanResource }> {
  const out = new Map<string, PlanEntry & { resource: PlanResource }>();
  for (const s of plan?.stacks ?? []) {
    for (const r of s.resources) out.set(`${s.name}/${r.id}`, { stack: s.name, id: r.id, type: r.type, title: r.title, because: becauseText(r.because), cost: r.cost, resource: r });
  }
  return out;
}

const strip = ({ resource: _r, ...e }: PlanEntry & { readonly resource: PlanResource }): PlanEntry => e;

/**
 * Compare two plans. `before` undefined with `baseline` true: the baseline's
 * plan is not known (only the after side is shown); with `baseline` false there
 * is nothing before (everything is added, at no cost before).
 */
export function planChanges(before: DeploymentPlan | undefined, after: DeploymentPlan, baseline: boolean): PlanDiff {
  const afterCost: CostRange = { low: after.total.low, high: after.total.high };
  if (!before && baseline) return { known: false, added: [], removed: [], modified: [], cost: { before: null, after: afterCost, delta: null } };
  const b = entries(before);
  const a = entries(after);
  const added = [...a.entries()].filter(([k]) => !b.has(k)).map(([, e]) => strip(e));
  const removed = [...b.entries()].filter(([k]) => !a.has(k)).map(([, e]) => strip(e));
  const modified: PlanModified[] = [];
  for (const [k, e] of a) {
    const old = b.get(k);
    if (!old) continue;
    const params: { name: string; before: string | null; after: string | null }[] = [];
    const names = [...new Set([...old.resource.params.map(([n]) => n), ...e.resource.params.map(([n]) => n)])];
    for (const name of names) {
      const x = old.resource.params.find(([n]) => n === name)?.[1];
      const y = e.resource.params.find(([n]) => n === name)?.[1];
      const bx = x === undefined ? null : value(x);
      const by = y === undefined ? null : value(y);
      if (bx !== by) params.push({ name, before: bx, after: by });
    }
    if (e.type !== old.type) params.push({ name: 'type', before: old.type, after: e.type });
    if (canonical(e.cost) !== canonical(old.cost)) params.push({ name: 'monthly cost', before: old.cost ? costText(old.cost) : null, after: e.cost ? costText(e.cost) : null });
    if (params.length) modified.push({ ...strip(e), params });
  }
  const beforeCost: CostRange = before ? { low: before.total.low, high: before.total.high } : { low: 0, high: 0 };
  return {
    known: true,
    added,
    removed,
    modified,
    cost: { before: beforeCost, after: afterCost, delta: { low: round2(afterCost.low - beforeCost.low), high: round2(afterCost.high - beforeCost.high) } },
  };
}

/** A signed amount, for cost deltas: `$1,234.50`, `-$4.00`. */
export function usd(n: number): string {
  const abs = Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${n < 0 ? '-' : ''}$${abs}`;
}
