/**
 * Plans built in this process from a project's DSL and a configuration object changed after
 * loading (to render values the loader does not let through yet), then emitted, written next to
 * a Dockerfile and synthesized in-process, as `dazzle deploy synth` does.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProject } from '../../src/cli/io.js';
import { synthApp, type NagFinding } from '../../src/cli/synth.js';
import { loadConfig, type Environment, type ResolvedConfig } from '../../src/config/index.js';
import { emitApp, type GeneratedApp } from '../../src/emit/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { buildPlan, type DeploymentPlan, type StackName } from '../../src/plan/index.js';
import { frontEnd } from '../../src/project/index.js';
import { typecheckApp, writeApp } from '../cdk-helpers.js';
import { REPO } from '../helpers.js';

/** The plan of `project` (its DSL and dazzle.toml), after `change` edits the loaded configuration. */
export function planWith(project: string, environment: Environment, change: (c: ResolvedConfig) => ResolvedConfig = (c) => c): DeploymentPlan {
  const files = readProject(project, REPO);
  const spec = frontEnd(files.dsl).value.spec;
  if (!spec) throw new Error(`${project}: the DSL does not check`);
  const loaded = loadConfig({ path: 'dazzle.toml', text: files.configText, environment });
  if (!loaded.value) throw new Error(`${project}: ${loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const config = change(loaded.value);
  const lowered = lowerToRequirements(spec, config);
  if (!lowered.value) throw new Error(`${project}: ${lowered.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return buildPlan(lowered.value, config);
}

/** Emit a plan (as `generate` does for a project in `.` and an app in `infra`). */
export function emit(plan: DeploymentPlan): GeneratedApp {
  const r = emitApp({ plan, projectRoot: '.', outDir: 'infra', projectFromOut: '..', inputsChecksum: '0'.repeat(64), generatedAt: '2026-01-01T00:00:00Z' });
  if (!r.value) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  return r.value;
}

/** Write the app into a fresh project folder (with a Dockerfile) and synthesize it: templates by stack. */
export async function synthPlan(plan: DeploymentPlan, options: { nag?: boolean } = {}): Promise<{ app: GeneratedApp; dir: string; json: Map<StackName, Record<string, any>>; findings: readonly NagFinding[] }> {
  const app = emit(plan);
  const project = mkdtempSync(join(tmpdir(), 'dazzle-inproc-'));
  writeFileSync(join(project, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.12-slim\n');
  const dir = writeApp(app.files, join(project, 'infra'));
  const out = await synthApp(dir, { nag: options.nag ?? false });
  if (!out.templates.size) throw new Error(`synth failed: ${out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const json = new Map<StackName, Record<string, any>>();
  for (const s of app.stacks) {
    const file = out.templates.get(s.id);
    if (!file) throw new Error(`no template for ${s.id}`);
    json.set(s.name, JSON.parse(readFileSync(join(out.outdir, file), 'utf8')));
  }
  return { app, dir, json, findings: out.findings };
}

/** A CloudFormation string value as text: `Fn::Join` joined, `Fn::Sub` substituted, pseudo parameters as in us-east-1 of account 123456789012. */
export function cfnText(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, any>;
  if ('Fn::Join' in o) return (o['Fn::Join'][1] as unknown[]).map(cfnText).join(o['Fn::Join'][0]);
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };
  if ('Ref' in o) return pseudo[o.Ref] ?? `{{Ref:${o.Ref}}}`;
  if ('Fn::GetAtt' in o) return `{{GetAtt:${(o['Fn::GetAtt'] as string[]).join('.')}}}`;
  if ('Fn::ImportValue' in o) return `{{ImportValue:${cfnText(o['Fn::ImportValue'])}}}`;
  // Fn::Sub of one string (a bucket name from a Data stack's creation id): each ${X} as Ref would render it.
  if (typeof o['Fn::Sub'] === 'string') return (o['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => cfnText({ Ref: name }));
  throw new Error(`cannot render ${JSON.stringify(v)}`);
}

/** Type-check several generated apps (folders with bin/, lib/ and tsconfig.json) in one tsc run. Returns tsc's output. */
export function typecheckApps(apps: readonly string[]): string {
  if (!apps.length) return '';
  const root = mkdtempSync(join(tmpdir(), 'dazzle-tsc-'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  const copy = (from: string, to: string) => {
    for (const name of readdirSync(from)) {
      const f = join(from, name);
      if (statSync(f).isDirectory()) copy(f, join(to, name));
      else if (name.endsWith('.ts')) {
        mkdirSync(to, { recursive: true });
        writeFileSync(join(to, name), readFileSync(f));
      }
    }
  };
  apps.forEach((app, i) => {
    for (const sub of ['bin', 'lib']) if (existsSync(join(app, sub))) copy(join(app, sub), join(root, `app${i}`, sub));
  });
  const tsconfig = JSON.parse(readFileSync(join(apps[0] as string, 'tsconfig.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['*/bin/**/*.ts', '*/lib/**/*.ts'] }));
  return typecheckApp(root);
}
