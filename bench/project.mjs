// Generated Dazzle projects for the scale benchmark and the scale tests (deterministic: the same
// sizes give the same bytes). A project is a map of relative path → text: a dazzle.toml and DSL
// files under dsl/. Usage from the command line:
//
//   node bench/project.mjs DIR [--queues N] [--schedules N] [--buckets N] [--services N]
//                              [--ledgers N] [--topics N] [--lines N] [--env dev|staging|prod]
//
// writes the project into DIR (which must not exist, or be empty).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Lines per padding file: each file stays far below the 16 MiB input limit. */
const LINES_PER_FILE = 25_000;

const pad = (i, n = 4) => String(i).padStart(n, '0');

/** Queue channels `queue_0000`…: one per line group, each with a dead-letter setting. */
function queues(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(`channel queue_${pad(i)} "Queue ${i}":`, '  kind: queue', '  provider: auto', '  config:', `    dead_letter_after: ${1 + (i % 5)}`, '');
  }
  return out;
}

/** Schedules `schedule_0000`…, every one a valid cron (minute and hour vary). */
function schedules(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(`schedule schedule_${pad(i)} "Schedule ${i}":`, `  cron: "${i % 60} ${Math.floor(i / 60) % 24} * * *"`, '');
  return out;
}

/** Event topics (`topic_0000`…, one event bus each) in one event model, with an event on each. */
function topics(n) {
  if (n === 0) return [];
  const out = ['event_model:'];
  for (let i = 0; i < n; i++) out.push(`  topic topic_${pad(i)}:`, '    retention: 7', '');
  for (let i = 0; i < n; i++) out.push(`  event Happened${pad(i)}:`, `    topic: topic_${pad(i)}`, '    fields:', '      id: uuid required', '');
  return out;
}

/** Buckets: one entity whose file fields bind `storage=store_0000`… (one bucket each). */
function buckets(n) {
  if (n === 0) return [];
  const out = ['entity Document "Document":', '  id: uuid pk'];
  for (let i = 0; i < n; i++) out.push(`  file_${pad(i)}: file optional storage=store_${pad(i)}`);
  out.push('');
  return out;
}

/** Ledgers in pairs (same ledger_id), and a transaction moving between each pair. */
function ledgers(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(`ledger Ledger${pad(i)} "Ledger ${i}":`, `  account_code: ${1000 + i}`, `  ledger_id: ${1 + Math.floor(i / 2)}`, `  account_type: ${i % 2 ? 'revenue' : 'asset'}`, '  currency: GBP', '');
  }
  for (let i = 0; i + 1 < n; i += 2) {
    out.push(`transaction Move${pad(i)} "Move ${i}":`, '  execution: async', `  transfer move_${pad(i)}:`, `    debit: Ledger${pad(i)}`, `    credit: Ledger${pad(i + 1)}`, '    amount: event.amount', '    code: 1', '  idempotency_key: event.id', '');
  }
  return out;
}

/** An entity of 20 lines, with a reference to an earlier one: what most of a large project is. */
function paddingEntity(i) {
  return [
    `entity Record${pad(i, 7)} "Record ${i}":`,
    `  intent: "Generated record ${i}"`,
    '  id: uuid pk',
    `  name: str(${50 + (i % 200)}) required`,
    `  code: str(${8 + (i % 32)}) required unique`,
    '  status: enum[draft, open, closed]=draft',
    `  amount: decimal(${8 + (i % 6)},2)`,
    `  quantity: int=${i % 10}`,
    '  active: bool=true',
    '  notes: text',
    '  contact: email',
    '  due_on: date',
    '  created_at: datetime auto_add',
    '  updated_at: datetime auto_update',
    ...(i > 0 ? [`  parent: ref Record${pad(i - 1, 7)}`] : ['  parent_code: str(40)']),
    '',
    '  transitions:',
    '    draft -> open',
    '    open -> closed',
    '',
  ];
}

/**
 * A project of the given sizes. `lines`: at least this many DSL lines in all (entities pad the
 * project up to it, in files of 25,000 lines).
 * @param {{ queues?: number, schedules?: number, buckets?: number, services?: number, ledgers?: number, topics?: number, lines?: number, environment?: string }} sizes
 * @returns {Map<string, string>}
 */
export function scaleProject(sizes = {}) {
  const { queues: q = 0, schedules: s = 0, buckets: b = 0, services: sv = 1, ledgers: l = 0, topics: t = 0, lines = 0, environment = 'prod' } = sizes;
  const files = new Map();
  const head = ['module scale.app', '', 'app scale_app "Scale App":', '  description: "A generated project for the scale benchmark"', '', 'entity Account "Account":', '  id: uuid pk', '  email: email required unique', ''];
  files.set('dsl/app.dsl', `${[...head, ...buckets(b)].join('\n')}\n`);
  if (q) files.set('dsl/queues.dsl', `${['module scale.queues', '', ...queues(q)].join('\n')}\n`);
  if (s) files.set('dsl/schedules.dsl', `${['module scale.schedules', '', ...schedules(s)].join('\n')}\n`);
  if (l) files.set('dsl/ledgers.dsl', `${['module scale.ledgers', '', ...ledgers(l)].join('\n')}\n`);
  if (t) files.set('dsl/events.dsl', `${['module scale.events', '', ...topics(t)].join('\n')}\n`);
  let count = [...files.values()].reduce((n, t) => n + t.split('\n').length - 1, 0);
  let entity = 0;
  for (let f = 0; count < lines; f++) {
    const out = [`module scale.records${pad(f)}`, ''];
    while (out.length < LINES_PER_FILE && count + out.length < lines) out.push(...paddingEntity(entity++));
    count += out.length;
    files.set(`dsl/records/records_${pad(f)}.dsl`, `${out.join('\n')}\n`);
  }
  const toml = [
    '[project]',
    'name = "scale_app"',
    '',
    '[deploy]',
    `environment = "${environment}"`,
    'region = "us-east-1"',
    '',
    '[deploy.tigerbeetle]',
    `enabled = ${l > 0}`,
    'node_count = 3',
    '',
    '[deploy.domain]',
    'name = "scale.example.com"',
    'hosted_zone_id = "Z0123456789ABCDEFGHIJ"',
    '',
    '[deploy.compute]',
    'image = "public.ecr.aws/docker/library/python:3.12-slim"',
    '',
  ];
  if (sv > 1) {
    for (let i = 0; i < sv; i++) toml.push(`[deploy.services.web_${pad(i, 3)}]`, 'image = "public.ecr.aws/docker/library/python:3.12-slim"', `paths = ["/web_${pad(i, 3)}/*"]`, '');
  }
  files.set('dazzle.toml', `${toml.join('\n')}\n`);
  return files;
}

/** Write a project's files under `dir`. */
export function writeProject(dir, files) {
  for (const [rel, text] of files) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href && /project\.mjs$/.test(process.argv[1]);
if (isMain) {
  const [dir, ...rest] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: node bench/project.mjs DIR [--queues N] [--schedules N] [--buckets N] [--services N] [--ledgers N] [--topics N] [--lines N] [--env ENV]\n');
    process.exit(2);
  }
  if (existsSync(dir) && readdirSync(dir).length) {
    process.stderr.write(`${dir} is not empty\n`);
    process.exit(2);
  }
  const sizes = {};
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i]?.replace(/^--/, '');
    const value = rest[i + 1];
    if (key === 'env') sizes.environment = value;
    else sizes[key] = Number(value);
  }
  writeProject(dir, scaleProject(sizes));
}
