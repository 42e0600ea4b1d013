// Performance benchmark (`npm run bench`, which builds dist/ first).
//
// 1. Throughput: lex / lex+parse / lex+parse+AST in MB/s (1 MB = 10^6 bytes) on two large generated
//    DSL files (deterministic): the corpus projects' real files repeated to 5 MB, and a denser
//    synthetic file; in-process after a warm-up, using src/ bundled by esbuild with the same
//    options as scripts/build.mjs.
// 2. Cold start: wall time of `node bin/dazzle check -p <project>` for every corpus project, of
//    `node bin/dazzle --version` and of a bare `node -e ''`, each a fresh process (median of 9).
// 3. Phases of a cold check of fieldtest_hub in a fresh process (where the start-up time goes).
// 4. Synth: `dazzle deploy synth` (in-process, offline) against `npx cdk synth` on the same
//    generated app (the ledger example, prod), alternating, fresh processes.
// 5. Scaling: `dazzle check` on generated projects of 10,000 to 300,000 small entities (one file,
//    written to a temp folder), a fresh process each run: median wall time, CPU time and peak memory
//    at each size, the marginal cost per MB, per 100,000 entities and per line, and whether it grows
//    linearly. The goal: 100,000 entities (4.6 MB) in under 3 s.
// 6. Scale targets (bench/scale.mjs): check, plan, generate and synth of 500 queues, 500 schedules,
//    200 buckets, 50 services and 100 ledgers within CloudFormation's limits; check of 50,000 and
//    1,000,000 lines; the plan's JSON linear in its resources.
//
// 7. Preflight: `dazzle deploy preflight` against `dazzle deploy synth` on the generated ledger app
//    (prod), with preflight's validation cache (the goal: at most 1.3x) and without it.
//
// Prints a table and writes the figures to .bench/last.json (git-ignored).
// Usage: node bench/run.mjs [--quick] [--scaling] [--scale] [--preflight]
//   --quick: fewer runs, for trying the script; --scaling: only the scaling series (5), to .bench/scaling.json;
//   --scale: only the scale targets (6), to .bench/scale.json; --preflight: only preflight (7), to .bench/preflight.json
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printScale, scaleTargets } from './scale.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT_DIR = join(ROOT, '.bench');
const BUNDLE = join(OUT_DIR, 'front-end.mjs');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'dazzle');
const BIN = join(ROOT, 'bin', 'dazzle');

/** Issue 11: deploy plan on the example within 3x a bare node start-up, check of fieldtest_hub under 250 ms. */
const GOALS = { throughputMBps: 5, checkFieldtestMs: 250, check100kEntitiesMs: 3000, planToNode: 3 };
const QUICK = process.argv.includes('--quick');
const SCALING_ONLY = process.argv.includes('--scaling');
const SCALE_ONLY = process.argv.includes('--scale');
const PREFLIGHT_ONLY = process.argv.includes('--preflight');
const RUNS = { inProcess: QUICK ? 3 : 7, warmup: 1, process: QUICK ? 3 : 9, phases: QUICK ? 3 : 9 };
const TARGET_BYTES = 5_000_000;
/** Project sizes of the scaling series (entities), and the runs at each (more at the size with a goal). */
const SCALE = QUICK ? [10_000, 100_000] : [10_000, 30_000, 100_000, 300_000];
const scaleRuns = (n) => (n === 100_000 ? (QUICK ? 3 : 7) : QUICK ? 1 : 3);

// ---------------------------------------------------------------------------------------------
// helpers

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const roundStats = (s, d = 2) => ({ median: round(s.median, d), min: round(s.min, d), max: round(s.max, d), runs: s.runs });
const ms = (x) => `${x.toFixed(1)} ms`;

/** Bundle the front end (src/) like scripts/build.mjs does, to .bench/front-end.mjs. */
async function bundleFrontEnd() {
  mkdirSync(OUT_DIR, { recursive: true });
  const { build } = await import('esbuild'); // not in the --phases child, to keep its start-up clean
  await build({
    stdin: {
      contents: [
        "export { lex } from './src/syntax/lexer.ts';",
        "export { getParser, parseTokens } from './src/syntax/parser.ts';",
        "export { buildAst } from './src/syntax/build-ast.ts';",
        "export { decodeSource, parseSource } from './src/syntax/index.ts';",
        "export { SourceText, hasErrors } from './src/diagnostics/index.ts';",
        "export { link } from './src/ir/index.ts';",
        "export { readProject } from './src/cli/io.ts';",
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'bench-entry.ts',
      loader: 'ts',
    },
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __dzCreateRequire } from 'node:module'; const require = __dzCreateRequire(import.meta.url);" },
  });
  return BUNDLE;
}

// ---------------------------------------------------------------------------------------------
// the generated DSL file

/** A small deterministic PRNG (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'metro', 'nova', 'oscar', 'papa'];
const STATES = ['draft', 'open', 'review', 'approved', 'active', 'closed', 'archived'];
const ROLES = ['admin', 'engineer', 'manager', 'tester', 'auditor'];

/** ~`target` bytes of valid DSL: entities, ledgers, transactions, channels, surfaces, stories, workspaces. */
export function generateDsl(target = TARGET_BYTES) {
  const rnd = prng(20240611);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const out = ['# Generated by bench/run.mjs (deterministic). Do not edit.', 'module bench.generated', '', 'app bench_app "Bench App":', '  description: "generated"', '  multi_tenant: false', ''];
  let size = out.join('\n').length;
  const push = (block) => {
    out.push(block);
    size += block.length + 1;
  };
  for (let i = 0; size < target; i++) {
    const E = `Entity${i}`;
    const states = STATES.slice(0, int(3, STATES.length));
    const fields = [
      '  id: uuid pk',
      `  name: str(${int(50, 250)}) required`,
      `  code: str(${int(8, 40)}) required unique`,
      `  status: enum[${states.join(',')}]=${states[0]}`,
      `  amount: decimal(${int(8, 14)},2)`,
      '  price: money(GBP)',
      `  quantity: int=${int(0, 9)}`,
      '  active: bool=true',
      '  notes: text',
      '  contact: email',
      '  homepage: url',
      '  due_on: date',
      '  payload: json',
      '  created_at: datetime auto_add',
      '  updated_at: datetime auto_update',
    ];
    if (i > 0) fields.push(`  parent: ref Entity${int(0, i - 1)} required`, `  children: has_many Entity${int(0, i - 1)}`);
    if (rnd() < 0.5) fields.push(`  priority: enum[low, medium, high, critical]=medium`);
    if (rnd() < 0.5) fields.push(`  retries: int=${int(1, 5)} indexed`, `  timeout: str(20)="${int(1, 60)}s"`);
    fields.push('  days_open: computed days_since(created_at)');
    const transitions = states.slice(1).map((s, k) => `    ${states[k]} -> ${s}${rnd() < 0.3 ? `: role(${pick(ROLES)})` : ''}`);
    push(
      [
        `# Entity ${i}: ${pick(WORDS)} ${pick(WORDS)}`,
        `entity ${E} "${pick(WORDS)} ${pick(WORDS)} ${i}":`,
        `  intent: "Tracks the ${pick(WORDS)} of a ${pick(WORDS)} through its lifecycle (${i})"`,
        `  domain: ${pick(WORDS)}`,
        `  patterns: lifecycle, audit_trail`,
        `  display_field: name`,
        ...fields,
        '',
        '  transitions:',
        ...transitions,
        '',
        `  invariant: status != ${states[1]} or amount != null`,
        '  permit:',
        `    list: role(${pick(ROLES)}) or role(${pick(ROLES)})`,
        `    read: role(${pick(ROLES)})`,
        `    update: role(${pick(ROLES)})`,
        '  scope:',
        '    list: all',
        `      as: ${pick(ROLES)}, ${pick(ROLES)}`,
        '    read: owner_id = current_user',
        `      as: ${pick(ROLES)}`,
        '  index code',
        '  index status',
        '  fitness:',
        '    repr_fields: [name, code, status, amount]',
        '',
      ].join('\n'),
    );
    if (i % 4 === 0) {
      push(
        [
          `ledger Ledger${i} "Ledger ${i}":`,
          `  intent: "Account ${i} for ${pick(WORDS)}"`,
          `  account_code: ${1000 + i}`,
          '  ledger_id: 1',
          `  account_type: ${pick(['asset', 'liability', 'equity', 'revenue', 'expense'])}`,
          '  currency: GBP',
          '  flags: [linked, history]',
          '',
          `ledger Ledger${i}b "Ledger ${i} (contra)":`,
          `  account_code: ${5000 + i}`,
          '  account_type: expense',
          '  currency: GBP',
          '',
          `transaction Txn${i} "Transaction ${i}":`,
          `  intent: "Move ${pick(WORDS)} between ledgers"`,
          '  execution: sync',
          `  priority: ${pick(['critical', 'high', 'normal', 'low'])}`,
          '  timeout: 30s',
          `  transfer main_${i}:`,
          `    debit: Ledger${i}b`,
          `    credit: Ledger${i}`,
          '    amount: event.amount * 100',
          `    code: ${int(1, 99)}`,
          `  transfer fee_${i}:`,
          `    debit: Ledger${i}`,
          `    credit: Ledger${i}b`,
          '    amount: event.fee',
          '    code: 2',
          '    flags: [linked]',
          '  idempotency_key: event.id',
          '',
        ].join('\n'),
      );
    }
    if (i % 3 === 0) {
      push(
        [
          `channel channel_${i} "Channel ${i}":`,
          `  kind: ${pick(['email', 'queue', 'stream'])}`,
          '  provider: auto',
          '  config:',
          `    from_address: "team${i}@example.com"`,
          '    max_retries: 3',
          `  send ${pick(WORDS)}_created_${i}:`,
          `    message: ${E}Created`,
          `    when: ${E}.status -> ${states[1]}`,
          '    mapping:',
          `      to: ${E}.contact`,
          `      subject: "Created ${i}"`,
          `  send ${pick(WORDS)}_closed_${i}:`,
          `    message: ${E}Closed`,
          '    delivery_mode: outbox',
          `  receive inbound_${i}:`,
          `    message: ${E}Reply`,
          `    action: update ${E}`,
          '',
        ].join('\n'),
      );
    }
    push(
      [
        `surface entity_${i}_list "${pick(WORDS)} list":`,
        `  uses entity ${E}`,
        '  mode: list',
        '  render: fragment',
        '',
        `  section main "${pick(WORDS)}":`,
        '    field name "Name"',
        '    field status "Status"',
        '    field amount "Amount"',
        `    action approve "Approve" when status == ${states[1]}:`,
        `      confirm: "Approve ${i}?"`,
        '      on_success: refresh',
        '',
        `story ST-${String(i).padStart(5, '0')} "${pick(ROLES)} works with ${E}":`,
        `  persona: ${pick(ROLES)}`,
        '  trigger: user_click',
        `  entities: [${E}]`,
        '  given:',
        `    - "A ${pick(WORDS)} exists with ${pick(WORDS)} = ${int(1, 999)}"`,
        '  when:',
        `    - "The user opens ${E} and presses ${pick(WORDS)}"`,
        '  then:',
        `    - "The ${pick(WORDS)} is ${pick(STATES)} (${i})"`,
        '',
        `workspace ws_${i} "Workspace ${i}":`,
        `  purpose: "Work on ${pick(WORDS)}"`,
        `  region ${pick(WORDS)}:`,
        `    source: ${E}`,
        `    filter: status != ${states[0]} and amount > ${int(1, 500)}`,
        '    sort: created_at desc',
        `    limit: ${int(5, 50)}`,
        '    display: list',
        '',
      ].join('\n'),
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * A file of `n` small entities (about 46 bytes each: `entity ThingN:` with a key and one field), the
 * shape of the scaling case: many top-level declarations, each cheap to check.
 */
export function entitiesDsl(n) {
  const out = ['module big', '', 'app big "Big"', ''];
  for (let i = 0; i < n; i++) out.push(`entity Thing${i}:`, '  id: uuid pk', '  n: str(9)', '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// 1. throughput (in-process)

/**
 * A large file of real Dazzle DSL: the corpus projects' files, concatenated and
 * repeated to `target` bytes. Real files carry comments, strings and titles
 * (about 7 bytes per token), while generateDsl() is dense (under 5 bytes per
 * token), so the two bracket what users will see.
 */
export function corpusShapedDsl(target = TARGET_BYTES) {
  const parts = [];
  for (const project of corpusProjects()) {
    const dir = join(CORPUS, project, 'dsl');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.dsl')).sort()) parts.push(readFileSync(join(dir, f), 'utf8'));
  }
  const one = `${parts.join('\n')}\n`;
  return one.repeat(Math.max(1, Math.ceil(target / one.length)));
}

async function throughput(fe, text) {
  const bytes = Buffer.byteLength(text);
  const lines = text.split('\n').length;

  // Correctness first: the file must parse without errors.
  const check = fe.parseSource(new fe.SourceText('bench.dsl', text));
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (!check.value || errors.length > 0) {
    throw new Error(`the generated DSL does not parse: ${errors.slice(0, 3).map((d) => `${d.code} ${d.message} at ${d.span?.line}:${d.span?.col}`).join('; ')}`);
  }
  const tokenCount = fe.lex(new fe.SourceText('bench.dsl', text)).tokens.length;

  const lexT = [];
  const parseT = [];
  const astT = [];
  const sourceT = [];
  for (let r = 0; r < RUNS.warmup + RUNS.inProcess; r++) {
    const source = new fe.SourceText('bench.dsl', text);
    const t0 = performance.now();
    const lexed = fe.lex(source);
    const t1 = performance.now();
    const parsed = fe.parseTokens(lexed.tokens);
    const t2 = performance.now();
    const built = fe.buildAst(source, parsed.cst);
    const t3 = performance.now();
    if (parsed.error || !built.ast) throw new Error('parse failed during the benchmark');
    if (r >= RUNS.warmup) {
      lexT.push(t1 - t0);
      parseT.push(t2 - t0);
      astT.push(t3 - t0);
    }
  }
  // What `dazzle check` runs: parseSource reads the file a run of statements at a time (a separate loop, so
  // that the whole-file garbage above is not collected in its time).
  for (let r = 0; r < RUNS.warmup + RUNS.inProcess; r++) {
    const source = new fe.SourceText('bench.dsl', text);
    const t0 = performance.now();
    const parsed = fe.parseSource(source);
    const t1 = performance.now();
    if (!parsed.value) throw new Error('parse failed during the benchmark');
    if (r >= RUNS.warmup) sourceT.push(t1 - t0);
  }
  const mbps = (times) => {
    const rates = times.map((t) => bytes / 1e6 / (t / 1000));
    return { ...roundStats(stats(rates)), ms: roundStats(stats(times), 1) };
  };
  return { bytes, lines, tokens: tokenCount, lex: mbps(lexT), lexParse: mbps(parseT), lexParseAst: mbps(astT), parseSource: mbps(sourceT) };
}

// ---------------------------------------------------------------------------------------------
// 2. cold process wall times

function wall(args, expectOk = true) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const t = performance.now() - t0;
  if (expectOk && r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr || r.stdout}`);
  return { t, stdout: r.stdout };
}

/** Wall times of node, `dazzle --version` and `dazzle check` on each corpus project, interleaved run by run. */
function coldTimes() {
  const commands = [
    ['baseline', ['-e', '']],
    ['version', [BIN, '--version']],
    ['plan', [BIN, 'deploy', 'plan', '-p', join(ROOT, 'examples', 'ledger-app'), '--env', 'prod']],
    ...corpusProjects().map((n) => [n, [BIN, 'check', '-p', join(CORPUS, n)]]),
  ];
  for (const [, args] of commands) wall(args); // warm the file system cache; not counted
  const times = Object.fromEntries(commands.map(([k]) => [k, []]));
  const outputs = {};
  for (let i = 0; i < RUNS.process; i++) {
    for (const [k, args] of commands) {
      const r = wall(args);
      times[k].push(r.t);
      outputs[k] = r.stdout.trim().split('\n')[0];
    }
  }
  const result = (k) => ({ ...roundStats(stats(times[k]), 1), output: outputs[k] });
  const baseline = result('baseline');
  const projects = {};
  for (const name of corpusProjects()) {
    const s = result(name);
    projects[name] = { ...s, ratioToNode: round(s.median / baseline.median) };
  }
  return { baseline, version: result('version'), plan: result('plan'), projects };
}


function corpusProjects() {
  if (!existsSync(CORPUS)) return [];
  return readdirSync(CORPUS)
    .filter((d) => existsSync(join(CORPUS, d, 'dazzle.toml')))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// 3. phases of a cold check, in a fresh process (`node bench/run.mjs --phases <bundle> <project>`)

async function phasesChild(bundle, project) {
  const p = {};
  p.nodeStart = performance.now(); // since the process started (performance.timeOrigin)
  let t = performance.now();
  const fe = await import(pathToFileURL(bundle).href);
  p.import = performance.now() - t;
  t = performance.now();
  fe.lex(new fe.SourceText('empty.dsl', ''));
  p.lexerConstruction = performance.now() - t;
  t = performance.now();
  fe.getParser();
  p.parserConstruction = performance.now() - t;
  t = performance.now();
  const files = fe.readProject(project, process.cwd());
  p.readFiles = performance.now() - t;
  p.decode = p.lex = p.parse = p.ast = 0;
  const asts = [];
  for (const f of [...files.dsl].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    t = performance.now();
    const src = fe.decodeSource(f.path, f.bytes).value;
    const t1 = performance.now();
    const lexed = fe.lex(src);
    const t2 = performance.now();
    const parsed = fe.parseTokens(lexed.tokens);
    const t3 = performance.now();
    const built = fe.buildAst(src, parsed.cst);
    const t4 = performance.now();
    p.decode += t1 - t;
    p.lex += t2 - t1;
    p.parse += t3 - t2;
    p.ast += t4 - t3;
    asts.push(built.ast);
  }
  t = performance.now();
  fe.link(
    asts,
    files.dsl.map((f) => f.path),
  );
  p.link = performance.now() - t;
  p.total = performance.now();
  process.stdout.write(JSON.stringify(p));
}

function phases(bundle, project) {
  const runs = [];
  wall([fileURLToPath(import.meta.url), '--phases', bundle, project]);
  for (let i = 0; i < RUNS.phases; i++) {
    const r = wall([fileURLToPath(import.meta.url), '--phases', bundle, project]);
    runs.push({ ...JSON.parse(r.stdout), wall: r.t });
  }
  const out = {};
  for (const k of Object.keys(runs[0])) out[k] = roundStats(stats(runs.map((r) => r[k])), 1);
  return out;
}

// ---------------------------------------------------------------------------------------------
// 4. synth: `dazzle deploy synth` (in-process, offline) against `npx cdk synth` on the same app

/**
 * Generate the ledger app (prod) once, with dazzle's node_modules linked in so the
 * app's `npx cdk synth` (aws-cdk CLI + tsx, both pinned dev dependencies) runs offline.
 * Both synthesize into their own cdk.out; CDK_VALIDATION=false for both.
 */
function synthTimes() {
  const work = mkdtempSync(join(tmpdir(), 'dazzle-bench-synth-'));
  const project = join(work, 'project');
  cpSync(join(ROOT, 'examples', 'ledger-app'), project, { recursive: true, filter: (f) => !/[\\/](infra|cdk\.out|node_modules)$/.test(f) });
  const gen = spawnSync(process.execPath, [BIN, 'deploy', 'generate', '-p', project, '-e', 'prod'], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generate failed: ${gen.stderr}`);
  const app = join(project, 'infra');
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
  const env = { ...process.env, NO_COLOR: '1', CDK_VALIDATION: 'false', CDK_DISABLE_CLI_TELEMETRY: 'true' };
  const ours = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'deploy', 'synth', '-p', project, '-e', 'prod'], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`dazzle deploy synth exited ${r.status}: ${r.stderr}`);
    return performance.now() - t0;
  };
  const theirs = () => {
    const t0 = performance.now();
    const r = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting', '-o', 'cdk.out.cli'], { cwd: app, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`npx cdk synth exited ${r.status}: ${r.stderr}`);
    return performance.now() - t0;
  };
  ours();
  theirs();
  const a = [];
  const b = [];
  const n = QUICK ? 3 : 5;
  for (let i = 0; i < n; i++) {
    a.push(ours());
    b.push(theirs());
  }
  rmSync(work, { recursive: true, force: true });
  return { dazzle: stats(a), cdk: stats(b) };
}

// ---------------------------------------------------------------------------------------------
// 5. diff: `dazzle deploy diff` with one change (a new queue channel) against `dazzle deploy synth`,
//    on the generated ledger app (prod), alternating, fresh processes. Goal: diff within 2.5x synth.

const DIFF_GOAL_RATIO = 2.5;

function diffTimes() {
  const work = mkdtempSync(join(tmpdir(), 'dazzle-bench-diff-'));
  const project = join(work, 'project');
  cpSync(join(ROOT, 'examples', 'ledger-app'), project, { recursive: true, filter: (f) => !/[\\/](infra|cdk\.out|node_modules)$/.test(f) });
  const gen = spawnSync(process.execPath, [BIN, 'deploy', 'generate', '-p', project, '-e', 'prod'], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generate failed: ${gen.stderr}`);
  const dsl = join(project, 'dsl', 'messaging.dsl');
  writeFileSync(dsl, `${readFileSync(dsl, 'utf8')}\nchannel refunds "Refunds":\n  kind: queue\n  provider: auto\n`);
  const env = { ...process.env, NO_COLOR: '1' };
  const time = (args, ok) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'deploy', ...args, '-p', project, '-e', 'prod'], { encoding: 'utf8', env });
    if (!ok.includes(r.status)) throw new Error(`dazzle deploy ${args[0]} exited ${r.status}: ${r.stderr}`);
    return performance.now() - t0;
  };
  const diff = () => time(['diff'], [1]);
  // synth of the same (regenerated) app, so both read an app of the same size
  const synth = () => time(['synth'], [0, 1]);
  diff();
  synth();
  const a = [];
  const b = [];
  const n = QUICK ? 3 : 5;
  for (let i = 0; i < n; i++) {
    a.push(diff());
    b.push(synth());
  }
  rmSync(work, { recursive: true, force: true });
  return { diff: stats(a), synth: stats(b) };
}

// 6. preflight: `dazzle deploy preflight` against `dazzle deploy synth` on the same app

const PREFLIGHT_GOAL = 1.3;
/** Preflight's cache of CloudFormation validation findings, in the app's cloud assembly (src/cli/template-validation-cache.ts). */
const VALIDATION_CACHE = join('infra', 'cdk.out', 'dazzle-validation-cache.json');

/**
 * Generate the ledger example (prod) once; time synth, preflight with its validation cache
 * (warm: what a user sees from the second run on) and preflight without it (cold: the cache
 * deleted first, so the validator loads its schemas), alternating, fresh processes. Each run
 * records wall time, CPU time (all threads) and the 1-minute load average when it started.
 */
function preflightTimes() {
  const work = mkdtempSync(join(tmpdir(), 'dazzle-bench-preflight-'));
  const project = join(work, 'project');
  cpSync(join(ROOT, 'examples', 'ledger-app'), project, { recursive: true, filter: (f) => !/[\\/](infra|cdk\.out|node_modules)$/.test(f) });
  const gen = spawnSync(process.execPath, [BIN, 'deploy', 'generate', '-p', project, '-e', 'prod'], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generate failed: ${gen.stderr}`);
  const usageFile = join(work, 'usage.json');
  const env = { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', DAZZLE_BENCH_USAGE: usageFile };
  const time = (command, before = () => undefined) => () => {
    before();
    const load = loadavg()[0];
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(ROOT, 'bench', 'usage-at-exit.mjs')).href, BIN, 'deploy', command, '-p', project, '-e', 'prod'], { encoding: 'utf8', env });
    const t = performance.now() - t0;
    if (r.status !== 0) throw new Error(`dazzle deploy ${command} exited ${r.status}: ${r.stderr || r.stdout}`);
    const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
    // Preflight's validating process is a child: its CPU time counts.
    return { t, cpu: usage.cpuMs + (usage.childrenCpuMs ?? 0), load };
  };
  const warm = time('preflight');
  const cold = time('preflight', () => rmSync(join(project, VALIDATION_CACHE), { force: true }));
  const synth = time('synth');
  cold();
  warm();
  synth();
  const runs = { warm: [], cold: [], synth: [] };
  const n = QUICK ? 3 : 5;
  for (let i = 0; i < n; i++) {
    runs.synth.push(synth());
    runs.warm.push(warm());
    runs.cold.push(cold());
  }
  rmSync(work, { recursive: true, force: true });
  const summary = (xs) => ({ ...stats(xs.map((x) => x.t)), cpu: median(xs.map((x) => x.cpu)), load: median(xs.map((x) => x.load)) });
  return { preflight: summary(runs.warm), cold: summary(runs.cold), synth: summary(runs.synth) };
}

/** Print the preflight rows and the goal; returns the ratio the goal is judged on (with the cache). */
function printPreflight(pf) {
  const row = (name, x) => `  ${name.padEnd(36)} ${ms(x.median).padStart(10)}   min ${ms(x.min).padStart(9)}   max ${ms(x.max).padStart(9)}   cpu ${ms(x.cpu).padStart(9)}   load ${x.load.toFixed(1)}\n`;
  const ratio = pf.preflight.median / pf.synth.median;
  const coldRatio = pf.cold.median / pf.synth.median;
  process.stdout.write(`Preflight of the generated ledger app (prod), fresh process each run (median of ${pf.preflight.runs}, after one uncounted run each, alternating; cpu: all threads and child processes; load: 1-minute average at the start)\n`);
  process.stdout.write(row('dazzle deploy preflight (cached)', pf.preflight));
  process.stdout.write(row('dazzle deploy preflight (no cache)', pf.cold));
  process.stdout.write(row('dazzle deploy synth', pf.synth));
  process.stdout.write(`  goal: preflight at most ${PREFLIGHT_GOAL}x deploy synth -> ${ratio <= PREFLIGHT_GOAL ? 'MET' : 'NOT MET'} (${ratio.toFixed(2)}x with its validation cache; ${coldRatio.toFixed(2)}x without, the first run on new templates)\n\n`);
  return ratio;
}

function preflightJson(pf) {
  const row = (x) => ({ ...roundStats(x, 1), cpu: round(x.cpu, 1), load: round(x.load, 2) });
  const ratio = pf.preflight.median / pf.synth.median;
  return { preflight: row(pf.preflight), cold: row(pf.cold), synth: row(pf.synth), ratio: round(ratio), coldRatio: round(pf.cold.median / pf.synth.median), goal: PREFLIGHT_GOAL, goalMet: ratio <= PREFLIGHT_GOAL };
}

// ---------------------------------------------------------------------------------------------
// 7. scaling: `dazzle check` on projects of N entities

/** A project of `n` entities (dazzle.toml and dsl/app.dsl) in a new temp folder. */
function entitiesProject(n) {
  const dir = mkdtempSync(join(tmpdir(), `dazzle-bench-${n}-`));
  mkdirSync(join(dir, 'dsl'));
  writeFileSync(join(dir, 'dazzle.toml'), '[project]\nname = "scale"\n');
  const text = entitiesDsl(n);
  writeFileSync(join(dir, 'dsl', 'app.dsl'), text);
  return { dir, bytes: Buffer.byteLength(text), lines: text.split('\n').length - 1 };
}

/** One cold `dazzle check -p dir`: wall time, CPU time and peak RSS (the last two written at exit by bench/usage-at-exit.mjs). */
function checkOnce(dir, entities) {
  const usageFile = join(dir, '.usage.json');
  const args = ['--import', pathToFileURL(join(ROOT, 'bench', 'usage-at-exit.mjs')).href, BIN, 'check', '-p', dir];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DAZZLE_BENCH_USAGE: usageFile }, maxBuffer: 1 << 26 });
  const t = performance.now() - t0;
  if (r.status !== 0 || !r.stdout.includes(`${entities} entities`)) throw new Error(`dazzle check of ${entities} entities exited ${r.status}: ${r.stderr || r.stdout}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  return { t, cpu: usage.cpuMs, rss: usage.peakRss };
}

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

/** The scaling series, sizes round-robin so that drift in the machine's load hits every size alike. */
function scaling() {
  const projects = SCALE.map((n) => ({ n, ...entitiesProject(n), times: [], cpu: [], rss: [] }));
  try {
    for (const p of projects) checkOnce(p.dir, p.n); // warm the file system cache; not counted
    const rounds = Math.max(...projects.map((p) => scaleRuns(p.n)));
    for (let i = 0; i < rounds; i++) {
      for (const p of projects) {
        if (i >= scaleRuns(p.n)) continue;
        const r = checkOnce(p.dir, p.n);
        p.times.push(r.t);
        p.cpu.push(r.cpu);
        p.rss.push(r.rss);
      }
    }
  } finally {
    for (const p of projects) rmSync(p.dir, { recursive: true, force: true });
  }
  const sizes = projects.map((p) => ({
    entities: p.n,
    bytes: p.bytes,
    lines: p.lines,
    ms: roundStats(stats(p.times), 1),
    cpuMs: round(median(p.cpu), 1),
    peakRssMB: round(median(p.rss) / 1e6, 1),
  }));
  // Marginal costs (least squares over the sizes), so node's start-up and fixed costs drop out. Wall
  // time is the goal; CPU time (all threads) moves less when other work shares the machine, so the
  // growth is judged on it.
  const mb = sizes.map((s) => s.bytes / 1e6);
  const msPerMB = slope(mb, sizes.map((s) => s.ms.median));
  const cpuMsPerMB = slope(mb, sizes.map((s) => s.cpuMs));
  const bytesPerLine = slope(sizes.map((s) => s.lines), sizes.map((s) => s.peakRssMB * 1e6));
  const per100k = (perMB) => round((perMB * (sizes.at(-1).bytes / sizes.at(-1).entities) * 100_000) / 1e6, 0);
  // CPU time per MB of each step up in size: equal steps mean linear growth.
  const steps = sizes.slice(1).map((s, i) => round((s.cpuMs - sizes[i].cpuMs) / ((s.bytes - sizes[i].bytes) / 1e6), 1));
  return {
    sizes,
    msPerMB: round(msPerMB, 1),
    msPer100kEntities: per100k(msPerMB),
    cpuMsPerMB: round(cpuMsPerMB, 1),
    cpuMsPer100kEntities: per100k(cpuMsPerMB),
    peakBytesPerLine: round(bytesPerLine, 0),
    stepCpuMsPerMB: steps,
    linear: steps.length < 2 || Math.max(...steps) <= 1.5 * Math.min(...steps),
  };
}

/** Print the scaling series; true when the goal is met. */
function printScaling(scale) {
  const at100k = scale.sizes.find((s) => s.entities === 100_000);
  const ok = at100k !== undefined && at100k.ms.median < GOALS.check100kEntitiesMs;
  process.stdout.write(
    `Scaling: dazzle check on generated projects of N entities (one file; each entity 4 lines, about 46 bytes), fresh process each run (median; ${scaleRuns(100_000)} runs at 100,000, ${scaleRuns(10_000)} at the other sizes, round-robin)\n`,
  );
  process.stdout.write('    entities        MB       lines  median wall         min         max    CPU time    peak RSS\n');
  for (const s of scale.sizes) {
    process.stdout.write(
      `  ${s.entities.toLocaleString('en').padStart(10)} ${(s.bytes / 1e6).toFixed(2).padStart(9)} ${s.lines.toLocaleString('en').padStart(11)} ${ms(s.ms.median).padStart(12)} ${ms(s.ms.min).padStart(11)} ${ms(s.ms.max).padStart(11)} ${ms(s.cpuMs).padStart(11)} ${`${s.peakRssMB.toFixed(0)} MB`.padStart(11)}\n`,
    );
  }
  process.stdout.write(
    `  marginal cost: ${scale.msPerMB} ms wall per MB (${scale.msPer100kEntities} ms per 100,000 entities), ${scale.cpuMsPerMB} ms CPU per MB (${scale.cpuMsPer100kEntities} ms per 100,000 entities), ${(scale.peakBytesPerLine / 1000).toFixed(2)} kB of peak memory per line\n`,
  );
  process.stdout.write(`  CPU time per MB of each step up: ${scale.stepCpuMsPerMB.join(', ')} ms -> ${scale.linear ? 'linear (within 1.5x)' : 'NOT linear'}\n`);
  process.stdout.write(`  goal: dazzle check of 100,000 entities < ${GOALS.check100kEntitiesMs} ms median -> ${at100k ? (ok ? 'MET' : 'NOT MET') : 'not measured'}\n\n`);
  return ok;
}

/** `--scaling`: the scaling series alone. */
function scalingOnly() {
  process.stdout.write(`dazzle scaling benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}${QUICK ? ' (quick)' : ''}\n\n`);
  const scale = scaling();
  const ok = printScaling(scale);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'scaling.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? null, quick: QUICK, goalMet: ok, ...scale }, null, 2)}\n`);
  process.stdout.write('Wrote .bench/scaling.json\n');
}

// ---------------------------------------------------------------------------------------------
// main

async function main() {
  const started = performance.now();
  if (!existsSync(join(ROOT, 'dist', 'dazzle.mjs'))) throw new Error("dist/ is not built: run 'npm run build' (npm run bench does)");
  const bundle = await bundleFrontEnd();
  const fe = await import(pathToFileURL(bundle).href);

  process.stdout.write(`dazzle benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}${QUICK ? ' (quick)' : ''}\n\n`);

  // Cold starts first, while this process is small, and round-robin so that drift hits every command alike.
  const cold = coldTimes();
  const scale = scaling();

  const row = (name, s) => `  ${name.padEnd(22)} ${String(s.median.toFixed(2)).padStart(8)} MB/s   min ${s.min.toFixed(2).padStart(7)}   max ${s.max.toFixed(2).padStart(7)}   (median ${ms(s.ms.median)})\n`;
  const files = [
    ['corpus-shaped', 'the corpus projects\' DSL files repeated (real density)', corpusShapedDsl()],
    ['dense', 'generateDsl(): entities, ledgers, transactions, channels, surfaces, stories (dense)', generateDsl()],
  ];
  const tp = {};
  for (const [key, what, text] of files) {
    const r = await throughput(fe, text);
    tp[key] = r;
    process.stdout.write(
      `Throughput, ${key} file — ${what}: ${(r.bytes / 1e6).toFixed(2)} MB, ${r.lines} lines, ${r.tokens} tokens (${(r.bytes / r.tokens).toFixed(2)} bytes/token; ` +
        `in-process, ${RUNS.warmup} warm-up + ${RUNS.inProcess} runs; 1 MB = 10^6 bytes)\n`,
    );
    process.stdout.write(row('lex only', r.lex));
    process.stdout.write(row('lex+parse (CST)', r.lexParse));
    process.stdout.write(row('lex+parse+AST', r.lexParseAst));
    process.stdout.write(row('parseSource (streamed)', r.parseSource));
    process.stdout.write('\n');
  }
  // The goal is judged on what parseSource does (lex+parse+AST) over real DSL; the dense file is the worst case.
  const tpOk = tp['corpus-shaped'].lexParseAst.median >= GOALS.throughputMBps;
  const cstOk = tp['corpus-shaped'].lexParse.median >= GOALS.throughputMBps;
  const denseOk = tp.dense.lexParseAst.median >= GOALS.throughputMBps;
  process.stdout.write(
    `  goal: >= ${GOALS.throughputMBps} MB/s lex+parse+AST on real DSL -> ${tpOk ? 'MET' : 'NOT MET'} (lex+parse CST only: ${cstOk ? 'met' : 'not met'}; dense worst case: ${denseOk ? 'met' : 'not met'})\n\n`,
  );

  process.stdout.write(`Cold wall time, fresh process each run (median of ${RUNS.process}, after one uncounted run; measured first, round-robin)\n`);
  const { baseline, version, plan, projects } = cold;
  const prow = (name, s, note = '') =>
    `  ${name.padEnd(34)} ${ms(s.median).padStart(10)}   min ${ms(s.min).padStart(9)}   max ${ms(s.max).padStart(9)}   ×${(s.median / baseline.median).toFixed(2)} node${note}\n`;
  process.stdout.write(prow("node -e ''", baseline));
  process.stdout.write(prow('dazzle --version', version));
  process.stdout.write(prow('dazzle deploy plan (ledger-app)', plan));
  const planRatio = plan.median / baseline.median;
  process.stdout.write(`  goal: deploy plan within ${GOALS.planToNode}x of bare node start-up -> ${planRatio <= GOALS.planToNode ? 'MET' : 'NOT MET'} (${planRatio.toFixed(2)}x)\n`);
  for (const [name, s] of Object.entries(projects)) process.stdout.write(prow(`dazzle check -p ${name}`, s));
  const fh = projects.fieldtest_hub;
  const coldOk = fh ? fh.median < GOALS.checkFieldtestMs : false;
  process.stdout.write(`  goal: dazzle check fieldtest_hub < ${GOALS.checkFieldtestMs} ms median  -> ${fh ? (coldOk ? 'MET' : 'NOT MET') : 'corpus missing'}\n\n`);

  let phase;
  if (fh) {
    phase = phases(bundle, join(CORPUS, 'fieldtest_hub'));
    process.stdout.write(`Phases of a cold front-end run on fieldtest_hub (fresh process, median of ${RUNS.phases}; bench bundle, no CLI)\n`);
    const labels = {
      nodeStart: 'node start (to first line)',
      import: 'import front-end bundle',
      lexerConstruction: 'lexer construction',
      parserConstruction: 'parser construction',
      readFiles: 'read project files',
      decode: 'decode',
      lex: 'lex',
      parse: 'parse',
      ast: 'AST',
      link: 'link',
      total: 'total (since process start)',
      wall: 'process wall time',
    };
    for (const [k, label] of Object.entries(labels)) process.stdout.write(`  ${label.padEnd(30)} ${ms(phase[k].median).padStart(10)}   min ${ms(phase[k].min).padStart(9)}   max ${ms(phase[k].max).padStart(9)}\n`);
    process.stdout.write('\n');
  }

  const scaleOk = printScaling(scale);

  const synth = synthTimes();
  const synthRatio = synth.cdk.median / synth.dazzle.median;
  process.stdout.write(`Synth of the generated ledger app (prod, 6 stacks), fresh process each run (median of ${synth.dazzle.runs}, after one uncounted run each, alternating)\n`);
  process.stdout.write(prow('dazzle deploy synth (with cdk-nag)', synth.dazzle));
  process.stdout.write(prow('npx cdk synth (tsx, with cdk-nag)', synth.cdk));
  process.stdout.write(`  goal: dazzle deploy synth at least 2x faster than npx cdk synth -> ${synthRatio >= 2 ? 'MET' : 'NOT MET'} (${synthRatio.toFixed(2)}x)\n\n`);

  const diffed = diffTimes();
  const diffRatio = diffed.diff.median / diffed.synth.median;
  process.stdout.write(`Diff of the generated ledger app (prod) with one change (a new queue), fresh process each run (median of ${diffed.diff.runs}, alternating with synth)\n`);
  process.stdout.write(prow('dazzle deploy diff (2 synths)', diffed.diff));
  process.stdout.write(prow('dazzle deploy synth (with cdk-nag)', diffed.synth));
  process.stdout.write(`  goal: deploy diff within ${DIFF_GOAL_RATIO}x deploy synth -> ${diffRatio <= DIFF_GOAL_RATIO ? 'MET' : 'NOT MET'} (${diffRatio.toFixed(2)}x)\n\n`);

  const pf = preflightTimes();
  const pfRatio = printPreflight(pf);

  const scaled = scaleTargets({ quick: QUICK });
  const scaledOk = printScale(scaled);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? null,
    quick: QUICK,
    goals: { ...GOALS, throughputMet: tpOk, throughputCstOnlyMet: cstOk, throughputDenseMet: denseOk, checkFieldtestMet: coldOk, check100kEntitiesMet: scaleOk },
    throughput: tp,
    cold: { nodeBaseline: baseline, version, plan, planRatioToNode: round(plan.median / baseline.median), check: projects, ratioFieldtestToNode: fh ? round(fh.median / baseline.median) : null },
    phasesFieldtestHub: phase ?? null,
    scaling: scale,
    synth: { dazzle: roundStats(synth.dazzle, 1), cdk: roundStats(synth.cdk, 1), ratio: round(synthRatio), goalMet: synthRatio >= 2 },
    diff: { diff: roundStats(diffed.diff, 1), synth: roundStats(diffed.synth, 1), ratio: round(diffRatio), goal: DIFF_GOAL_RATIO, goalMet: diffRatio <= DIFF_GOAL_RATIO },
    preflight: preflightJson(pf),
    scale: { ...scaled, goalsMet: scaledOk },
    benchSeconds: 0,
  };
  result.benchSeconds = round((performance.now() - started) / 1000, 1);
  writeFileSync(join(OUT_DIR, 'last.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`Wrote .bench/last.json (${result.benchSeconds} s)\n`);
  if (!tpOk || !coldOk || !scaleOk || !scaledOk || planRatio > GOALS.planToNode || synthRatio < 2 || diffRatio > DIFF_GOAL_RATIO || pfRatio > PREFLIGHT_GOAL) process.stdout.write('At least one goal is not met.\n');
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain && process.argv[2] === '--phases') await phasesChild(process.argv[3], process.argv[4]);
else if (isMain && SCALING_ONLY) {
  if (!existsSync(join(ROOT, 'dist', 'dazzle.mjs'))) throw new Error("dist/ is not built: run 'npm run build' (npm run bench does)");
  scalingOnly();
} else if (isMain && SCALE_ONLY) {
  if (!existsSync(join(ROOT, 'dist', 'dazzle.mjs'))) throw new Error("dist/ is not built: run 'npm run build' (npm run bench does)");
  process.stdout.write(`dazzle scale benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}${QUICK ? ' (quick)' : ''}\n\n`);
  const scaled = scaleTargets({ quick: QUICK });
  const ok = printScale(scaled);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'scale.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick: QUICK, goalsMet: ok, ...scaled }, null, 2)}\n`);
  process.stdout.write(`Wrote .bench/scale.json${ok ? '' : ' (at least one goal is not met)'}\n`);
} else if (isMain && PREFLIGHT_ONLY) {
  if (!existsSync(join(ROOT, 'dist', 'dazzle.mjs'))) throw new Error("dist/ is not built: run 'npm run build' (npm run bench does)");
  const pf = preflightTimes();
  printPreflight(pf);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'preflight.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick: QUICK, ...preflightJson(pf) }, null, 2)}\n`);
  process.stdout.write('Wrote .bench/preflight.json\n');
} else if (isMain) await main();
