/**
 * Preflight: the checks a team runs before a deploy, on what will be deployed
 * (the synthesized templates), reported at the dazzle.toml line or DSL
 * construct that caused each finding. A stage beside synth: pure functions;
 * `cli` reads the cloud assembly and the app and calls {@link runPreflight}.
 */
export { checkAcknowledgements, applyAcknowledgements } from './acknowledge.js';
export { CFN_LIMITS, PHYSICAL_NAMES, TYPE_NOT_IN_REGION, ZONES_BY_NAME } from './checks/index.js';
export { Facts } from './facts.js';
export { instanceMemoryGib } from './instance-memory.js';
export * from './model.js';
export { buildProvenance, type Provenance, type ResourceOrigin } from '../plan/index.js';
export { failed, githubAnnotations, jsonReport, markdownReport, PREFLIGHT_FORMAT_VERSION, sarifReport, textReport, totals, verdict, type Totals } from './report.js';
export { AWS_SOLUTIONS_PREFIX, appliesIn, isKnownRule, NAG_PACKS, RULES, TIGERBEETLE, type NagPackName, type RuleId } from './rules.js';
export { compareFindings, runPreflight } from './run.js';
