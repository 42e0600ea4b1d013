/**
 * A fuzz target for generation. Random strings with control characters, quotes, `${`,
 * backticks, comment ends, U+2028 and a canary (code that would write a marker file, or exit 42)
 * go into every string-valued DSL and config field that reaches the plan, and each project runs
 * through the real pipeline: `dazzle deploy generate` as a process, one `tsc` run over every app
 * it generated, and an in-process synth. Each case must end with exit 2 and located diagnostics,
 * or with exit 0, an app that compiles and synthesizes, and the value exactly where it belongs
 * in the template; the canary must never run. A seeded sample keeps it affordable and
 * reproducible.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthApp } from '../../src/cli/synth.js';
import { copyProject, REPO, runCli, STACK_TRACE } from '../helpers.js';
import { typecheckApps } from './in-process.js';

const MARKER_DIR = mkdtempSync(join(tmpdir(), 'dazzle-fuzz-canary-'));
const MARKER = join(MARKER_DIR, 'ran');
const CANARY = 'require("node:fs").writeFileSync(process.env.DAZZLE_CANARY,"x")';

/** Ways out of a literal, a comment or a shell word, each followed by the canary. */
const ESCAPES = [
  `\n${CANARY};//`,
  `\r\n${CANARY};//`,
  `\u2028${CANARY};//`,
  `\u2029process.exit(42);//`,
  `\u0085${CANARY};//`,
  `*/${CANARY};/*`,
  `');${CANARY};('`,
  `");${CANARY};("`,
  `\${${CANARY}}`,
  `\`;${CANARY};\``,
  `'$(touch "$DAZZLE_CANARY")'`,
];
const NOISE = ['\u0001', '\u001b', '\u007f', '\t', '\u000b', '\f', '\\', '"', "'", '`', '${', '}', '*/', '/*', '//', '\u2028', '\u202e', 'é', '💥', ' ', 'a', 'Z', '0', '-', '.', '@', ':', '/'];
const noise = fc.array(fc.constantFrom(...NOISE), { maxLength: 5 }).map((a) => a.join(''));
/** A hostile value around `escape`, well-formed Unicode (files are UTF-8). */
const hostile = (escape: string) => fc.tuple(noise, noise).map(([a, b]) => Buffer.from(`${a}${escape}${b}`, 'utf8').toString('utf8'));

/** A DSL string literal holding `v` (the DSL unescapes \n, \r, \t, \" and \\). */
const dsl = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
/** A TOML basic string holding `v`. */
const toml = (v: string) => JSON.stringify(v).replace(/\u007f/g, '\\u007F');

type Templates = Map<string, Record<string, any>>;
const resources = (t: Templates, type: string) => [...t.values()].flatMap((x) => Object.values((x.Resources ?? {}) as Record<string, any>)).filter((r) => r.Type === type);
const containers = (t: Templates) => resources(t, 'AWS::ECS::TaskDefinition').map((r) => r.Properties.ContainerDefinitions[0]);

interface Field {
  readonly name: string;
  /** Put the value into the project. */
  readonly apply: (dir: string, v: string) => void;
  /** Where the value belongs in the synthesized templates (when generation accepted it). */
  readonly check: (t: Templates, v: string) => void;
}

const edit = (dir: string, file: string, from: string | RegExp, to: string) => {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, () => to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  writeFileSync(path, next);
};

const FIELDS: Field[] = [
  {
    name: 'schedule timezone',
    apply: (d, v) => edit(d, 'dsl/messaging.dsl', 'timezone: "Europe/London"', `timezone: ${dsl(v)}`),
    check: (t, v) => expect(resources(t, 'AWS::Scheduler::Schedule').map((r) => r.Properties.ScheduleExpressionTimezone)).toEqual([v]),
  },
  {
    name: 'schedule cron',
    apply: (d, v) => edit(d, 'dsl/messaging.dsl', 'cron: "0 2 * * *"', `cron: ${dsl(v)}`),
    check: (t) => expect(resources(t, 'AWS::Scheduler::Schedule')).toHaveLength(1),
  },
  {
    name: 'stream retention',
    apply: (d, v) => edit(d, 'dsl/messaging.dsl', 'retention: 7d', `retention: ${dsl(v)}`),
    check: (t) => expect(resources(t, 'AWS::Events::EventBus')).toHaveLength(1),
  },
  {
    name: 'email channel from_address',
    apply: (d, v) => edit(d, 'dsl/fuzz.dsl', 'from_address: "ops@example.com"', `from_address: ${dsl(v)}`),
    check: (t, v) => expect(resources(t, 'AWS::SES::EmailIdentity').map((r) => r.Properties.EmailIdentity)).toEqual([v]),
  },
  {
    name: 'config() name',
    apply: (d, v) => edit(d, 'dsl/fuzz.dsl', 'config("PAYMENT_WEBHOOK_URL")', `config(${dsl(`FUZZ${v}`)})`),
    check: (t, v) => {
      for (const c of containers(t)) expect((c.Secrets as { Name: string }[]).map((s) => s.Name)).toContain(`FUZZ${v}`);
    },
  },
  {
    name: 'channel and app titles',
    apply: (d, v) => {
      edit(d, 'dsl/messaging.dsl', '"Payment Processing"', dsl(v));
      edit(d, 'dsl/app.dsl', '"Customer wallets backed by a TigerBeetle ledger"', dsl(v));
    },
    check: (t) => expect(resources(t, 'AWS::SQS::Queue').length).toBeGreaterThan(0),
  },
  {
    name: 'DSL file name',
    apply: (d, v) => renameSync(join(d, 'dsl', 'fuzz.dsl'), join(d, 'dsl', `${v.replace(/[/\0]/g, '_').slice(0, 100)}.dsl`)),
    check: (t) => expect(resources(t, 'AWS::SES::EmailIdentity')).toHaveLength(1),
  },
  {
    name: '[deploy.compute] image',
    apply: (d, v) => edit(d, 'dazzle.toml', 'image = ""', `image = ${toml(v)}`),
    check: (t, v) => expect(new Set(containers(t).map((c) => c.Image))).toEqual(new Set([v])),
  },
  {
    name: '[deploy.compute.env] value',
    apply: (d, v) => edit(d, 'dazzle.toml', 'FUZZ_VALUE = "plain"', `FUZZ_VALUE = ${toml(v)}`),
    check: (t, v) => {
      for (const c of containers(t)) expect((c.Environment as { Name: string; Value: string }[]).find((e) => e.Name === 'FUZZ_VALUE')?.Value).toBe(v);
    },
  },
  {
    name: '[deploy.compute] health_check_path',
    apply: (d, v) => edit(d, 'dazzle.toml', 'health_check_path = "/health"', `health_check_path = ${toml(`/${v}`)}`),
    check: (t, v) => expect(resources(t, 'AWS::ElasticLoadBalancingV2::TargetGroup').map((r) => r.Properties.HealthCheckPath)).toEqual([`/${v}`]),
  },
  {
    name: '[deploy.alarms] email',
    apply: (d, v) => edit(d, 'dazzle.toml', 'email = ["ops@example.com"]', `email = [${toml(v)}]`),
    check: (t, v) => expect(resources(t, 'AWS::SNS::Subscription').map((r) => r.Properties.Endpoint)).toEqual([v]),
  },
  {
    name: '[deploy.domain] name',
    apply: (d, v) => edit(d, 'dazzle.toml', 'name = ""', `name = ${toml(v)}`),
    check: (t, v) => expect(resources(t, 'AWS::CertificateManager::Certificate').map((r) => r.Properties.DomainName)).toEqual([v]),
  },
  {
    name: '[deploy.secrets] reference',
    apply: (d, v) => edit(d, 'dazzle.toml', 'api_key = "secretsmanager:myapp/api-key"', `api_key = ${toml(`secretsmanager:${v}`)}`),
    check: (t) => {
      for (const c of containers(t)) expect((c.Secrets as { Name: string }[]).map((s) => s.Name)).toContain('API_KEY');
    },
  },
  {
    name: '[deploy.tigerbeetle] version',
    apply: (d, v) => edit(d, 'dazzle.toml', 'version = "0.17.9"', `version = ${toml(v)}`),
    check: (t) => expect(resources(t, 'AWS::AutoScaling::AutoScalingGroup').length).toBeGreaterThan(0),
  },
];

/** The example, with an email channel and a config() reference, and every fuzzed config key present. */
function baseProject(): string {
  const dir = copyProject(join(REPO, 'examples', 'ledger-app'), mkdtempSync(join(tmpdir(), 'dazzle-fuzz-')));
  writeFileSync(
    join(dir, 'dsl', 'fuzz.dsl'),
    [
      'module ledger_app.fuzz',
      '',
      'use ledger_app.core',
      '',
      'channel notices "Notices":',
      '  kind: email',
      '  provider: auto',
      '',
      '  config:',
      '    from_address: "ops@example.com"',
      '',
      'webhook PaymentNotify "Payment Webhook":',
      '  entity: Payment',
      '  events: [created]',
      '  url: config("PAYMENT_WEBHOOK_URL")',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'dazzle.toml'),
    [
      '[project]',
      'name = "ledger_app"',
      '',
      '[modules]',
      'paths = ["./dsl"]',
      '',
      '[deploy]',
      'region = "us-east-1"',
      '',
      '[deploy.compute]',
      'image = ""',
      'health_check_path = "/health"',
      '',
      '[deploy.compute.env]',
      'FUZZ_VALUE = "plain"',
      '',
      '[deploy.tigerbeetle]',
      'version = "0.17.9"',
      '',
      '[deploy.domain]',
      'name = ""',
      '',
      '[deploy.alarms]',
      'email = ["ops@example.com"]',
      '',
      '[deploy.secrets]',
      'api_key = "secretsmanager:myapp/api-key"',
      '',
    ].join('\n'),
  );
  return dir;
}

interface Case {
  readonly field: Field;
  readonly value: string;
  readonly dir: string;
  readonly code: number | null;
  readonly output: string;
}

/** Field i gets the escapes in turn (every kind of way out is tried), in random noise. */
const VALUES = FIELDS.map((_, i) => fc.sample(hostile(ESCAPES[i % ESCAPES.length] as string), { seed: 20260101 + i, numRuns: 1 })[0] as string);
const cases: Case[] = [];
const env = { DAZZLE_CANARY: MARKER };

beforeAll(() => {
  FIELDS.forEach((field, i) => {
    const value = VALUES[i] as string;
    const dir = baseProject();
    field.apply(dir, value);
    const r = runCli(['deploy', 'generate', '-p', dir, '--env', 'dev', '--format', 'json'], { env, timeoutMs: 60_000 });
    cases.push({ field, value, dir, code: r.code, output: `${r.stdout}${r.stderr}` });
  });
}, 300_000);

afterAll(() => {
  delete process.env.DAZZLE_CANARY;
});

const generated = () => cases.filter((c) => c.code === 0);
const label = (c: Case) => `${c.field.name} = ${JSON.stringify(c.value)}`;

describe('fuzzing generation through every string field', () => {
  it('each case exits 0, or exits 2 with every error at a location; none runs the canary', () => {
    expect(cases).toHaveLength(FIELDS.length);
    for (const c of cases) {
      expect([0, 2], `${label(c)}\n${c.output}`).toContain(c.code);
      expect(c.output, label(c)).not.toMatch(STACK_TRACE);
      if (c.code === 2) {
        const errors = (JSON.parse(c.output) as { diagnostics: { severity: string; file?: string; line?: number; keyPath?: string }[] }).diagnostics.filter((d) => d.severity === 'error');
        expect(errors.length, label(c)).toBeGreaterThan(0);
        for (const d of errors) expect((d.file !== undefined && (d.line ?? 0) > 0) || d.keyPath !== undefined, `${label(c)}: ${JSON.stringify(d)}`).toBe(true);
      }
    }
    expect(existsSync(MARKER)).toBe(false);
  });

  it('every generated app type-checks (one tsc run over all of them)', () => {
    const apps = generated();
    expect(typecheckApps(apps.map((c) => join(c.dir, 'infra'))), apps.map(label).join('\n')).toBe('');
  }, 180_000);

  it('every generated app synthesizes with the value exactly where it belongs, and runs no injected code', async () => {
    process.env.DAZZLE_CANARY = MARKER;
    for (const c of generated()) {
      const out = await synthApp(join(c.dir, 'infra'), { nag: false });
      expect(out.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), label(c)).toEqual([]);
      const templates: Templates = new Map([...out.templates].map(([id, file]) => [id, JSON.parse(readFileSync(join(out.outdir, file), 'utf8'))]));
      c.field.check(templates, c.value);
      expect(existsSync(MARKER), label(c)).toBe(false);
    }
  }, 300_000);
});
