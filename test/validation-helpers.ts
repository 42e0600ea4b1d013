/**
 * aws-cdk-lib's CloudFormation template validation in tests: generate a project's app, synthesize
 * it with validation on (as `dazzle deploy synth --validate`), and read each finding as a stable key;
 * and ask the validator's region data which regions lack a resource type.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import { synthApp, type NagFinding } from '../src/cli/synth.js';
import { AWS_REGIONS, type Environment } from '../src/config/index.js';
import type { StackName } from '../src/plan/index.js';
import { generateApp, projectCopy, writeApp } from './cdk-helpers.js';

export interface Validated {
  readonly name: string;
  /** The CloudFormation validation findings, each with the kind of stack it is in. */
  readonly findings: readonly (NagFinding & { readonly stack: StackName })[];
  /** Every resource type in the app's templates. */
  readonly types: ReadonlySet<string>;
}

/** Generate `project` for `env` and synthesize it with template validation (cdk-nag off: acceptance.test.ts runs it). */
export async function validateProject(name: string, project: string, env: Environment): Promise<Validated> {
  const copy = projectCopy(project);
  const prepared = generateApp(copy, env);
  const dir = writeApp(prepared.app.files, join(copy, 'infra'));
  const out = await synthApp(dir, { nag: false, validate: true });
  if (!out.templates.size) throw new Error(`${name}: synth failed: ${out.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const kind = new Map(prepared.app.stacks.map((s) => [s.id, s.name]));
  const findings = out.findings.map((f) => {
    const stack = kind.get(f.path.split('/')[0] ?? '');
    if (!stack) throw new Error(`${name}: a finding outside the app's stacks: ${f.path}`);
    return { ...f, stack };
  });
  const types = new Set<string>();
  for (const file of readdirSync(out.outdir).filter((f) => f.endsWith('.template.json'))) {
    const t = JSON.parse(readFileSync(join(out.outdir, file), 'utf8')) as { Resources?: Record<string, { Type: string }> };
    for (const r of Object.values(t.Resources ?? {})) types.add(r.Type);
  }
  return { name, findings, types };
}

/**
 * A finding as a stable line: stack kind, rule, severity, resource type, properties, the construct
 * path inside the stack (replica numbers as N) and the description (zone names as <zone>).
 */
export function findingKey(f: Validated['findings'][number]): string {
  const path = f.path.split('/').slice(1).join('/').replace(/Replica\d+/g, 'ReplicaN');
  const description = f.description.replace(/'[a-z]{2}(?:-gov)?-[a-z]+-\d[a-z]'/g, "'<zone>'");
  return `${f.stack} ${f.rule} ${f.severity} ${f.resourceType ?? '-'} ${(f.properties ?? []).join(',') || '-'} ${path}: ${description}`;
}

/** The supported regions where the validator's region data has no `type` (its F3006), for each type. */
export function unavailableByValidation(types: readonly string[]): Record<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-types-'));
  const ids = types.map((t, i) => [`R${i}`, t] as const);
  const template = join(dir, 'types.template.json');
  writeFileSync(template, JSON.stringify({ Resources: Object.fromEntries(ids.map(([id, type]) => [id, { Type: type, Properties: {} }])) }));
  const plugin = new CloudFormationValidatePlugin({ includeDefaultRules: false });
  const out: Record<string, string[]> = Object.fromEntries(types.map((t) => [t, []]));
  for (const region of AWS_REGIONS) {
    const report = plugin.validate({ templatePaths: [template], stackTemplates: [{ stackConstructPath: 'Types', templatePath: template, region }] } as never);
    for (const v of report.violations.filter((x) => x.ruleName === 'F3006')) {
      for (const r of v.violatingResources) {
        const type = ids.find(([id]) => id === r.resourceLogicalId)?.[1];
        if (type) out[type]?.push(region);
      }
    }
  }
  return out;
}

/**
 * The warnings validation reports in stacks other than Network, as findingKey() writes them.
 * Each is a known finding of another stack, kept here until that stack changes:
 *
 * - W3010 on each TigerBeetle replica's data volume (AWS::EC2::Volume, property AvailabilityZone,
 *   "Avoid hardcoding availability zones"): the volume must be in its replica's zone, which is
 *   fixed at generation. aws-cdk-lib reports one description per rule, the first volume's.
 */
export const EXPECTED_WARNINGS: readonly string[] = [
  "TigerBeetle W3010 warning AWS::EC2::Volume Properties.AvailabilityZone ReplicaNData/Resource: AvailabilityZone: Avoid hardcoding availability zones '<zone>'",
];
