/**
 * The ticketing example (seed 004), generated and synthesized once per environment with cdk-nag
 * and CloudFormation template validation on (as `dazzle deploy synth --validate`), for the
 * ticketing suites to assert on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthApp, type NagFinding } from '../../src/cli/synth.js';
import type { Environment } from '../../src/config/index.js';
import type { DeploymentPlan, StackName } from '../../src/plan/index.js';
import { generateApp, projectCopy, writeApp, type CfnResource } from '../cdk-helpers.js';
import { evaluate, type Json } from '../emit/cfn.js';
import { REPO } from '../helpers.js';

export const TICKETING = join(REPO, 'examples', 'ticketing');

export interface TicketingApp {
  readonly plan: DeploymentPlan;
  /** Template by stack kind. */
  readonly json: ReadonlyMap<StackName, Json>;
  /** CloudFormation stack name by stack kind. */
  readonly ids: ReadonlyMap<StackName, string>;
  /** cdk-nag findings and CloudFormation validation findings (the app acknowledges none it should not). */
  readonly findings: readonly NagFinding[];
  readonly files: ReadonlyMap<string, string>;
}

/** Generate and synthesize a project (the ticketing example, or a variant of it) for `env`. */
export async function synthTicketing(env: Environment, edit?: (toml: string) => string, project = TICKETING): Promise<TicketingApp> {
  const copy = projectCopy(project);
  if (edit) {
    const file = join(copy, 'dazzle.toml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
  }
  const prepared = generateApp(copy, env);
  const dir = writeApp(prepared.app.files, join(copy, 'infra'));
  const out = await synthApp(dir, { validate: true });
  if (!out.templates.size) throw new Error(`synth failed:\n${out.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const json = new Map<StackName, Json>();
  for (const s of prepared.app.stacks) {
    const file = out.templates.get(s.id);
    if (!file) throw new Error(`no template for ${s.id}`);
    json.set(s.name, JSON.parse(readFileSync(join(out.outdir, file), 'utf8')) as Json);
  }
  return { plan: prepared.plan, json, ids: new Map(prepared.app.stacks.map((s) => [s.name, s.id])), findings: out.findings, files: prepared.app.files };
}

/** Resources of a stack, by logical ID. */
export function resourcesIn(app: TicketingApp, stack: StackName): [string, CfnResource][] {
  return Object.entries((app.json.get(stack)?.Resources ?? {}) as Record<string, CfnResource>);
}

/** Resources of one type in a stack. */
export function ofType(app: TicketingApp, stack: StackName, type: string): [string, CfnResource][] {
  return resourcesIn(app, stack).filter(([, r]) => r.Type === type);
}

/** The one resource of a type in a stack. */
export function only(app: TicketingApp, stack: StackName, type: string): CfnResource {
  const all = ofType(app, stack, type);
  if (all.length !== 1) throw new Error(`${stack}: ${all.length} resources of type ${type}`);
  return (all[0] as [string, CfnResource])[1];
}

/**
 * A value of a stack's template with its intrinsic functions evaluated; a template parameter (an
 * SSM parameter read at deploy time) reads as `values[<SSM name>]`, or `{{param:<SSM name>}}`.
 */
export function valueIn(app: TicketingApp, stack: StackName, v: unknown, values: Readonly<Record<string, string>> = {}): unknown {
  const params = (app.json.get(stack)?.Parameters ?? {}) as Record<string, { Default?: string }>;
  const parameters = Object.fromEntries(Object.entries(params).map(([id, p]) => [id, values[p.Default ?? ''] ?? `{{param:${p.Default ?? id}}}`]));
  return evaluate(v, app.ids.get(stack) ?? stack, { region: app.plan.region, parameters });
}

/** CloudFormation resources per stack and type: in the templates, and as the plan lists them. */
export function counts(app: TicketingApp): { readonly templates: Record<string, Record<string, number>>; readonly plan: Record<string, Record<string, number>> } {
  const sorted = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).sort());
  const templates: Record<string, Record<string, number>> = {};
  for (const [stack, t] of app.json) {
    const c: Record<string, number> = {};
    for (const r of Object.values((t.Resources ?? {}) as Record<string, CfnResource>)) c[r.Type] = (c[r.Type] ?? 0) + 1;
    templates[stack] = sorted(c);
  }
  const plan: Record<string, Record<string, number>> = {};
  for (const s of app.plan.stacks) {
    const c: Record<string, number> = {};
    for (const r of s.resources) for (const [type, n] of Object.entries(r.cloudformation)) c[type] = (c[type] ?? 0) + n;
    plan[s.name] = sorted(c);
  }
  return { templates, plan };
}

/** The container of a web service's task definition (Compute stack), by the service's construct ID. */
export function container(app: TicketingApp, serviceId: string): Json {
  const [, def] = ofType(app, 'Compute', 'AWS::ECS::TaskDefinition').find(([, r]) => String(r.Metadata?.['aws:cdk:path'] ?? '').endsWith(`/${serviceId}Task/Resource`)) ?? [];
  if (!def) throw new Error(`no task definition for ${serviceId}`);
  return (def.Properties?.ContainerDefinitions as Json[])[0] as Json;
}

export type Statement = { readonly Action: string | string[]; readonly Resource: unknown; readonly Effect: string };

/** The statements of the policies attached to the role made by construct `roleConstruct` (e.g. `ServiceWebTaskRole`). */
export function statementsOf(app: TicketingApp, stack: StackName, roleConstruct: string): Statement[] {
  const id = app.ids.get(stack) ?? stack;
  const roles = ofType(app, stack, 'AWS::IAM::Role').filter(([, r]) => r.Metadata?.['aws:cdk:path'] === `${id}/${roleConstruct}/Resource`).map(([rid]) => rid);
  if (roles.length !== 1) throw new Error(`${stack}: no role ${roleConstruct}`);
  return ofType(app, stack, 'AWS::IAM::Policy')
    .filter(([, r]) => JSON.stringify(r.Properties?.Roles ?? []) === JSON.stringify([{ Ref: roles[0] }]))
    .flatMap(([, r]) => r.Properties?.PolicyDocument.Statement as Statement[]);
}
