/** The plan for people (text), tools (json) and pull requests (markdown with a Mermaid diagram). */
import { shownValue, sourceText } from '../config/index.js';
import type { Because } from '../lower/index.js';
import type { Cost, DeploymentPlan, ParamValue, PlanService } from './model.js';

/**
 * `$1,234.50`: what `toLocaleString('en-US', 2 decimals)` writes, without Intl, which costs
 * microseconds per call (a plan of thousands of resources prints a cost for each).
 */
export function usd(n: number): string {
  const cents = Math.round(Math.abs(n) * 100);
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 && cents > 0 ? '-' : ''}$${whole}.${String(cents % 100).padStart(2, '0')}`;
}
export const costText = (c: Cost) => (c.low === c.high ? usd(c.low) : `${usd(c.low)}–${usd(c.high)}`);
const value = (v: ParamValue) => (Array.isArray(v) ? v.join(', ') : String(v));

/** "because …" for one resource: the DSL constructs (with file:line) and config keys behind it. */
export function becauseText(because: readonly Because[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const b of because) {
    const t =
      b.kind === 'dsl'
        ? `${b.construct} ${b.name} (${b.span.file}:${b.span.line})`
        : `${b.key}${b.value !== undefined ? ` = ${b.value}` : ''} (${sourceText(b.source)})`;
    if (!seen.has(t)) {
      seen.add(t);
      parts.push(t);
    }
  }
  const shown = parts.slice(0, 4);
  return shown.join('; ') + (parts.length > 4 ? `; and ${parts.length - 4} more` : '');
}

/** An environment variable's value as printed: a value that looks like a credential is not shown (DZ4029 warns of it). */
const shownEnv = (name: string, v: string): string => String(shownValue(['env', name], v));

/**
 * The plan as printed: plain variables the configuration sets (`[deploy.compute.env]`,
 * a service's `env`) pass through the config's own redaction, in the services' variables and in
 * the typed AWS choices. The plan `generate` renders keeps the values.
 */
function printable(plan: DeploymentPlan): DeploymentPlan {
  const env = (e: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, shownEnv(k, v)]));
  return {
    ...plan,
    aws: { ...plan.aws, services: plan.aws.services.map((s) => ({ ...s, settings: { ...s.settings, env: env(s.settings.env) } })) },
    services: plan.services.map((s) => ({ ...s, variables: s.variables.map((v) => (v.kind === 'value' ? { ...v, value: shownEnv(v.name, v.value) } : v)) })),
  };
}

/** Marks, in the text plan, a variable a service receives from its environment file. */
const FILE_MARK = '[file]';

/** The Compute stack whose environment file a service reads (the stack that runs it). */
function environmentFileStack(plan: DeploymentPlan, s: PlanService): string {
  return plan.aws.services.find((a) => a.name === s.name && (a.role === 'worker') === (s.role === 'worker'))?.stack ?? 'its Compute stack';
}

export function planText(full: DeploymentPlan): string {
  const plan = printable(full);
  const out: string[] = [`Deployment plan for '${plan.app}' — ${plan.environment}, ${plan.region}`, ''];
  for (const stack of plan.stacks) {
    out.push(`${stack.name}${stack.dependsOn.length ? ` (after ${stack.dependsOn.join(', ')})` : ''}`);
    for (const r of stack.resources) {
      out.push(`  ${r.id}  ${r.type}${r.cost ? `  ~${costText(r.cost)}/month` : ''}`);
      out.push(`    ${r.title}`);
      for (const [k, v] of r.params) out.push(`    ${k}: ${value(v)}`);
      if (r.because.length) out.push(`    because: ${becauseText(r.because)}`);
    }
    out.push('');
  }
  for (const s of plan.services) {
    out.push(`Service ${s.name} (${s.role}) receives:`);
    const file = new Set(s.environmentFile?.variables ?? []);
    for (const v of s.variables) out.push(`  ${v.name}${v.kind === 'secret' ? `  secret from ${v.from}` : ` = ${v.value}`}${file.has(v.name) ? `  ${FILE_MARK}` : ''}`);
    if (file.size) out.push(`  ${FILE_MARK}: ${file.size} variable${file.size === 1 ? '' : 's'} from the environment file ${environmentFileStack(plan, s)} writes to S3 when it deploys (ECS environmentFiles), not inline in the task definition`);
    out.push('');
  }
  out.push(`Estimated monthly cost: ${costText({ low: plan.total.low, high: plan.total.high, basis: '' })} (an estimate: on-demand list prices for ${plan.prices.region} as of ${plan.prices.date}; usage-priced items as ranges)`);
  for (const n of plan.notes) out.push(`Note: ${n}`);
  return `${out.join('\n')}\n`;
}

export function planJson(plan: DeploymentPlan): string {
  return `${JSON.stringify(printable(plan), null, 2)}\n`;
}

export function planMarkdown(plan: DeploymentPlan): string {
  const out: string[] = [
    `## Deployment plan: \`${plan.app}\` (${plan.environment}, ${plan.region})`,
    '',
    '```mermaid',
    'graph LR',
    ...plan.stacks.map((s) => `  ${s.name}["${s.name}<br/>${s.resources.length} resource${s.resources.length === 1 ? '' : 's'}"]`),
    ...plan.stacks.flatMap((s) => s.dependsOn.map((d) => `  ${d} --> ${s.name}`)),
    '```',
    '',
    '| stack | resource | type | monthly (est.) | because |',
    '|---|---|---|---|---|',
  ];
  for (const s of plan.stacks) {
    for (const r of s.resources) out.push(`| ${s.name} | \`${r.id}\` | ${r.type} | ${r.cost ? costText(r.cost) : '—'} | ${becauseText(r.because).replace(/\|/g, '\\|')} |`);
  }
  out.push('', `Availability zones: ${plan.aws.network.zones.map((z) => `\`${z}\``).join(', ')}`);
  out.push('', `**Estimated monthly cost: ${costText({ low: plan.total.low, high: plan.total.high, basis: '' })}** — on-demand list prices for ${plan.prices.region} as of ${plan.prices.date}; usage-priced items as ranges.`);
  for (const n of plan.notes) out.push('', `> ${n}`);
  return `${out.join('\n')}\n`;
}
