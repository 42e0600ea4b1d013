/**
 * Preflight on real synthesized templates, in-process: load a project (its DSL and
 * dazzle.toml, optionally with the configuration changed after loading, for values
 * the loader refuses), plan, generate, synthesize with cdk-nag as `deploy synth`
 * does, read the cloud assembly as the command does, and run the rules on it —
 * or on a copy of its templates with one fact changed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAssembly } from '../../src/cli/cloud-assembly.js';
import { readProject } from '../../src/cli/io.js';
import { synthApp } from '../../src/cli/synth.js';
import { loadConfig, type Environment, type ResolvedConfig } from '../../src/config/index.js';
import type { Span } from '../../src/diagnostics/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { buildPlan, type DeploymentPlan } from '../../src/plan/index.js';
import { runPreflight, type AppAcknowledgement, type CfnTemplate, type Finding, type NagResult, type PreflightInput, type PreflightReport, type SchemaIssue, type StackTemplate } from '../../src/preflight/index.js';
import { frontEnd } from '../../src/project/index.js';
import { writeApp } from '../cdk-helpers.js';
import { emit } from '../emit/in-process.js';
import { REPO } from '../helpers.js';

export const EXAMPLE = join(REPO, 'examples', 'ledger-app');

/** A project's plan and configuration (the configuration changed by `change` after loading). */
export function planOf(project: string, environment: Environment, change: (c: ResolvedConfig) => ResolvedConfig = (c) => c) {
  const files = readProject(project, REPO);
  const spec = frontEnd(files.dsl).value.spec;
  if (!spec) throw new Error(`${project}: the DSL does not check`);
  const loaded = loadConfig({ path: files.configPath, text: files.configText, environment });
  if (!loaded.value) throw new Error(`${project}: ${loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const config = change(loaded.value);
  const lowered = lowerToRequirements(spec, config);
  if (!lowered.value) throw new Error(`${project}: ${lowered.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return { plan: buildPlan(lowered.value, config), config, appSpan: spec.app.span, configFile: files.configText === undefined ? undefined : { path: files.configPath, text: files.configText } };
}

/** A configuration with some [deploy] tables changed (`{ tigerbeetle: { node_count: 7 } }`). */
export function withDeploy(changes: Record<string, Record<string, unknown>>): (c: ResolvedConfig) => ResolvedConfig {
  return (c) => {
    const deploy = { ...c.deploy } as Record<string, unknown>;
    for (const [table, values] of Object.entries(changes)) deploy[table] = { ...(deploy[table] as object), ...values };
    return { ...c, deploy: deploy as unknown as ResolvedConfig['deploy'] };
  };
}

export interface Synthesized {
  readonly plan: DeploymentPlan;
  readonly config: ResolvedConfig;
  readonly appSpan: Span;
  readonly configFile: { readonly path: string; readonly text: string } | undefined;
  readonly templates: readonly StackTemplate[];
  readonly acknowledgements: readonly AppAcknowledgement[];
  readonly nag: readonly NagResult[];
  /** The generated app's folder. */
  readonly dir: string;
  readonly texts: ReadonlyMap<string, string>;
}

/** Generate and synthesize a planned project (with cdk-nag, and any further packs). */
export async function synthesize(p: ReturnType<typeof planOf>, packs: readonly string[] = []): Promise<Synthesized> {
  const project = mkdtempSync(join(tmpdir(), 'dazzle-preflight-'));
  writeFileSync(join(project, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.12-slim\n');
  const dir = writeApp(emit(p.plan).files, join(project, 'infra'));
  const out = await synthApp(dir, { packs });
  if (!out.templates.size) throw new Error(`synth failed: ${out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const assembly = readAssembly(out.outdir, 'infra/cdk.out');
  return { ...p, appSpan: p.appSpan, templates: assembly.templates, acknowledgements: assembly.acknowledgements, nag: out.findings, dir, texts: assembly.texts };
}

/** Templates to change: a deep copy. */
export function copyTemplates(s: Synthesized): StackTemplate[] {
  return s.templates.map((t) => ({ ...t, template: structuredClone(t.template) as CfnTemplate }));
}

type Mutable = { Resources: Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; Metadata?: Record<string, unknown> }>; Outputs?: Record<string, unknown>; Parameters?: Record<string, unknown> };

/** The resources of a copy, writable, across stacks: [stack, logicalId, resource]. */
export function resources(templates: readonly StackTemplate[]) {
  return templates.flatMap((t) => Object.entries((t.template as unknown as Mutable).Resources).map(([id, r]) => [t.stack, id, r] as const));
}

/** The first resource of a type whose construct path matches. */
export function find(templates: readonly StackTemplate[], type: string, path: RegExp = /./) {
  const hit = resources(templates).find(([, , r]) => r.Type === type && path.test(String(r.Metadata?.['aws:cdk:path'] ?? '')));
  if (!hit) throw new Error(`no ${type} at ${path}`);
  return hit;
}

/** Add a resource to the stack of another. */
export function addResource(templates: readonly StackTemplate[], stack: string, logicalId: string, resource: Mutable['Resources'][string]): void {
  const t = templates.find((x) => x.stack === stack) as StackTemplate;
  (t.template as unknown as Mutable).Resources[logicalId] = resource;
}

export interface Overrides {
  readonly templates?: readonly StackTemplate[];
  readonly acknowledgements?: readonly AppAcknowledgement[];
  readonly nag?: readonly NagResult[];
  readonly schema?: readonly SchemaIssue[];
  readonly app?: PreflightInput['app'];
  readonly config?: ResolvedConfig;
  readonly today?: string;
}

/** Run the rules on a synthesized app (or on what `o` changes of it). */
export function preflight(s: Synthesized, o: Overrides = {}): { report: PreflightReport; diagnostics: ReturnType<typeof runPreflight>['diagnostics'] } {
  const r = runPreflight({
    plan: s.plan,
    config: o.config ?? s.config,
    ...(s.configFile ? { configFile: s.configFile } : {}),
    appSpan: s.appSpan,
    templates: o.templates ?? s.templates,
    appAcknowledgements: o.acknowledgements ?? s.acknowledgements,
    nag: o.nag ?? s.nag,
    schema: o.schema ?? [],
    app: o.app ?? { versionFile: 'infra/.dazzle-infra-version.json', stale: false, edited: [] },
    today: o.today ?? '2026-06-01',
  });
  if (!r.value) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  return { report: r.value, diagnostics: r.diagnostics };
}

/** The findings of one rule. */
export const ofRule = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.rule === rule);
