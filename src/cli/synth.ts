/**
 * Synthesize a generated CDK app in this process, offline: bundle its
 * TypeScript with esbuild (types stripped, nothing type-checked), run
 * `addStacks` from `lib/app.ts` against dazzle's own aws-cdk-lib, and write
 * the cloud assembly. No `npm install` in the app, no AWS credentials.
 *
 * cdk-nag's AWS Solutions rules run on every synth, and every unacknowledged
 * finding becomes a diagnostic. aws-cdk-lib's CloudFormation template
 * validation (its `CDK_VALIDATION` mechanism: the resource schemas, the
 * resource types each region offers and its built-in rules) costs seconds and
 * memory, so it runs only when asked for (`validate`); its errors stay errors
 * (aws-cdk-lib would downgrade them to warnings) and each finding becomes a
 * diagnostic with its construct path and logical ID.
 *
 * This is the only module that loads aws-cdk-lib, cdk-nag and esbuild.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/index.js';
import { VALIDATION_CACHE } from './template-validation-cache.js';

const requireHere = createRequire(import.meta.url);

/** Which check found something: cdk-nag's AWS Solutions rules, or CloudFormation template validation. */
export type FindingSource = 'cdk-nag' | 'cloudformation';

export interface NagFinding {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly description: string;
  /** Construct path, e.g. `LedgerApp-prod-Data/BucketFiles/Resource`. */
  readonly path: string;
  /** @default 'cdk-nag' */
  readonly source?: FindingSource;
  /** The resource's logical ID in its template, when the finding is about one resource. */
  readonly logicalId?: string;
  /** Its template file, relative to the cloud assembly. */
  readonly template?: string;
  /** The properties the finding is about (`Properties.Cidr`). */
  readonly properties?: readonly string[];
  /** The resource's CloudFormation type, read from its template. */
  readonly resourceType?: string;
  /**
   * aws-cdk-lib's validation plugin reports one description per rule: when several resources
   * have the finding, the description is the first one's. Set on the others: how many share it.
   */
  readonly sharedDescription?: number;
}

export interface SynthOutput {
  /** Where the cloud assembly was written. */
  readonly outdir: string;
  /** Stack name → template file (relative to outdir). */
  readonly templates: ReadonlyMap<string, string>;
  readonly findings: readonly NagFinding[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
  /** The exception behind a failed synthesis (DZ7102), for `--debug` to print its stack trace. */
  readonly error?: unknown;
}

export interface SynthOptions {
  /** Run cdk-nag's AWS Solutions rules (default true). */
  readonly nag?: boolean;
  /** Where to write the assembly (default `<appDir>/cdk.out`). */
  readonly outdir?: string;
  /**
   * Where the app's files are taken to live, for the paths they compute from `__dirname`
   * (the project the image is built from): the output folder, when `appDir` holds a copy
   * written elsewhere. @default appDir
   */
  readonly location?: string;
  /** Run aws-cdk-lib's CloudFormation template validation too (default false: it adds seconds). */
  readonly validate?: boolean;
  /** Further cdk-nag packs to run besides AwsSolutions, by class name (`HIPAASecurityChecks`). @default none */
  readonly packs?: readonly string[];
}

/** aws-cdk-lib's validation plugin, as it names itself in the validation report. */
const CFN_VALIDATE_PLUGIN = 'CloudFormation Validate';

interface CdkApp {
  synth(): unknown;
}

function fail(outdir: string, diagnostics: Diagnostic[], error?: unknown): SynthOutput {
  return { outdir, templates: new Map(), findings: [], diagnostics, ok: false, ...(error === undefined ? {} : { error }) };
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
  const esbuild = await loadEsbuild();
  try {
    const result = esbuild.buildSync({
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
  } finally {
    // A service that an earlier caller in this process started (in-process tests) goes too.
    await esbuild.stop();
  }
}

/**
 * esbuild, set up to build synchronously in a process of its own: `buildSync` then runs
 * one esbuild process and waits for it, so it has exited and been reaped when the build
 * returns. (The asynchronous API keeps a service process that outlives dazzle's exit, and a
 * worker thread would leave its child unreaped.) The setting is read when esbuild loads.
 */
async function loadEsbuild(): Promise<typeof import('esbuild')> {
  const saved = process.env.ESBUILD_WORKER_THREADS;
  process.env.ESBUILD_WORKER_THREADS = '0';
  try {
    return (await import('esbuild')) as typeof import('esbuild');
  } finally {
    if (saved === undefined) delete process.env.ESBUILD_WORKER_THREADS;
    else process.env.ESBUILD_WORKER_THREADS = saved;
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

interface ReportConstruct {
  readonly constructPath?: string;
  readonly cloudFormationResource?: { readonly templatePath?: string; readonly logicalId?: string; readonly propertyPaths?: readonly string[] };
}

interface ValidationReport {
  readonly pluginReports?: readonly {
    readonly pluginName?: string;
    readonly violations?: readonly { readonly ruleName: string; readonly description: string; readonly severity?: string; readonly violatingConstructs?: readonly ReportConstruct[] }[];
  }[];
}

/** The CloudFormation type of a resource, from its template (read once per template). */
function typeReader(outdir: string): (template: string, logicalId: string) => string | undefined {
  const templates = new Map<string, Record<string, { Type?: string }>>();
  return (template, logicalId) => {
    if (!templates.has(template)) {
      try {
        templates.set(template, (JSON.parse(readFileSync(join(outdir, template), 'utf8')) as { Resources?: Record<string, { Type?: string }> }).Resources ?? {});
      } catch {
        templates.set(template, {});
      }
    }
    return templates.get(template)?.[logicalId]?.Type;
  };
}

function compareFindings(a: NagFinding, b: NagFinding): number {
  const key = (f: NagFinding) => [f.source ?? 'cdk-nag', f.path, f.rule, f.logicalId ?? '', f.description];
  const x = key(a);
  const y = key(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1;
  return 0;
}

function readFindings(outdir: string): NagFinding[] {
  const file = join(outdir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  const typeOf = typeReader(outdir);
  const out: NagFinding[] = [];
  for (const p of report.pluginReports ?? []) {
    const source: FindingSource = p.pluginName === CFN_VALIDATE_PLUGIN ? 'cloudformation' : 'cdk-nag';
    for (const v of p.violations ?? []) {
      // aws-cdk-lib reports CloudFormation's FATAL as error and its informational levels below warning.
      const severity = v.severity === 'error' || v.severity === 'fatal' ? 'error' : 'warning';
      if (source === 'cloudformation' && v.severity !== undefined && !['error', 'fatal', 'warning'].includes(v.severity)) continue;
      const constructs = v.violatingConstructs ?? [];
      for (const [i, c] of constructs.entries()) {
        const r = c.cloudFormationResource;
        const resourceType = r?.templatePath && r.logicalId ? typeOf(r.templatePath, r.logicalId) : undefined;
        out.push({
          rule: v.ruleName,
          severity,
          description: v.description,
          path: c.constructPath ?? '',
          ...(source === 'cloudformation' ? { source } : {}),
          ...(r?.logicalId ? { logicalId: r.logicalId } : {}),
          ...(r?.templatePath ? { template: r.templatePath } : {}),
          ...(r?.propertyPaths?.length ? { properties: r.propertyPaths } : {}),
          ...(resourceType ? { resourceType } : {}),
          ...(source === 'cloudformation' && i > 0 ? { sharedDescription: constructs.length } : {}),
        });
      }
    }
  }
  return out.sort(compareFindings);
}

export function findingDiagnostic(f: NagFinding): Diagnostic {
  if (f.source === 'cloudformation') {
    const where = `${f.path || f.template || 'the app'}${f.logicalId ? ` (logical ID ${f.logicalId}${f.resourceType ? `, ${f.resourceType}` : ''})` : ''}`;
    const shared = f.sharedDescription ? ` (the description of the first of ${f.sharedDescription} resources with this finding)` : '';
    return diag(f.severity === 'error' ? 'DZ7030' : 'DZ7031', `CloudFormation ${f.rule} on ${where}: ${f.description}${shared}`, {
      hint:
        f.severity === 'error'
          ? 'CloudFormation would reject this template at deploy. If lib/ was edited by hand, check that change (or run `dazzle deploy generate --force`); otherwise this is a defect in the generated app: report it'
          : 'CloudFormation accepts this, but it is probably not what is meant; check the resource named here',
    });
  }
  return diag(f.severity === 'error' ? 'DZ7103' : 'DZ7104', `${f.rule} on ${f.path}: ${f.description}`, {
    hint: `fix it in the DSL or dazzle.toml, or acknowledge it next to the construct: Validations.of(construct).acknowledge({ id: '${f.rule}', reason: '…' })`,
  });
}

/**
 * Preflight's cache of validation findings lives in the assembly folder, which a synth replaces:
 * move it into the new one (a plain file only), so a synth between two preflights keeps it.
 */
function carryOverValidationCache(outdir: string, staging: string): void {
  const from = join(outdir, VALIDATION_CACHE);
  try {
    if (lstatSync(from).isFile()) renameSync(from, join(staging, VALIDATION_CACHE));
  } catch {
    // Nothing to carry (or it cannot be moved): the next preflight validates again.
  }
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
  // aws-cdk-lib reads CDK_VALIDATION when it synthesizes: anything but "false" runs template validation.
  const saved = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = options.validate ? 'true' : 'false';
  let validationFailed = false;
  try {
    const mod = load(bundled.code, resolve(options.location ?? root));
    if (typeof mod.addStacks !== 'function') {
      return fail(outdir, [diag('DZ7102', `${relative(process.cwd(), join(root, 'lib', 'app.ts')) || 'lib/app.ts'} does not export addStacks(app)`, { hint: 'run `dazzle deploy generate --force` to regenerate lib/app.ts' })]);
    }
    const cdk = requireHere('aws-cdk-lib') as typeof import('aws-cdk-lib');
    const app = new cdk.App({
      outdir: staging,
      autoSynth: false,
      context: {
        ...cdkContext(root),
        'aws:cdk:enable-path-metadata': true,
        'aws:cdk:enable-asset-metadata': true,
        'aws:cdk:version-reporting': false,
        // Template validation errors stay errors (aws-cdk-lib downgrades them to warnings unless this is set).
        '@aws-cdk/core:validateAgainstDefaultRules': true,
        // dazzle reads validation-report.json and reports each finding itself: aws-cdk-lib neither prints nor throws.
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      },
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
    return fail(outdir, [diag('DZ7102', `the app failed to synthesize: ${(e as Error).message.split('\n')[0]}`, { hint: 'run with --debug for the stack trace; if you edited lib/, check your change' })], e);
  } finally {
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
  }
  const findings = readFindings(staging);
  if (validationFailed && !findings.length) {
    rmSync(staging, { recursive: true, force: true });
    return fail(outdir, [diag('DZ7102', 'the app failed validation, and no validation report was written', { hint: 'run `npx cdk synth` in the app folder for details' })]);
  }
  carryOverValidationCache(outdir, staging);
  rmSync(outdir, { recursive: true, force: true });
  renameSync(staging, outdir);
  const templates = new Map<string, string>();
  for (const f of readdirSync(outdir).filter((n) => n.endsWith('.template.json')).sort()) templates.set(f.replace(/\.template\.json$/, ''), f);
  const diagnostics = findings.map(findingDiagnostic);
  return { outdir, templates, findings, diagnostics, ok: !findings.some((f) => f.severity === 'error') };
}
