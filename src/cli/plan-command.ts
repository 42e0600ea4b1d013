/** `dazzle deploy plan` (loaded only for that command). */
import { hasErrors, type Diagnostic } from '../diagnostics/index.js';
import { lowerToRequirements } from '../lower/index.js';
import { buildPlan, checkLimits, planJson, planMarkdown, planText } from '../plan/index.js';
import type { CommonOptions } from './commands.js';
import { loadProject } from './front.js';
import { lstatSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { VERSION_FILE } from '../emit/version-file-name.js';
import type { Placement } from '../plan/index.js';
import { displayPath } from './io.js';
import { diagnosticsJson, json, printDiagnostics, type Io } from './output.js';

/** `dazzle deploy plan`: what will be built and why, with a monthly cost estimate. Offline; no aws-cdk-lib. */
export async function deployPlan(opts: CommonOptions, io: Io, cwd: string): Promise<number> {
  const loaded = loadProject(opts.project, cwd, opts.env);
  const spec = loaded.front?.spec;
  const fail = (diagnostics: readonly Diagnostic[]) => {
    if (opts.format === 'json') io.stdout(json({ ok: false, diagnostics: diagnosticsJson(diagnostics) }));
    else printDiagnostics(io, diagnostics, loaded.sources);
    return 2;
  };
  if (!loaded.ok || !spec || !loaded.config) return fail(loaded.diagnostics);
  const lowered = lowerToRequirements(spec, loaded.config);
  const diagnostics = [...loaded.diagnostics, ...lowered.diagnostics];
  if (!lowered.value) return fail(diagnostics);
  // The stacks the last generation put each queue, bucket and service in (they stay there), and the limits.
  const outDir = isAbsolute(loaded.config.deploy.output) ? loaded.config.deploy.output : join(loaded.files.root, loaded.config.deploy.output);
  // The reader of the version file (and its JSON Schema validator) loads only when there is one to read.
  const previous: { readonly placement: Placement; readonly diagnostics: readonly Diagnostic[] } = lstatSync(join(outDir, VERSION_FILE), { throwIfNoEntry: false })
    ? (await import('./placement.js')).previousPlacement(outDir, displayPath(outDir, cwd), spec.app.name, loaded.config.deploy.environment)
    : { placement: new Map(), diagnostics: [] };
  const plan = buildPlan(lowered.value, loaded.config, { previous: previous.placement });
  diagnostics.push(...previous.diagnostics, ...checkLimits(plan, loaded.config));
  if (opts.format === 'json') {
    if (hasErrors(diagnostics)) return fail(diagnostics);
    io.stdout(planJson(plan));
    return 0;
  }
  printDiagnostics(io, diagnostics, loaded.sources);
  io.stdout(opts.format === 'markdown' ? planMarkdown(plan) : planText(plan));
  return hasErrors(diagnostics) ? 2 : 0;
}
