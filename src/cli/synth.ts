/**
 * Synthesize a generated CDK app in this process, offline: bundle its
 * TypeScript with esbuild (types stripped, nothing type-checked), run
 * `addStacks` from `lib/app.ts` against dazzle's own aws-cdk-lib, and write
 * the cloud assembly. No `npm install` in the app, no AWS credentials.
 *
 * CloudFormation schema validation is switched off (CDK_VALIDATION=false: it
 * costs seconds and memory); cdk-nag's AWS Solutions rules run instead, and
 * every unacknowledged finding becomes a diagnostic.
 *
 * This is the only module that loads aws-cdk-lib, cdk-nag and esbuild.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/index.js';

const requireHere = createRequire(import.meta.url);

export interface NagFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly description: string;
  /** Construct path, e.g. `LedgerApp-prod-Data/BucketFiles/Resource`. */
  readonly path: string;
}

export interface SynthOutput {
  /** Where the cloud assembly was written. */
  readonly outdir: string;
  /** Stack name → template file (relative to outdir). */
  readonly templates: ReadonlyMap<string, string>;
  readonly findings: readonly NagFinding[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

export interface SynthOptions {
  /** Run cdk-nag's AWS Solutions rules (default true). */
  readonly nag?: boolean;
  /** Where to write the assembly (default `<appDir>/cdk.out`). */
  readonly outdir?: string;
  /** Further cdk-nag packs to run besides AwsSolutions, by class name (`HIPAASecurityChecks`). @default none */
  readonly packs?: readonly string[];
}

interface CdkApp {
  synth(): unknown;
}

function fail(outdir: string, diagnostics: Diagnostic[]): SynthOutput {
  return { outdir, templates: new Map(), findings: [], diagnostics, ok: false };
}

/** The `context` of the app's cdk.json, as `cdk synth` would pass it. */
function cdkContext(appDir: string): Record<string, unknown> {
  try {
    const json = JSON.parse(readFileSync(join(appDir, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
    const local = existsSync(join(appDir, 'cdk.context.json')) ? (JSON.parse(readFileSync(join(appDir, 'cdk.context.json'), 'utf8')) as Record<string, unknown>) : {};
    return { ...local, ...(json.context ?? {}) };
  } catch {
    return {};
  }
}

/** Bundle `lib/app.ts` (and what it imports) into one CommonJS module, CDK packages left external. */
async function bundle(appDir: string): Promise<{ code?: string; diagnostics: Diagnostic[] }> {
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [join(appDir, 'lib', 'app.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag'],
      logLevel: 'silent',
      sourcemap: 'inline',
      sourcesContent: false,
    });
    return { code: result.outputFiles[0]?.text ?? '', diagnostics: [] };
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number; lineText: string } | null }[] }).errors ?? [];
    if (!errors.length) return { diagnostics: [diag('DZ7101', `the app in ${appDir} does not compile: ${(e as Error).message}`)] };
    return {
      diagnostics: errors.map((m) =>
        diag('DZ7101', `the app does not compile: ${m.text}`, {
          ...(m.location
            ? { span: { file: m.location.file, line: m.location.line, col: m.location.column + 1, endLine: m.location.line, endCol: m.location.column + 1, offset: 0, length: 0 } }
            : {}),
          hint: 'fix the file (or run `dazzle deploy generate --force` to regenerate it)',
        }),
      ),
    };
  }
}

/** Run the bundled module with dazzle's own aws-cdk-lib, as if it lived at `lib/app.ts`. */
function load(code: string, appDir: string): { addStacks?: (app: unknown) => void } {
  const filename = join(appDir, 'lib', 'app.ts');
  const module = { exports: {} as Record<string, unknown> };
  const run = new Function('exports', 'require', 'module', '__filename', '__dirname', code) as (...a: unknown[]) => void;
  run(module.exports, requireHere, module, filename, join(appDir, 'lib'));
  return module.exports as { addStacks?: (app: unknown) => void };
}

function readFindings(outdir: string): NagFinding[] {
  const file = join(outdir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    pluginReports?: { violations?: { ruleName: string; description: string; severity?: string; violatingConstructs?: { constructPath: string }[] }[] }[];
  };
  const out: NagFinding[] = [];
  for (const p of report.pluginReports ?? []) {
    for (const v of p.violations ?? []) {
      for (const c of v.violatingConstructs ?? []) {
        out.push({ rule: v.ruleName, severity: v.severity === 'error' ? 'error' : 'warning', description: v.description, path: c.constructPath });
      }
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

export function findingDiagnostic(f: NagFinding): Diagnostic {
  return diag(f.severity === 'error' ? 'DZ7103' : 'DZ7104', `${f.rule} on ${f.path}: ${f.description}`, {
    hint: `fix it in the DSL or dazzle.toml, or acknowledge it next to the construct: Validations.of(construct).acknowledge({ id: '${f.rule}', reason: '…' })`,
  });
}

/** Synthesize the app in `appDir` (a folder written by `dazzle deploy generate`). */
export async function synthApp(appDir: string, options: SynthOptions = {}): Promise<SynthOutput> {
  const root = resolve(appDir);
  const outdir = resolve(options.outdir ?? join(root, 'cdk.out'));
  if (!existsSync(join(root, 'lib', 'app.ts'))) {
    return fail(outdir, [diag('DZ6003', `no generated app in ${appDir} (lib/app.ts is missing)`, { hint: 'run `dazzle deploy generate` first' })]);
  }
  const bundled = await bundle(root);
  if (bundled.code === undefined) return fail(outdir, bundled.diagnostics);

  // Synthesize into a staging folder and swap it in: a failed synth keeps the previous assembly.
  const staging = `${outdir}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const saved = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  let validationFailed = false;
  try {
    const mod = load(bundled.code, root);
    if (typeof mod.addStacks !== 'function') {
      return fail(outdir, [diag('DZ7102', `${relative(process.cwd(), join(root, 'lib', 'app.ts')) || 'lib/app.ts'} does not export addStacks(app)`, { hint: 'run `dazzle deploy generate --force` to regenerate lib/app.ts' })]);
    }
    const cdk = requireHere('aws-cdk-lib') as typeof import('aws-cdk-lib');
    const app = new cdk.App({
      outdir: staging,
      autoSynth: false,
      context: { ...cdkContext(root), 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:version-reporting': false },
    });
    mod.addStacks(app);
    if (options.nag !== false) {
      const nag = requireHere('cdk-nag') as Record<string, new (scope: unknown) => import('aws-cdk-lib').IPolicyValidationPluginBeta1>;
      cdk.Validations.of(app).addPlugins(...['AwsSolutionsChecks', ...(options.packs ?? [])].map((pack) => new (nag[pack] as (typeof nag)[string])(app)));
    }
    try {
      (app as CdkApp).synth();
    } catch (e) {
      // A policy plugin's failure is reported in validation-report.json; anything else is a real error.
      if (!existsSync(join(staging, 'validation-report.json'))) throw e;
      validationFailed = true;
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    return fail(outdir, [diag('DZ7102', `the app failed to synthesize: ${(e as Error).message.split('\n')[0]}`, { hint: 'run with --debug for the stack trace; if you edited lib/, check your change' })]);
  } finally {
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
  }
  const findings = readFindings(staging);
  if (validationFailed && !findings.length) {
    rmSync(staging, { recursive: true, force: true });
    return fail(outdir, [diag('DZ7102', 'the app failed validation, and no validation report was written', { hint: 'run `npx cdk synth` in the app folder for details' })]);
  }
  rmSync(outdir, { recursive: true, force: true });
  renameSync(staging, outdir);
  const templates = new Map<string, string>();
  for (const f of readdirSync(outdir).filter((n) => n.endsWith('.template.json')).sort()) templates.set(f.replace(/\.template\.json$/, ''), f);
  const diagnostics = findings.map(findingDiagnostic);
  return { outdir, templates, findings, diagnostics, ok: !findings.some((f) => f.severity === 'error') };
}
