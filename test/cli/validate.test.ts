/**
 * `dazzle deploy synth --validate` (or CDK_VALIDATION=true) runs aws-cdk-lib's CloudFormation
 * template validation: a template CloudFormation would reject, here because of a hand edit of a
 * generated stack, is a DZ7030 error naming the construct path, the logical ID and the resource
 * type, and synth exits 1. Without it, the same app synthesizes with exit 0. (Each validated
 * run costs seconds: CDK_VALIDATION is checked where the CLI reads it, not by a third synth.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectCopy } from '../cdk-helpers.js';
import { validationAsked } from '../../src/cli/generate-command.js';
import { REPO, runCli } from '../helpers.js';

interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
}
interface SynthJson {
  readonly ok: boolean;
  readonly diagnostics: readonly JsonDiagnostic[];
  readonly validation?: { readonly errors: number; readonly warnings: number };
}

const CONSTRUCT = 'LedgerApp-staging-Network/LoadBalancerSecurityGroup/Resource';
let project: string;

function synth(args: readonly string[], env: Record<string, string> = {}) {
  return runCli(['deploy', 'synth', '--project', project, ...args], { env: { CDK_VALIDATION: '', ...env }, timeoutMs: 240_000 });
}

/** The logical ID of the construct in the synthesized Network template. */
function logicalId(): string {
  const t = JSON.parse(readFileSync(join(project, 'infra', 'cdk.out', 'LedgerApp-staging-Network.template.json'), 'utf8')) as { Resources: Record<string, { Metadata?: Record<string, unknown> }> };
  const hit = Object.entries(t.Resources).find(([, r]) => r.Metadata?.['aws:cdk:path'] === CONSTRUCT);
  if (!hit) throw new Error(`no ${CONSTRUCT}`);
  return hit[0];
}

beforeAll(() => {
  project = projectCopy(join(REPO, 'examples', 'ledger-app'));
  const generated = runCli(['deploy', 'generate', '--project', project]);
  expect(generated.code, generated.stderr).toBe(0);
  // A hand edit CloudFormation rejects (a security group description allows ASCII only) but synth does not notice.
  const file = join(project, 'infra', 'lib', 'network-stack.ts');
  const source = readFileSync(file, 'utf8');
  expect(source).toContain("description: 'Internet-facing load balancer',");
  writeFileSync(file, source.replace("description: 'Internet-facing load balancer',", "description: 'Internet-facing load balancer ✓',"));
}, 120_000);

describe('deploy synth on an app CloudFormation would reject', () => {
  it('without --validate: synthesizes, exit 0, no template validation', () => {
    const r = synth(['--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as SynthJson;
    expect(out.diagnostics.map((d) => d.code)).not.toContain('DZ7030');
    expect(out.validation).toBeUndefined();
  }, 240_000);

  it('with --validate: DZ7030 with the construct path, logical ID and resource type; exit 1', () => {
    const r = synth(['--validate', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as SynthJson;
    const errors = out.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['DZ7030']);
    const message = (errors[0] as JsonDiagnostic).message;
    expect(message).toContain(` on ${CONSTRUCT} (logical ID ${logicalId()}, AWS::EC2::SecurityGroup): GroupDescription: `);
    expect(out.validation?.errors).toBe(1);
    expect(out.ok).toBe(false);
  }, 240_000);
});

describe('CDK_VALIDATION in the environment', () => {
  it('"true" (or 1) turns validation on as --validate does; anything else leaves it to the flag', () => {
    for (const v of ['true', 'TRUE', '1']) expect(validationAsked({ project: '.', format: 'text' }, { CDK_VALIDATION: v }), v).toBe(true);
    for (const v of [undefined, '', 'false', '0', 'no']) expect(validationAsked({ project: '.', format: 'text' }, { CDK_VALIDATION: v }), String(v)).toBe(false);
    expect(validationAsked({ project: '.', format: 'text', validate: true }, { CDK_VALIDATION: 'false' })).toBe(true);
  });
});
