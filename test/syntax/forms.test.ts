/**
 * The language forms Dazzle accepts that the front end once rejected or misread
 * (date arithmetic defaults, `via` relations, repeated blocks, titled event
 * models, streams), each with a valid and an invalid fixture
 * (test/fixtures/dsl), and error recovery: one run reports every mistake.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { loadConfig } from '../../src/config/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { buildPlan } from '../../src/plan/index.js';
import { APP, checkTexts, REPO } from '../helpers.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'dsl');
const fixture = (rel: string): string => readFileSync(join(FIXTURES, rel), 'utf8');
const check = (text: string) => checkTexts({ 'dsl/app.dsl': text });
const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');
/** Diagnostics as `code line:col`, in output order. */
const where = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity !== 'note').map((d) => `${d.code} ${d.span?.line}:${d.span?.col}`);

function valid(rel: string) {
  const r = check(fixture(rel));
  expect(errors(r.diagnostics), rel).toEqual([]);
  const spec = r.value.spec;
  if (!spec) throw new Error(`${rel} did not link`);
  return { spec, diagnostics: r.diagnostics };
}

describe('date arithmetic in defaults', () => {
  it('reads today/now plus or minus a duration as an expression (a syntax error before)', () => {
    const { spec } = valid('valid/date-defaults.dsl');
    const fields = Object.fromEntries((spec.entities[0]?.fields ?? []).map((f) => [f.name, f]));
    expect(fields.renews_on?.defaultExpression).toEqual({ kind: 'date_arithmetic', base: 'today', operator: '+', amount: 30, unit: 'days', duration: '30d' });
    expect(fields.renews_on?.default).toBe('today + 30d');
    expect(fields.grace_ends?.defaultExpression).toMatchObject({ amount: 2, unit: 'weeks' });
    expect(fields.reviewed_on?.defaultExpression).toMatchObject({ base: 'today', operator: '-', amount: 7, unit: 'days' });
    expect(fields.expires_at?.defaultExpression).toMatchObject({ base: 'now', operator: '+', amount: 24, unit: 'hours' });
    expect(fields.reminded_at?.defaultExpression).toMatchObject({ operator: '-', amount: 90, unit: 'minutes' });
    expect(fields.archived_on?.defaultExpression).toMatchObject({ amount: 1, unit: 'years' });
    // As Dazzle defines it, `m` in date arithmetic is months.
    expect(fields.billing_anchor?.defaultExpression).toMatchObject({ amount: 3, unit: 'months' });
    expect(fields.started_on?.defaultExpression).toEqual({ kind: 'today' });
    expect(fields.created_at?.defaultExpression).toEqual({ kind: 'now' });
  });

  it('rejects a unit dates do not have (DZ2220) and a bare number (DZ2001), at their lines', () => {
    const r = check(`${APP}entity Job "Job":\n  id: uuid pk\n  due_on: date=today + 30s\n  start_on: date=today + 30\n`);
    expect(where(r.diagnostics)).toEqual(['DZ2220 5:3', 'DZ2001 6:26']);
  });
});

describe('relations with via', () => {
  it('types has_many via a junction and latest_one via a foreign key, and links them (misread before)', () => {
    const { spec, diagnostics } = valid('valid/relations-via.dsl');
    expect(diagnostics.filter((d) => d.code === 'DZ2103')).toEqual([]);
    const field = (e: string, f: string) => spec.entities.find((x) => x.name === e)?.fields.find((x) => x.name === f);
    expect(field('Article', 'tags')?.type).toEqual({ kind: 'relation', relation: 'has_many', target: 'Tag', via: 'ArticleTag' });
    expect(field('Tag', 'articles')?.modifiers).toEqual(['cascade']);
    expect(field('Person', 'current_employment')?.type).toEqual({ kind: 'relation', relation: 'latest_one', target: 'Employment', via: 'person' });
    expect(field('Department', 'all_below')?.type).toEqual({ kind: 'relation', relation: 'descendants_of', target: 'self', via: 'parent' });
  });

  it('reports an unknown junction, a missing or wrong foreign key, a missing via and a missing temporal block', () => {
    const r = check(fixture('invalid/forms.dsl'));
    const codes = where(r.diagnostics);
    expect(codes).toContain('DZ3004 6:26');
    expect(codes).toContain('DZ3041 18:35');
    expect(codes).toContain('DZ3042 19:32');
    expect(codes).toContain('DZ2221 20:13');
    const noTemporal = check(`${APP}entity P "P":\n  id: uuid pk\n  job: latest_one J via p\nentity J "J":\n  id: uuid pk\n  p: ref P\n`);
    expect(where(noTemporal.diagnostics)).toEqual(['DZ3043 5:19']);
  });
});

describe('blocks a module may repeat', () => {
  it('two llm_config blocks in one module: the last is read, with a warning (an error before)', () => {
    const { spec, diagnostics } = valid('valid/repeated-blocks.dsl');
    expect(spec.llmConfig?.properties.default_model).toBe('careful');
    expect(where(diagnostics)).toEqual(['DZ3040 13:1']);
  });

  it('llm_config in two modules is still an error (Dazzle allows one per app)', () => {
    const r = checkTexts({ 'dsl/app.dsl': `${APP}llm_config:\n  artifact_store: local\n`, 'dsl/b.dsl': 'module test.b\nllm_config:\n  artifact_store: local\n' });
    expect(where(r.diagnostics)).toEqual(['DZ3003 2:1']);
    expect(r.diagnostics[0]?.span?.file).toBe('dsl/b.dsl');
  });
});

describe('event_model with a name and title', () => {
  it('is typed and its topics reach the IR (dropped before)', () => {
    const { spec } = valid('valid/event-model-titled.dsl');
    expect(spec.eventTopics.map((t) => [t.name, t.model, t.retention])).toEqual([['invoices', 'Billing', '30d']]);
    expect(spec.events.map((e) => [e.name, e.topic])).toEqual([['InvoiceIssued', 'invoices']]);
    expect(spec.constructs.filter((c) => c.keyword === 'event_model')).toEqual([]);
  });
});

describe('streams and LLM intents', () => {
  it('are typed: kind (in any case), keys, schemas with fields, repeated notes', () => {
    const { spec } = valid('valid/streams.dsl');
    expect(spec.streams.map((s) => [s.name, s.kind, s.partitionKey, s.retention])).toEqual([
      ['order_facts', 'FACT', 'order_id', null],
      ['order_requests', 'INTENT', 'customer_id', '7d'],
    ]);
    expect(spec.streams[1]?.schemas[0]?.fields.map((f) => [f.name, f.required])).toEqual([
      ['order_id', true],
      ['customer_id', true],
      ['requested_at', true],
    ]);
    expect(spec.llmIntents.map((i) => [i.name, i.model, i.timeout])).toEqual([['summarise', 'fast', '30']]);
  });

  it('an invalid stream or intent is an error at the value (not validated before)', () => {
    const r = check(fixture('invalid/forms.dsl'));
    const codes = where(r.diagnostics);
    expect(codes).toContain('DZ2205 28:8'); // no kind
    expect(codes).toContain('DZ2203 33:14'); // retention: 30x
    expect(codes).toContain('DZ3010 36:10'); // unknown model
    expect(codes).toContain('DZ2204 38:14'); // backoff: sideways
    expect(where(check(`${APP}stream s:\n  kind: FACTS\n`).diagnostics)).toEqual(['DZ2204 4:9']);
  });

  it('lower to event buses, or Kafka topics when [deploy.kafka] is enabled', () => {
    const { spec } = valid('valid/streams.dsl');
    const buses = (toml: string) => {
      const config = loadConfig({ path: 'dazzle.toml', text: toml });
      if (!config.value) throw new Error('bad config');
      const lowered = lowerToRequirements(spec, config.value);
      if (!lowered.value) throw new Error(lowered.diagnostics.map((d) => d.message).join('; '));
      return { req: lowered.value, plan: buildPlan(lowered.value, config.value) };
    };
    const plain = buses('[deploy]\n');
    expect(plain.req.eventBuses.map((b) => [b.id, b.source, b.retention])).toEqual([
      ['bus:order_facts', 'stream', null],
      ['bus:order_requests', 'stream', '7d'],
    ]);
    const kafka = buses('[deploy]\n[deploy.kafka]\nenabled = true\n');
    const ofType = (plan: typeof plain.plan, type: string) => plan.stacks.flatMap((s) => s.resources.filter((r) => r.type === type).map((r) => `${s.name}/${r.id}`));
    // With Kafka, each stream is a topic of the Kafka stack and no EventBridge bus is made.
    expect(ofType(kafka.plan, 'Kafka::Topic')).toEqual(['Kafka/TopicOrderFacts', 'Kafka/TopicOrderRequests']);
    expect(ofType(kafka.plan, 'AWS::Events::EventBus')).toEqual([]);
    expect(ofType(plain.plan, 'AWS::Events::EventBus')).toEqual(['Messaging/BusOrderFacts', 'Messaging/BusOrderRequests']);
  });
});

describe('error recovery', () => {
  it('a file with 5 independent mistakes reports 5 diagnostics, each at its own line, and no follow-on errors', () => {
    const r = check(fixture('invalid/five-mistakes.dsl'));
    // Customer's header has no colon: Customer does not parse, yet `ref Customer` (lines 11, 21) is not reported.
    expect(where(r.diagnostics)).toEqual(['DZ2001 4:27', 'DZ2001 10:21', 'DZ2204 14:9', 'DZ2001 19:24', 'DZ2001 20:13']);
    expect(r.value.spec).toBeUndefined();
  });

  it('reports syntax errors in every file, and reference errors among what parsed', () => {
    const r = checkTexts({
      'dsl/a.dsl': `${APP}entity A "A"\n  id: uuid pk\n`,
      'dsl/b.dsl': 'module test.b\nentity B "B":\n  id: uuid pk\n  a: ref A\n  c: ref Cee\n  kind: enum[x y]\n',
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span?.file} ${d.code} ${d.span?.line}`)).toEqual([
      'dsl/a.dsl DZ2001 3',
      'dsl/b.dsl DZ3004 5',
      'dsl/b.dsl DZ2001 6',
    ]);
  });

  it('a block emptied by a dropped line drops its construct, with no second error', () => {
    const r = check(`${APP}entity A "A":\n  status: enum[x y]\nledger L "L":\n  account_code: 1\n  account_type: asset\n  currency: GBP\n`);
    expect(where(r.diagnostics)).toEqual(['DZ2001 4:18']);
  });

  it('a declaration without its block is one error; the declarations after it are read', () => {
    // The parser meets the next declaration where the block should be: recovery drops the broken
    // declaration, not the next one (which would report every following declaration in turn).
    const rest = Array.from({ length: 20 }, (_, i) => `entity E${i} "E":\n  id: uuid pk\n  other: ref E${(i + 1) % 20}\n`).join('');
    const r = check(`${APP}entity Broken "x":\n\n${rest}`);
    expect(where(r.diagnostics)).toEqual(['DZ2001 5:1']);
    const again = check(`${APP}${rest}entity Broken "x":\n`);
    expect(where(again.diagnostics)).toEqual([`DZ2002 ${3 + 20 * 3 + 1}:1`]);
  });

  it('a line with a lexical error is dropped and the rest of the file is still parsed', () => {
    const r = check(`${APP}entity A "A":\n  id: uuid pk\n  name: str(20) § required\nentity B "B"\n  id: uuid pk\n`);
    expect(where(r.diagnostics)).toEqual(['DZ1001 5:17', 'DZ2001 6:13']);
  });

  it('caps the syntax errors of a file at 50, with a note', () => {
    const broken = Array.from({ length: 60 }, (_, i) => `entity E${i} "E"\n  id: uuid pk\n`).join('');
    const r = check(`${APP}${broken}`);
    expect(r.diagnostics.filter((d) => d.code === 'DZ2001')).toHaveLength(50);
    const note = r.diagnostics.find((d) => d.code === 'DZ1010');
    expect(note?.severity).toBe('note');
    expect(note?.span?.line).toBe(3 + 50 * 2);
  });
});
