/**
 * Provenance (a template resource → its construct path, plan entry and the DSL or
 * dazzle.toml line behind it) and the report formats, on the ledger example in prod
 * synthesized once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProvenance, githubAnnotations, jsonReport, markdownReport, sarifReport, textReport, type Finding, type PreflightReport } from '../../src/preflight/index.js';
import { REPO } from '../helpers.js';
import { copyTemplates, EXAMPLE, find, planOf, preflight, synthesize, type Synthesized } from './helpers.js';

let s: Synthesized;
let report: PreflightReport;

beforeAll(async () => {
  s = await synthesize(planOf(EXAMPLE, 'prod'));
  // A report with something at every level of interest: an acknowledged finding, a critical and a medium one.
  const t = copyTemplates(s);
  (find(t, 'AWS::EC2::Volume', /Replica1Data/)[2].Properties as Record<string, unknown>).Iops = 8000;
  const [stack, sg] = find(t, 'AWS::EC2::SecurityGroup', /TigerBeetleSecurityGroup/);
  (t.find((x) => x.stack === stack)?.template.Resources as Record<string, unknown>).Opened = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] }, IpProtocol: 'tcp', CidrIp: '0.0.0.0/0', FromPort: 3000, ToPort: 3000, Description: 'a|b <c>' }, Metadata: { 'aws:cdk:path': `${stack}/TigerBeetleSecurityGroup/from 0.0.0.0_0:3000` } };
  const config = { ...s.config, preflight: { acknowledge: [{ rule: 'LB_PLAIN_HTTP', reason: 'No domain yet, HTTPS follows', expires: '2027-03-01', resource: null, environment: null, at: { entry: point(40), rule: point(41), reason: point(42), expires: point(43) } }] } };
  report = preflight(s, { templates: t, config }).report;
}, 120_000);

const point = (line: number) => ({ file: 'examples/ledger-app/dazzle.toml', line, col: 8, endLine: line, endCol: 9, offset: 0, length: 0 });

describe('provenance', () => {
  it('maps each resource to its construct path, plan entry and first located cause', () => {
    const p = buildProvenance(s.templates, s.plan, s.config);
    const origin = (type: string, path: RegExp) => {
      const [stack, id] = find(s.templates, type, path);
      return p.of(stack, id);
    };
    const volume = origin('AWS::EC2::Volume', /Replica0Data/);
    expect(volume?.entry?.resource.id).toBe('Replica0');
    expect(volume?.planStack).toBe('TigerBeetle');
    expect(volume?.path).toBe('LedgerApp-prod-TigerBeetle/Replica0Data/Resource');
    expect(volume?.span?.file).toBe('examples/ledger-app/dsl/ledgers.dsl');
    const db = origin('AWS::RDS::DBCluster', /Database/);
    expect(db?.entry?.resource.id).toBe('Database');
    expect(db?.because.map((b) => (b.kind === 'dsl' ? b.construct : b.key))).toContain('deploy.database.instance_class');
    // Constructs of a stack as a whole carry its name: the causes all its entries share (the ledgers).
    const tbGroup = origin('AWS::EC2::SecurityGroup', /TigerBeetleSecurityGroup/);
    expect(tbGroup?.entry).toBeUndefined();
    expect(tbGroup?.because.map((b) => b.kind)).toEqual(['dsl', 'dsl', 'config']);
    expect(p.ofEntry('Replica2').map((o) => o.type)).toContain('AWS::AutoScaling::AutoScalingGroup');
    // cdk-nag reports a higher-level construct's path: its own resource, else the first one under it.
    expect(p.atPath('LedgerApp-prod-Compute/ServiceWebTaskRole')?.path).toBe('LedgerApp-prod-Compute/ServiceWebTaskRole/Resource');
    expect(p.atPath('LedgerApp-prod-Compute/ServiceWebTaskRole/DefaultPolicy')?.type).toBe('AWS::IAM::Policy');
    expect(p.atPath('LedgerApp-prod-Data/BucketFiles')?.type).toBe('AWS::S3::Bucket');
    expect(p.resources.every((o) => o.path !== undefined)).toBe(true);
  });
});

describe('formats', () => {
  const levels = () => report.findings.map((f) => [f.rule, f.level, Boolean(f.acknowledged)]);

  it('the report: critical first, acknowledged ones kept', () => {
    expect(levels()).toEqual([
      ['TB_PUBLIC_ACCESS', 'critical', false],
      ['LB_PLAIN_HTTP', 'high', true],
      ['TB_SUBOPTIMAL_IOPS', 'medium', false],
    ]);
  });

  it('text: grouped by severity, each with its location, rule, message, resource and fix; acknowledged last; the verdict', () => {
    const text = textReport(report, 'high');
    expect(text).toMatch(/^Preflight of ledger_app \(prod, us-east-1\): 7 stacks, \d+ resources; failing on high or above\n\ncritical \(1\)\n {2}examples\/ledger-app\/dsl\/ledgers\.dsl:\d+:\d+ {2}TB_PUBLIC_ACCESS\n {4}public access: /);
    expect(text).toContain('\nmedium (1)\n');
    expect(text).toMatch(/\nacknowledged \(1\)\n {2}examples\/ledger-app\/dazzle\.toml:\d+:\d+ {2}LB_PLAIN_HTTP \(high\)\n.*\n.*\n {4}acknowledged at examples\/ledger-app\/dazzle\.toml:41:8 until 2027-03-01: No domain yet, HTTPS follows\n/);
    expect(text).toContain('    at LedgerApp-prod-Network/TigerBeetleSecurityGroup/from 0.0.0.0_0:3000 (Opened, AWS::EC2::SecurityGroupIngress)\n');
    expect(text.trimEnd().split('\n').at(-1)).toBe('preflight failed: 1 unacknowledged finding at high or above (1 critical, 1 medium; 1 acknowledged)');
    expect(textReport(report, 'critical')).toContain('preflight failed');
    expect(textReport({ ...report, findings: report.findings.filter((f) => f.level !== 'critical') }, 'high').trimEnd().split('\n').at(-1)).toBe('preflight passed: nothing unacknowledged at high or above (1 medium; 1 acknowledged)');
  });

  it('json: versioned, with a summary and every finding', () => {
    const j = jsonReport(report, 'medium', []) as { format_version: number; ok: boolean; summary: Record<string, number>; findings: Record<string, unknown>[] };
    expect(j.format_version).toBe(1);
    expect(j.ok).toBe(false);
    expect(j.summary).toEqual({ critical: 1, high: 0, medium: 1, low: 0, info: 0, acknowledged: 1, failing: 2 });
    expect(j.findings[1]).toMatchObject({ rule: 'LB_PLAIN_HTTP', keyPath: 'deploy.domain.name', acknowledged: { reason: 'No domain yet, HTTPS follows', expires: '2027-03-01', line: 41 } });
  });

  it('sarif: SARIF 2.1.0 that validates against its schema; results at dazzle.toml or DSL lines that exist; acknowledged ones suppressed', () => {
    const sarif = sarifReport(report) as { runs: { results: { ruleId: string; level: string; suppressions?: { justification: string }[]; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } }; logicalLocations?: { name: string }[] }[] }[]; tool: { driver: { rules: { id: string; properties: Record<string, string> }[] } } }[] };
    const schema = join(REPO, '..', 'shared', 'schemas', 'sarif-2.1.0.schema.json');
    if (existsSync(schema)) {
      const ajv = new Ajv({ allErrors: true, strict: false });
      (addFormats as unknown as (a: Ajv) => void)(ajv);
      const validate = ajv.compile(JSON.parse(readFileSync(schema, 'utf8')) as object);
      expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
    const run = sarif.runs[0];
    expect(run?.results.map((r) => [r.ruleId, r.level, r.suppressions?.[0]?.justification ?? null])).toEqual([
      ['TB_PUBLIC_ACCESS', 'error', null],
      ['LB_PLAIN_HTTP', 'error', 'No domain yet, HTTPS follows'],
      ['TB_SUBOPTIMAL_IOPS', 'warning', null],
    ]);
    expect(run?.tool.driver.rules.find((r) => r.id === 'TB_PUBLIC_ACCESS')?.properties['security-severity']).toBe('9.5');
    for (const r of run?.results ?? []) {
      const loc = r.locations[0]?.physicalLocation;
      expect(loc?.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      const lines = readFileSync(join(REPO, decodeURIComponent(loc?.artifactLocation.uri ?? '')), 'utf8').split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(loc?.region.startLine ?? Infinity);
    }
  });

  it('markdown: a table of the open findings and one of the acknowledged ones, with table and HTML syntax escaped', () => {
    const md = markdownReport(report, 'high');
    expect(md).toMatch(/^## dazzle deploy preflight: ledger_app \(prod, us-east-1\)\n\n\*\*Failed\*\*: /);
    expect(md).toContain('| critical | `TB_PUBLIC_ACCESS` | `examples/ledger-app/dsl/ledgers.dsl:');
    expect(md).toContain('<details><summary>Acknowledged (1)</summary>');
    for (const line of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| severity'))) expect(line.split(/(?<!\\)\|/).length).toBe(7);
  });

  it('GitHub annotations: one per open finding, error or warning by severity, escaped', () => {
    const a = githubAnnotations(report).trimEnd().split('\n');
    expect(a).toHaveLength(2);
    expect(a[0]).toMatch(/^::error file=examples\/ledger-app\/dsl\/ledgers\.dsl,line=\d+,col=\d+,title=TB_PUBLIC_ACCESS \(critical\)::public access: /);
    expect(a[1]).toMatch(/^::warning file=.*title=TB_SUBOPTIMAL_IOPS \(medium\)::/);
    const f: Finding = { ...(report.findings[0] as Finding), message: 'a, b: 100%\nnext', location: { span: { ...point(3), file: 'a,b:c.toml' } } };
    expect(githubAnnotations({ ...report, findings: [f] })).toBe('::error file=a%2Cb%3Ac.toml,line=3,col=8,title=TB_PUBLIC_ACCESS (critical)::a, b: 100%25%0Anext. Fix: ' + f.fix.replace(/%/g, '%25') + '\n');
  });

  it('is deterministic: the same input gives the same bytes', () => {
    const again = preflight(s).report;
    expect(JSON.stringify(sarifReport(again))).toBe(JSON.stringify(sarifReport(preflight(s).report)));
    expect(textReport(again, 'high')).toBe(textReport(preflight(s).report, 'high'));
  });
});
