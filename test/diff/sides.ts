/**
 * Sides of a diff built from real projects in this process, the way `dazzle
 * deploy diff` builds its current side: the project is planned, generated in
 * memory and synthesized in a temporary folder. Fixtures change a copy of a
 * project's DSL or dazzle.toml, never a template.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentSide } from '../../src/cli/diff-baseline.js';
import { prepare } from '../../src/cli/generate-command.js';
import type { Environment } from '../../src/config/index.js';
import { diffDeployments, type DiffInput, type DiffReport, type Side } from '../../src/diff/index.js';
import { copyProject } from '../helpers.js';

export type { DiffReport, Side };

/** A side with its version file and plan (what the current side always has). */
export type DeploymentPlanSide = DiffInput['current'];

/** A copy of `project` in a fresh temporary folder, with `edits` applied to its files (path → new text, or a function of the old). */
export function variant(project: string, edits: Readonly<Record<string, string | ((old: string) => string)>> = {}): string {
  const dir = copyProject(project, join(mkdtempSync(join(tmpdir(), 'dazzle-diff-fixture-')), 'project'));
  for (const [rel, edit] of Object.entries(edits)) {
    const file = join(dir, rel);
    const next = typeof edit === 'string' ? edit : edit(readFileSync(file, 'utf8'));
    writeFileSync(file, next);
  }
  return dir;
}

/** Replace `from` by `to` in a text, failing when `from` is not there (so a fixture cannot silently stop changing anything). */
export function replace(from: string | RegExp, to: string): (old: string) => string {
  return (old) => {
    const next = old.replace(from, to);
    if (next === old) throw new Error(`fixture edit found nothing to replace: ${String(from)}`);
    return next;
  };
}

/** The side of a project: planned, generated in memory, synthesized in-process. */
export async function sideOf(project: string, env?: Environment): Promise<DeploymentPlanSide> {
  const now = new Date('2026-01-01T00:00:00Z');
  const prepared = prepare({ project, format: 'text', ...(env ? { env } : {}) }, project, now);
  if (!prepared.value) throw new Error(`${project}: ${prepared.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const side = await currentSide(prepared.value, mkdtempSync(join(tmpdir(), 'dazzle-diff-side-')), project);
  if (!side.value) throw new Error(`${project}: ${side.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return side.value;
}

/** Diff two sides as the command does. */
export function diff(baseline: Side | undefined, current: DeploymentPlanSide): DiffReport {
  return diffDeployments({ baseline, baselineInfo: { kind: baseline ? 'ref' : 'none', label: 'baseline' }, current });
}
