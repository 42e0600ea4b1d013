/**
 * Acceptance: on the bundled example and on every corpus project, in every
 * environment, preflight passes at the default threshold with no unacknowledged
 * finding, and every acknowledgement carries a reason and matches a finding.
 *
 * The example acknowledges what it accepts in its own dazzle.toml. The corpus
 * projects have no [deploy] table (they are Dazzle apps, not deployments), so the
 * few choices they leave to defaults that preflight rightly reports are
 * acknowledged here, each with its reason, in a copy of their dazzle.toml.
 * The app is generated and synthesized in-process (the same code as the
 * commands), and one template validator serves every run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPreflight, type PreflightRun } from '../../src/cli/preflight-command.js';
import { startTemplateValidation, type TemplateValidator } from '../../src/cli/template-validation.js';
import { ENVIRONMENTS } from '../../src/config/index.js';
import { failed } from '../../src/preflight/index.js';
import { FIXED_TIME, generateApp, projectCopy, writeApp } from '../cdk-helpers.js';
import { CORPUS, REPO, sharedCases } from '../helpers.js';
import { EXAMPLE } from './helpers.js';

const CORPUS_PROJECTS = ['acme_billing', 'fieldtest_hub', 'invoice_ops', 'simple_task', 'support_tickets'];

const ack = (rule: string, reason: string, environment?: string) => `\n[[deploy.preflight.acknowledge]]\nrule = "${rule}"\n${environment ? `environment = "${environment}"\n` : ''}reason = "${reason}"\n`;

/** What the corpus projects accept, and why. */
const CORPUS_ACKNOWLEDGEMENTS: Readonly<Record<string, string>> = Object.fromEntries(
  CORPUS_PROJECTS.map((p) => [
    p,
    ack('LB_PLAIN_HTTP', 'The project configures no domain, so prod serves HTTP on the load balancer name until [deploy.domain] is set.', 'prod'),
  ]),
);

const PROJECTS: [string, string][] = [['ledger-app', EXAMPLE], ...sharedCases('the corpus projects', () => CORPUS_PROJECTS.map((p): [string, string] => [p, join(CORPUS, p)]))];
const CASES = PROJECTS.flatMap(([name, dir]) => ENVIRONMENTS.map((env) => ({ key: `${name} ${env}`, name, dir, env })));

let validator: TemplateValidator;
const runs = new Map<string, PreflightRun>();

beforeAll(async () => {
  validator = startTemplateValidation();
  for (const c of CASES) {
    const copy = projectCopy(c.dir);
    const extra = CORPUS_ACKNOWLEDGEMENTS[c.name];
    if (extra) writeFileSync(join(copy, 'dazzle.toml'), `${readFileSync(join(copy, 'dazzle.toml'), 'utf8')}${extra}`);
    const prepared = generateApp(copy, c.env);
    writeApp(prepared.app.files, prepared.outDir);
    runs.set(c.key, await collectPreflight({ project: copy, env: c.env, format: 'json' }, REPO, { now: FIXED_TIME, githubActions: false, validator }));
  }
}, 900_000);

afterAll(async () => {
  await validator?.close();
});

describe.each(CASES.map((c) => [c.key] as const))('%s', (key) => {
  it('passes at the default threshold with every finding acknowledged, for a reason', () => {
    const run = runs.get(key) as PreflightRun;
    // No error, and no acknowledgement that is unknown, expired or matches nothing (the project's own warnings may stay).
    expect(run.diagnostics.filter((d) => d.severity === 'error' || d.phase === 'preflight').map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const report = run.report;
    expect(report).toBeDefined();
    if (!report) return;
    expect(report.findings.filter((f) => !f.acknowledged).map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
    for (const f of report.findings) expect(f.acknowledged?.reason.split(/\s+/).length).toBeGreaterThanOrEqual(3);
    expect(failed(report, 'high')).toBe(false);
    expect(report.stacks.length).toBeGreaterThan(3);
  });
});
