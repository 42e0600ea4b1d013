/**
 * Generate a project's CDK app in memory, write it to a temporary folder and
 * synthesize it in-process (the same code path as `dazzle deploy synth`), so
 * tests assert on real CloudFormation with aws-cdk-lib/assertions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { prepare, type Prepared } from '../src/cli/generate-command.js';
import { synthApp, type NagFinding } from '../src/cli/synth.js';
import type { Environment } from '../src/config/index.js';
import type { StackName } from '../src/plan/index.js';
import { copyProject, REPO } from './helpers.js';

export const FIXED_TIME = new Date('2026-01-01T00:00:00Z');

/** Front end → plan → generated files (in memory), or the diagnostics that stopped it. */
export function generateApp(project: string, env: Environment, cwd = REPO): Prepared {
  const r = prepare({ project, env, format: 'text' }, cwd, FIXED_TIME);
  if (!r.value) throw new Error(`generation failed:\n${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  return r.value;
}

/**
 * A copy of the project in a temporary folder (the generated app goes into its `infra/`, as in a
 * real project), with a minimal Dockerfile when it has none (corpus projects: the image is theirs).
 */
export function projectCopy(project: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'dazzle-project-'));
  copyProject(project, copy);
  if (!existsSync(join(copy, 'Dockerfile'))) writeFileSync(join(copy, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.12-slim\nCMD ["python", "-m", "http.server", "8000"]\n');
  return copy;
}

/** Write generated files into a fresh folder with dazzle's node_modules linked in (for tsc and tsx). */
export function writeApp(files: ReadonlyMap<string, string>, dir = mkdtempSync(join(tmpdir(), 'dazzle-app-'))): string {
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export interface Synthesized {
  readonly dir: string;
  readonly prepared: Prepared;
  /** Template by stack kind (Network, Data, …). */
  readonly templates: ReadonlyMap<StackName, Template>;
  readonly json: ReadonlyMap<StackName, Record<string, unknown>>;
  readonly findings: readonly NagFinding[];
}

/** Generate and synthesize `project` for `env`; throws if synth fails. */
export async function synthProject(project: string, env: Environment): Promise<Synthesized> {
  const copy = projectCopy(project);
  const prepared = generateApp(copy, env);
  const dir = writeApp(prepared.app.files, join(copy, 'infra'));
  const out = await synthApp(dir);
  if (!out.templates.size) throw new Error(`synth failed:\n${out.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const templates = new Map<StackName, Template>();
  const json = new Map<StackName, Record<string, unknown>>();
  for (const s of prepared.app.stacks) {
    const file = out.templates.get(s.id);
    if (!file) throw new Error(`no template for ${s.id}`);
    const t = JSON.parse(readFileSync(join(out.outdir, file), 'utf8')) as Record<string, unknown>;
    json.set(s.name, t);
    templates.set(s.name, Template.fromJSON(t));
  }
  return { dir, prepared, templates, json, findings: out.findings };
}

/** Resources of one CloudFormation type in a template, by logical ID. */
export function resourcesOf(t: Record<string, unknown>, type: string): [string, { Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: Record<string, unknown> }][] {
  const res = (t.Resources ?? {}) as Record<string, { Type: string }>;
  return Object.entries(res).filter(([, r]) => r.Type === type) as never;
}

/** Type-check a written app with its own tsconfig (strict), using dazzle's pinned tsc. Returns tsc's output ('' when clean). */
export function typecheckApp(dir: string): string {
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', cwd: dir });
  return `${r.stdout}${r.stderr}`.trim();
}

export type CfnResource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: Record<string, unknown> };

/** The CloudFormation name of one of the app's stacks (`LedgerApp-prod-Data`). */
export function stackIdOf(x: Synthesized, stack: StackName): string {
  return (x.prepared.app.stacks.find((t) => t.name === stack) as { id: string }).id;
}

/** The CloudFormation resource behind a construct path inside a stack (`Database/Resource`). */
export function resourceAt(x: Synthesized, stack: StackName, path: string): [string, CfnResource] {
  const full = `${stackIdOf(x, stack)}/${path}`;
  const hit = Object.entries(((x.json.get(stack) ?? {}).Resources ?? {}) as Record<string, CfnResource>).find(([, r]) => r.Metadata?.['aws:cdk:path'] === full);
  if (!hit) throw new Error(`no resource at ${full}`);
  return hit;
}

/** How many resources of each CloudFormation type a stack has. */
export function typeCounts(x: Synthesized, stack: StackName): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of Object.values(((x.json.get(stack) ?? {}).Resources ?? {}) as Record<string, CfnResource>)) out[r.Type] = (out[r.Type] ?? 0) + 1;
  return out;
}
