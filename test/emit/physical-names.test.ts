/**
 * Physical names with a 100-character app name, for every project: synthesized in staging and in
 * prod, every fixed name (bucket, queue, bus, identity, log group, parameter, secret, cluster,
 * dashboard, topic, alarm) fits its AWS limit and form, keeps the environment (staging and prod of
 * the app share no name in one account and region), and a name kept after its stack is deleted
 * ends with the stack's creation id. (The acceptance tests check the same with the projects'
 * own names.) Synthesized without cdk-nag.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthApp } from '../../src/cli/synth.js';
import type { Environment } from '../../src/config/index.js';
import { generateApp, projectCopy, writeApp } from '../cdk-helpers.js';
import { CORPUS, REPO, sharedCases } from '../helpers.js';
import { nameProblems, physicalNames, type Json, type PhysicalName } from './cfn.js';

const PROJECTS: [string, string][] = [
  ['ledger-app', join(REPO, 'examples', 'ledger-app')],
  ...sharedCases('the corpus projects', () => ['acme_billing', 'fieldtest_hub', 'invoice_ops', 'simple_task', 'support_tickets'].map((p): [string, string] => [p, join(CORPUS, p)])),
];
const LONG = `a${'b'.repeat(98)}c`;
const ENVS: Environment[] = ['staging', 'prod'];

/** A copy of the project whose app is named LONG. */
function renamed(project: string): string {
  const copy = projectCopy(project);
  const dsl = join(copy, 'dsl');
  let found = 0;
  for (const f of readdirSync(dsl).filter((n) => n.endsWith('.dsl'))) {
    const text = readFileSync(join(dsl, f), 'utf8');
    const next = text.replace(/^app [A-Za-z_][A-Za-z0-9_]*/m, `app ${LONG}`);
    if (next !== text) found++;
    writeFileSync(join(dsl, f), next);
  }
  if (found !== 1) throw new Error(`${project}: ${found} app declarations`);
  return copy;
}

const names = new Map<string, PhysicalName[]>();

beforeAll(async () => {
  for (const [name, dir] of PROJECTS) {
    for (const env of ENVS) {
      const copy = renamed(dir);
      const prepared = generateApp(copy, env);
      const out = await synthApp(writeApp(prepared.app.files, join(copy, 'infra')), { nag: false });
      if (!out.templates.size) throw new Error(out.diagnostics.map((d) => d.message).join('\n'));
      const templates = new Map(prepared.app.stacks.map((s) => [s.id, JSON.parse(readFileSync(join(out.outdir, out.templates.get(s.id) as string), 'utf8')) as Json]));
      // The stack names themselves are names too (CloudFormation: at most 128).
      for (const s of prepared.app.stacks) expect(s.id.length, s.id).toBeLessThanOrEqual(128);
      expect(prepared.plan.app).toBe(LONG);
      names.set(`${name} ${env}`, physicalNames(templates, { region: prepared.plan.region }));
    }
  }
}, 600_000);

describe.each(PROJECTS.map(([name]) => [name] as const))('%s with a 100-character app name', (name) => {
  it.each(ENVS.map((e) => [e] as const))('%s: every physical name fits its limit and form; a kept one ends with the creation id', (env) => {
    const all = names.get(`${name} ${env}`) as PhysicalName[];
    expect(all.length).toBeGreaterThan(5);
    expect(nameProblems(all)).toEqual([]);
    for (const n of all) if (n.retained) expect(n.perCreation, `${n.path} ${n.name}`).toBe(true);
    // Shortening never drops the environment (prod sends email from the address as written; the others from its sub-address).
    for (const n of all) if (!(n.kind === 'SES identity' && env === 'prod')) expect(n.name.toLowerCase(), `${n.path} ${n.name}`).toMatch(new RegExp(`(^|[^a-z])${env}([^a-z]|$)`));
  });

  it('staging and prod share no physical name', () => {
    const key = (n: PhysicalName) => `${n.kind} ${n.name.toLowerCase()}`;
    const staging = new Set((names.get(`${name} staging`) as PhysicalName[]).map(key));
    const shared = (names.get(`${name} prod`) as PhysicalName[]).map(key).filter((k) => staging.has(k));
    expect(shared).toEqual([]);
  });
});
