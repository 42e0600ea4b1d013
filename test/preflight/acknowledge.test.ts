/**
 * Acknowledgements in dazzle.toml: their form is checked at their line by the
 * config schema; preflight checks that their rule exists, applies them (by rule,
 * environment and resource), says when one has expired or matches nothing, and
 * keeps acknowledged findings in the report.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, type PreflightConfig } from '../../src/config/index.js';
import type { Span } from '../../src/diagnostics/index.js';
import { applyAcknowledgements, checkAcknowledgements, type Finding } from '../../src/preflight/index.js';

const load = (entries: string, base = '[deploy]\nenvironment = "prod"\n') => loadConfig({ path: 'dazzle.toml', text: `${base}${entries}` });
const codes = (r: ReturnType<typeof load>) => r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col]);

describe('acknowledgements in dazzle.toml', () => {
  it('resolve with where each value is written, outside the [deploy] values (so the inputs checksum does not change)', () => {
    const r = load('\n[[deploy.preflight.acknowledge]]\nrule = "TB_SUBOPTIMAL_IOPS"\nreason = "Staging keeps 5000 IOPS for cost"\nexpires = "2027-03-01"\nenvironment = "staging"\nresource = "Replica0"\n');
    expect(r.diagnostics).toEqual([]);
    const [a] = r.value?.preflight.acknowledge ?? [];
    expect(a).toMatchObject({ rule: 'TB_SUBOPTIMAL_IOPS', reason: 'Staging keeps 5000 IOPS for cost', expires: '2027-03-01', environment: 'staging', resource: 'Replica0' });
    expect([a?.at.entry.line, a?.at.rule.line, a?.at.rule.col, a?.at.reason.line, a?.at.expires?.line, a?.at.resource?.line]).toEqual([4, 5, 8, 6, 7, 9]);
    expect(r.value?.deploy).toEqual(load('').value?.deploy);
    expect(Object.keys(r.value?.sources ?? {}).filter((k) => k.startsWith('preflight'))).toEqual([]);
  });

  it.each([
    ['no rule', 'reason = "Staging keeps 5000 IOPS for cost"', [['DZ4005', 4, 3]]],
    ['no reason', 'rule = "TB_LOW_IOPS"', [['DZ4005', 4, 3]]],
    ['an empty reason', 'rule = "TB_LOW_IOPS"\nreason = ""', [['DZ4005', 6, 10]]],
    ['a one-word reason', 'rule = "TB_LOW_IOPS"\nreason = "accepted"', [['DZ4005', 6, 10]]],
    ['a reason of no words', 'rule = "TB_LOW_IOPS"\nreason = "... ... ..."', [['DZ4005', 6, 10]]],
    ['a date in another form', 'rule = "TB_LOW_IOPS"\nreason = "Staging keeps 5000 IOPS"\nexpires = "1 March 2027"', [['DZ4005', 7, 11]]],
    ['a date that is not a day', 'rule = "TB_LOW_IOPS"\nreason = "Staging keeps 5000 IOPS"\nexpires = "2027-02-29"', [['DZ4005', 7, 11]]],
    ['an unquoted TOML date', 'rule = "TB_LOW_IOPS"\nreason = "Staging keeps 5000 IOPS"\nexpires = 2027-03-01', [['DZ4002', 7, 11]]],
    ['an unknown environment', 'rule = "TB_LOW_IOPS"\nreason = "Staging keeps 5000 IOPS"\nenvironment = "production"', [['DZ4003', 7, 15]]],
    ['an unknown key', 'rule = "TB_LOW_IOPS"\nreason = "Staging keeps 5000 IOPS"\nuntil = "2027-03-01"', [['DZ4001', 7, 1]]],
    ['a rule that is no name', 'rule = "TB LOW"\nreason = "Staging keeps 5000 IOPS"', [['DZ4005', 5, 8]]],
  ])('%s is an error at its line and column', (_, entry, expected) => {
    const r = load(`\n[[deploy.preflight.acknowledge]]\n${entry}\n`);
    expect(r.value).toBeUndefined();
    expect(codes(r)).toEqual(expected);
  });

  it('a leap day is a day', () => {
    expect(load('\n[[deploy.preflight.acknowledge]]\nrule = "TB_LOW_IOPS"\nreason = "Staging keeps 5000 IOPS"\nexpires = "2028-02-29"\n').diagnostics).toEqual([]);
  });

  it('an unknown rule is an error at its value, with the nearest rule; cdk-nag rules of the packs are known', () => {
    const r = load('\n[[deploy.preflight.acknowledge]]\nrule = "TB_EVEN_NODE_CONT"\nreason = "We know about the even count"\n[[deploy.preflight.acknowledge]]\nrule = "AwsSolutions-IAM4"\nreason = "The managed policy is the documented one"\n[[deploy.preflight.acknowledge]]\nrule = "HIPAA.Security-IAMNoInlinePolicy"\nreason = "Inline policies are reviewed with the code"\n[[deploy.preflight.acknowledge]]\nrule = "SOC2-Thing"\nreason = "Not a pack preflight runs"\n');
    const d = checkAcknowledgements(r.value?.preflight as PreflightConfig);
    expect(d.map((x) => [x.code, x.span?.line, x.span?.col])).toEqual([
      ['DZ8001', 5, 8],
      ['DZ8001', 14, 8],
    ]);
    expect(d[0]?.hint).toBe("did you mean 'TB_EVEN_NODE_COUNT'?");
  });
});

const span = (line: number): Span => ({ file: 'dazzle.toml', line, col: 8, endLine: line, endCol: 9, offset: 0, length: 0 });
const finding = (rule: string, logicalId?: string, path?: string): Finding => ({
  rule,
  level: 'high',
  message: `${rule} on ${logicalId ?? 'the app'}`,
  fix: 'fix it',
  location: { span: { ...span(3), file: 'dsl/app.dsl' } },
  ...(logicalId ? { resource: { stack: 'App-prod-TigerBeetle', logicalId, type: 'AWS::EC2::Volume', ...(path ? { path } : {}) } } : {}),
});
const acks = (...xs: Partial<PreflightConfig['acknowledge'][number]>[]): PreflightConfig => ({
  acknowledge: xs.map((x, i) => ({ rule: 'TB_LOW_IOPS', reason: 'Staging keeps its IOPS low', expires: null, resource: null, environment: null, at: { entry: span(10 * i + 1), rule: span(10 * i + 2), reason: span(10 * i + 3), ...(x.expires ? { expires: span(10 * i + 4) } : {}) }, ...x })),
});

describe('applying acknowledgements', () => {
  const volume0 = finding('TB_LOW_IOPS', 'Replica0DataAB12', 'App-prod-TigerBeetle/Replica0Data/Resource');
  const volume1 = finding('TB_LOW_IOPS', 'Replica1DataCD34', 'App-prod-TigerBeetle/Replica1Data/Resource');
  const other = finding('NAME_COLLISION', 'Logs1234');
  const apply = (config: PreflightConfig, environment = 'prod', today = '2026-06-01', entry?: string) => applyAcknowledgements([volume0, volume1, other], config, environment, today, () => entry);

  it('covers every finding of its rule, keeps them in the report, and records the reason and where it is written', () => {
    const r = apply(acks({}));
    expect(r.diagnostics).toEqual([]);
    expect(r.findings.map((f) => [f.rule, f.acknowledged?.reason ?? null, f.acknowledged?.span.line ?? null])).toEqual([
      ['TB_LOW_IOPS', 'Staging keeps its IOPS low', 2],
      ['TB_LOW_IOPS', 'Staging keeps its IOPS low', 2],
      ['NAME_COLLISION', null, null],
    ]);
  });

  it('narrowed to a resource: its logical ID, whole segments of its construct path, its plan entry, or a file', () => {
    const covered = (resource: string, entry?: string) => apply(acks({ resource }), 'prod', '2026-06-01', entry).findings.filter((f) => f.acknowledged).map((f) => f.resource?.logicalId);
    expect(covered('Replica0DataAB12')).toEqual(['Replica0DataAB12']);
    expect(covered('Replica1Data')).toEqual(['Replica1DataCD34']);
    expect(covered('TigerBeetle/Replica0Data')).toEqual([]);
    expect(covered('App-prod-TigerBeetle/Replica0Data')).toEqual(['Replica0DataAB12']);
    expect(covered('Replica0', 'Replica0')).toEqual(['Replica0DataAB12', 'Replica1DataCD34']);
    expect(covered('Replica')).toEqual([]);
  });

  it('narrowed to an environment, applies there only, and elsewhere says nothing', () => {
    expect(apply(acks({ environment: 'staging' }), 'prod')).toEqual({ findings: [volume0, volume1, other], diagnostics: [] });
    expect(apply(acks({ environment: 'prod' }), 'prod').findings.filter((f) => f.acknowledged)).toHaveLength(2);
  });

  it('applies through its expiry day; after it, stops applying and says so at its expires (DZ8003)', () => {
    expect(apply(acks({ expires: '2026-06-01' }), 'prod', '2026-06-01').findings.filter((f) => f.acknowledged)).toHaveLength(2);
    const r = apply(acks({ expires: '2026-05-31' }), 'prod', '2026-06-01');
    expect(r.findings.filter((f) => f.acknowledged)).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line])).toEqual([['DZ8003', 'warning', 4]]);
  });

  it("an acknowledgement of cdk-nag's wildcard rule covers IAM_WILDCARD, which reports those wildcards", () => {
    const wildcard = finding('IAM_WILDCARD', 'TaskRoleDefaultPolicy1234');
    const r = applyAcknowledgements([wildcard], acks({ rule: 'AwsSolutions-IAM5' }), 'prod', '2026-06-01', () => undefined);
    expect(r.diagnostics).toEqual([]);
    expect(r.findings[0]?.acknowledged?.reason).toBe('Staging keeps its IOPS low');
  });

  it('one that matches nothing is a warning at its rule (DZ8002)', () => {
    const r = apply(acks({ rule: 'TB_EVEN_NODE_COUNT' }, { resource: 'Nothing' }));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line])).toEqual([
      ['DZ8002', 'warning', 2],
      ['DZ8002', 'warning', 12],
    ]);
  });
});
