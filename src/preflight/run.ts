/**
 * runPreflight: templates + plan + configuration → findings, each located at
 * the dazzle.toml line or DSL construct that caused it (and at its construct
 * path and logical ID), with dazzle.toml's acknowledgements applied.
 */
import { positionOf, tomlKeyPositions, type KeyPosition } from '../config/index.js';
import { hasErrors, type Diagnostic, type Result, type Span } from '../diagnostics/index.js';
import { configKey, spanOf } from '../lower/index.js';
import { applyAcknowledgements, checkAcknowledgements } from './acknowledge.js';
import { CHECKS, ZONES_BY_NAME, type CheckContext, type Draft } from './checks/index.js';
import { Facts } from './facts.js';
import { LEVELS, type Finding, type Location, type PreflightInput, type PreflightReport, type RuleInfo } from './model.js';
import { buildProvenance, type Provenance } from '../plan/index.js';
import { appliesIn, RULES } from './rules.js';

const point = (file: string, line: number, col: number): Span => ({ file, line, col, endLine: line, endCol: col + 1, offset: 0, length: 0 });

/** Where a finding goes: see {@link Draft.keys}. */
function locator(input: PreflightInput, provenance: Provenance): (d: Draft) => Location {
  let positions: ReadonlyMap<string, KeyPosition> | undefined;
  /** A key's table in dazzle.toml (or [deploy], or the file's first line), or the app declaration. */
  const anchor = (key: string | undefined): Span => {
    const file = input.configFile;
    if (file) {
      positions ??= tomlKeyPositions(file.text);
      const p = positionOf(positions, ['deploy', ...(key ? key.split('.') : [])]);
      return p ? point(file.path, p.line, p.col) : point(file.path, 1, 1);
    }
    return input.appSpan ?? point('dazzle.toml', 1, 1);
  };
  return (d) => {
    if (d.at) return d.at;
    const keys = d.keys ?? [];
    const keyPath = keys[0] ? `deploy.${keys[0]}` : undefined;
    for (const k of keys) {
      const { span } = spanOf(input.config, configKey(input.config, k));
      if (span) return { span, keyPath: `deploy.${k}` };
    }
    const origin = d.resource ? provenance.of(d.resource.stack, d.resource.logicalId) : undefined;
    if (origin?.span) return { span: origin.span, ...(keyPath ?? origin.keyPath ? { keyPath: (keyPath ?? origin.keyPath) as string } : {}) };
    return { span: anchor(keys[0]), ...(keyPath ? { keyPath } : {}) };
  };
}

function ruleOf(d: Draft): RuleInfo {
  return d.info ?? (RULES as Record<string, RuleInfo>)[d.rule] ?? { id: d.rule, level: 'high', title: d.rule, help: '', source: 'dazzle' };
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** The order of a report: most severe first, then by place. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(LEVELS.indexOf(a.level), LEVELS.indexOf(b.level)) ||
    cmp(a.location.span.file, b.location.span.file) ||
    cmp(a.location.span.line, b.location.span.line) ||
    cmp(a.location.span.col, b.location.span.col) ||
    cmp(a.rule, b.rule) ||
    cmp(a.resource?.stack ?? '', b.resource?.stack ?? '') ||
    cmp(a.resource?.logicalId ?? '', b.resource?.logicalId ?? '') ||
    cmp(a.message, b.message)
  );
}

/**
 * Run every rule that applies in the plan's environment. The value is
 * undefined when the input is bad (an acknowledgement of an unknown rule);
 * the diagnostics say why.
 */
export function runPreflight(input: PreflightInput): Result<PreflightReport | undefined> {
  const diagnostics: Diagnostic[] = checkAcknowledgements(input.config.preflight);
  if (hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const { plan } = input;
  const facts = new Facts(input.templates);
  const provenance = buildProvenance(input.templates, plan, input.config);
  const ctx: CheckContext = { input, facts, provenance, environment: plan.environment, region: plan.region, regionFacts: input.region ?? ZONES_BY_NAME };
  const locate = locator(input, provenance);
  const rules = new Map<string, RuleInfo>();
  const found: Finding[] = [];
  const seen = new Set<string>();
  for (const [, check] of CHECKS) {
    for (const d of check(ctx)) {
      const rule = ruleOf(d);
      if (!appliesIn(rule, plan.environment)) continue;
      const location = locate(d);
      const resource = d.resource ? { stack: d.resource.stack, logicalId: d.resource.logicalId, type: d.resource.type, ...(d.resource.path ? { path: d.resource.path } : {}) } : undefined;
      const id = `${rule.id}\u0000${resource?.stack}\u0000${resource?.logicalId}\u0000${d.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      rules.set(rule.id, rule);
      found.push({ rule: rule.id, level: rule.level, message: d.message, fix: d.fix ?? rule.help, location, ...(resource ? { resource } : {}) });
    }
  }
  const entryOf = (f: Finding) => (f.resource ? provenance.of(f.resource.stack, f.resource.logicalId)?.entry?.resource.id : undefined);
  const acked = applyAcknowledgements(found, input.config.preflight, plan.environment, input.today, entryOf);
  diagnostics.push(...acked.diagnostics);
  return {
    value: {
      app: plan.app,
      environment: plan.environment,
      region: plan.region,
      stacks: input.templates.map((t) => ({ stack: t.stack, file: t.file, resources: Object.keys(t.template.Resources ?? {}).length })),
      findings: acked.findings.sort(compareFindings),
      rules: [...rules.values()].sort((a, b) => cmp(a.id, b.id)),
    },
    diagnostics,
  };
}
