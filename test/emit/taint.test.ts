/**
 * Emission on its own, whatever the checks upstream let through: every string of a real plan
 * (names, titles, values, file names and config values in the provenance, secret names…) gets
 * a hostile suffix: line terminators, quotes, `${`, backticks, comment ends, and a call to
 * `DAZZLE_CANARY()`. Every generated TypeScript file must still parse, the canary must never be
 * code (esbuild's `define` rewrites the identifier only where it is code, never in a string or a
 * comment), no hostile character may be written raw, and the other files (README, JSON) keep
 * as many lines as with a harmless suffix.
 */
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/index.js';
import { emitApp } from '../../src/emit/index.js';
import type { DeploymentPlan } from '../../src/plan/index.js';
import { CORPUS, itShared, REPO, sharedCases } from '../helpers.js';
import { emit, planWith } from './in-process.js';

const PROJECTS = [join(REPO, 'examples', 'ledger-app'), ...sharedCases('the corpus projects', () => ['acme_billing', 'fieldtest_hub', 'invoice_ops', 'simple_task', 'support_tickets'].map((p) => join(CORPUS, p)))];
const ENVS: Environment[] = ['dev', 'prod'];
const PLANS = PROJECTS.flatMap((p) => ENVS.map((e) => ({ name: `${p.split('/').pop()} ${e}`, plan: planWith(p, e) })));

/**
 * Keys whose strings choose what is generated rather than being rendered (a kind, a role, a
 * policy), that the plan keeps consistent with each other (a replica's id and address), or that
 * have tests of their own (a secret's reference; an email from address, checked at generation; a
 * namespace, which generation refuses until it builds one):
 * left as they are.
 */
const STRUCTURAL = new Set(['kind', 'role', 'runtime', 'type', 'mode', 'engine', 'removalPolicy', 'target', 'ref', 'id', 'address', 'addresses', 'dependsOn', 'fromAddress', 'namespace', 'stack', 'service', 'statistic', 'comparison', 'missing']);

/** The plan with `suffix` after every rendered string (`from` of a variable names the wiring of a generated secret). */
function taint(plan: DeploymentPlan, suffix: string): DeploymentPlan {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return STRUCTURAL.has(key) || key === 'from' ? v : `${v}${suffix}`;
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  // The stacks' resources keep their IDs (emission finds each resource's provenance by ID); their provenance is tainted.
  const stacks = plan.stacks.map((s) => ({ ...s, resources: s.resources.map((r) => ({ ...r, because: walk(r.because, 'because') as typeof r.because })) }));
  const { stacks: _, ...rest } = plan;
  return { ...(walk(rest, '') as Omit<DeploymentPlan, 'stacks'>), stacks };
}

const CANARY = 'DAZZLE_CANARY';
const lines = (text: string) => text.split('\n').length;
/** Characters generated text never holds raw: controls other than LF, other line terminators, lone surrogates. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Pieces of hostile suffixes; every suffix also calls the canary. */
const piece = fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\u0085', '\u000b', '\u001b', '\ud800', "'", '"', '`', '\\', '${', '}', '*/', '/*', '//', ';', ')', '(', ' ', '<!--', '-->', '#');
const suffix = fc.array(piece, { maxLength: 8 }).chain((before) => fc.array(piece, { maxLength: 8 }).map((after) => `${before.join('')}${CANARY}()${after.join('')}`));

/** The generated files for a hostile suffix, against those for a harmless one. */
function checkFiles(name: string, hostile: string, bad: ReadonlyMap<string, string>, benign: ReadonlyMap<string, string>): void {
  expect([...bad.keys()], name).toEqual([...benign.keys()]);
  for (const [path, text] of bad) {
    const where = `${name} ${path}: ${JSON.stringify(hostile)}`;
    // No hostile character is written raw: every one is an escape sequence.
    expect(RAW.exec(text)?.[0], where).toBeUndefined();
    if (path.endsWith('.json')) expect(() => JSON.parse(text), where).not.toThrow();
    if (!path.endsWith('.ts')) {
      expect(lines(text), where).toBe(lines(benign.get(path) ?? ''));
      continue;
    }
    const js = transformSync(text, { loader: 'ts', format: 'cjs', define: { [CANARY]: 'INJECTED_CODE' } }).code;
    expect(js.includes('INJECTED_CODE'), where).toBe(false);
  }
}

describe('every string of the plan, made hostile', () => {
  it('leaves every generated file parseable, adds no line, and never makes the canary code', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PLANS.length - 1 }), suffix, (i, hostile) => {
        const { name, plan } = PLANS[i] as (typeof PLANS)[number];
        checkFiles(name, hostile, emit(taint(plan, hostile)).files, emit(taint(plan, 'x')).files);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  // Only corpus projects have email channels.
  itShared('an email from address is checked at generation (DZ7003 at the channel), or rendered inert', () => {
    const withEmail = PLANS.filter((p) => p.plan.aws.emailIdentities.length > 0);
    expect(withEmail.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: withEmail.length - 1 }), suffix, (i, hostile) => {
        const { name, plan } = withEmail[i] as (typeof withEmail)[number];
        const address = (s: string) => ({ ...plan, aws: { ...plan.aws, emailIdentities: plan.aws.emailIdentities.map((e) => ({ ...e, fromAddress: `ops${s}@example.com` })) } });
        const r = emitApp({ plan: address(hostile), projectRoot: '.', outDir: 'infra', projectFromOut: '..', inputsChecksum: '0'.repeat(64), generatedAt: '2026-01-01T00:00:00Z' });
        if (!r.value) {
          expect(r.diagnostics.map((d) => d.code)).toEqual(plan.aws.emailIdentities.map(() => 'DZ7003'));
          for (const d of r.diagnostics) expect(d.span?.line, d.message).toBeGreaterThan(0);
          return;
        }
        checkFiles(name, hostile, r.value.files, emit(address('x')).files);
      }),
      { seed: 43, numRuns: 40 },
    );
  });

  it('the suffix really reaches the generated code (so the property above is not vacuous)', () => {
    const { plan } = PLANS[0] as (typeof PLANS)[number];
    const files = emit(taint(plan, `*/${CANARY}()`)).files;
    for (const path of ['lib/app.ts', 'lib/compute-stack.ts', 'lib/data-stack.ts', 'lib/messaging-stack.ts', 'lib/network-stack.ts', 'lib/observability-stack.ts', 'lib/tigerbeetle-stack.ts', 'lib/wiring.ts', 'bin/app.ts', 'README.md', 'package.json']) {
      expect(files.get(path)?.includes(CANARY), path).toBe(true);
    }
  });
});
