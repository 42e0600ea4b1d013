// Issue 11's scale targets, on projects made by bench/project.mjs (`npm run bench`, or alone:
// `npm run bench -- --scale`). Every command is the built CLI in a fresh process; its wall time,
// CPU time and peak RSS are measured (bench/usage-at-exit.mjs), beside a bare `node -e ''` of the
// same run:
//
// 1. Targets: 500 queues, 500 schedules, 200 buckets, 50 web services, 100 ledgers — check, plan,
//    generate, synth (cdk-nag on); the diagnostics each reports; the resources, outputs,
//    parameters and size of every synthesized template against CloudFormation's limits; synth time
//    per 100 resources.
// 2. `dazzle check` on 50,000 and 1,000,000 DSL lines: under 1 s and 10 s, at most 0.5 kB of peak
//    memory per line (the growth of peak RSS from one size to the other, so node's own memory drops out).
// 3. The plan's JSON against the resources it lists (queues, then ledgers, doubling): linear, and no
//    TigerBeetle resource names more than a few ledgers in `because`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scaleProject, writeProject } from './project.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'dazzle');
const USAGE = pathToFileURL(join(ROOT, 'bench', 'usage-at-exit.mjs')).href;

/** CloudFormation's limits per template (the ones the plan checks). */
const CFN = { resources: 500, outputs: 200, parameters: 200, bytes: 1_000_000 };

/**
 * The projects of the scale targets: the issue's target. Its containers receive 500 queue URLs and
 * 200 bucket names, which would pass ECS's 64 KiB task definition inline: they come from each
 * Compute stack's environment file (README, "Variables from an environment file").
 */
export const TARGETS = [{ key: 'target', label: '500 queues, 500 schedules, 200 buckets, 50 services, 100 ledgers', sizes: { queues: 500, schedules: 500, buckets: 200, services: 50, ledgers: 100 } }];
export const GOALS = { check50kLinesMs: 1000, check1MLinesMs: 10_000, peakBytesPerLine: 500 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** One fresh process of `node args…`: wall time, CPU time and peak RSS, exit status and output. */
function run(args, cwd = ROOT) {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-usage-'));
  const file = join(dir, 'usage.json');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', USAGE, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1', DAZZLE_BENCH_USAGE: file, CDK_VALIDATION: 'false' } });
  const ms = performance.now() - t0;
  const usage = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { peakRss: 0, cpuMs: 0 };
  rmSync(dir, { recursive: true, force: true });
  return { ms, cpuMs: usage.cpuMs, rss: usage.peakRss, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `runs` runs of a dazzle command: the medians, the exit status and the diagnostic codes of the last. */
function measure(command, project, runs) {
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(run([BIN, ...command, '-p', project]));
  const last = rs[rs.length - 1];
  const codes = [...new Set([...`${last.stderr}\n${last.stdout}`.matchAll(/\b(error|warning) (DZ\d{4})\b|"code": "(DZ\d{4})"/g)].map((m) => m[2] ?? m[3]))].sort();
  return { ms: round(median(rs.map((r) => r.ms))), cpuMs: round(median(rs.map((r) => r.cpuMs))), peakRssMB: round(median(rs.map((r) => r.rss)) / 1e6), status: last.status, codes, runs, stdout: last.stdout, stderr: last.stderr };
}

/** A bare `node -e ''`, the start-up every command pays. */
function baseline(runs) {
  return round(median(Array.from({ length: runs }, () => run(['-e', '']).ms)));
}

/** The synthesized templates of an app folder (`cdk.out/*.template.json`): what each holds against CloudFormation's limits. */
function templates(appDir) {
  const out = join(appDir, 'cdk.out');
  if (!existsSync(out)) return [];
  return readdirSync(out)
    .filter((f) => f.endsWith('.template.json'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(out, f), 'utf8');
      const t = JSON.parse(text);
      const stack = f.replace(/\.template\.json$/, '');
      const use = { resources: Object.keys(t.Resources ?? {}).length, outputs: Object.keys(t.Outputs ?? {}).length, parameters: Object.keys(t.Parameters ?? {}).length, bytes: Buffer.byteLength(text) };
      const within = use.resources <= CFN.resources && use.outputs <= CFN.outputs && use.parameters <= CFN.parameters && use.bytes <= CFN.bytes;
      return { stack, ...use, within };
    });
}

const strip = ({ stdout, stderr, ...rest }) => rest;

/** One target project: every command, its diagnostics, the stacks the plan makes, and the templates. */
function target(t, runs) {
  const dir = mkdtempSync(join(tmpdir(), `dazzle-scale-${t.key}-`));
  try {
    const files = scaleProject(t.sizes);
    writeProject(dir, files);
    const lines = [...files].filter(([p]) => p.endsWith('.dsl')).reduce((n, [, text]) => n + text.split('\n').length - 1, 0);
    const check = measure(['check'], dir, runs);
    const plan = measure(['deploy', 'plan', '--format', 'json'], dir, runs);
    const parsed = JSON.parse(plan.stdout);
    const stacks = (parsed.stacks ?? []).map((s) => ({ name: s.name, resources: s.usage.resources.used, templateBytes: s.usage.templateBytes.used }));
    const result = { key: t.key, label: t.label, lines, check: strip(check), plan: strip(plan), stacks, planOk: plan.status === 0 };
    if (plan.status !== 0) return { ...result, refused: parsed.diagnostics?.[0]?.message ?? plan.stderr.slice(0, 400) };
    const generate = measure(['deploy', 'generate'], dir, runs);
    if (generate.status !== 0) return { ...result, generate: strip(generate), refused: generate.stderr.slice(0, 400) };
    // Synth is the heavy step: one uncounted run is not needed (the app is compiled each time), so its runs are fewer.
    const synth = measure(['deploy', 'synth'], dir, Math.max(1, Math.min(runs, 3)));
    const synthesized = templates(join(dir, 'infra'));
    const resources = synthesized.reduce((n, s) => n + s.resources, 0);
    return {
      ...result,
      generate: strip(generate),
      synth: strip(synth),
      templates: synthesized,
      resources,
      withinLimits: synthesized.length > 0 && synthesized.every((s) => s.within),
      nagClean: synth.status === 0,
      synthMsPer100Resources: resources ? round((100 * synth.ms) / resources) : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `dazzle check` on a project of `lines` DSL lines (padded with entities). */
function checkLines(lines, runs) {
  const dir = mkdtempSync(join(tmpdir(), `dazzle-lines-${lines}-`));
  try {
    const files = scaleProject({ lines });
    writeProject(dir, files);
    const actual = [...files].filter(([p]) => p.endsWith('.dsl')).reduce((n, [, text]) => n + text.split('\n').length - 1, 0);
    run([BIN, 'check', '-p', dir]); // warm the file system cache; not counted
    const m = measure(['check'], dir, runs);
    if (m.status !== 0) throw new Error(`dazzle check of ${lines} lines exited ${m.status}: ${m.stderr.slice(0, 2000)}`);
    return { lines: actual, ...strip(m), peakBytesPerLine: round((m.peakRssMB * 1e6) / actual, 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The plan's JSON size for each project size: bytes per resource listed, and the longest TigerBeetle `because`. */
function planJsonSeries(series) {
  return series.map((sizes) => {
    const dir = mkdtempSync(join(tmpdir(), 'dazzle-planjson-'));
    try {
      writeProject(dir, scaleProject(sizes));
      const r = run([BIN, 'deploy', 'plan', '--format', 'json', '-p', dir]);
      if (r.status !== 0) throw new Error(`deploy plan exited ${r.status}: ${r.stdout.slice(0, 2000)}`);
      const plan = JSON.parse(r.stdout);
      const all = plan.stacks.flatMap((s) => s.resources);
      const tigerBeetle = plan.stacks.filter((s) => s.name === 'TigerBeetle').flatMap((s) => s.resources);
      const bytes = Buffer.byteLength(r.stdout);
      return { sizes, resources: all.length, bytes, bytesPerResource: round(bytes / all.length, 0), longestTigerBeetleBecause: Math.max(0, ...tigerBeetle.map((x) => x.because.length)) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Whether bytes per resource stay within 1.5× of each other across a series (linear growth). */
const linear = (xs) => Math.max(...xs.map((x) => x.bytesPerResource)) <= 1.5 * Math.min(...xs.map((x) => x.bytesPerResource));

/** All of the scale section's measurements. */
export function scaleTargets({ quick = false } = {}) {
  const runs = quick ? 1 : 3;
  const node = baseline(quick ? 3 : 9);
  const targets = TARGETS.map((t) => target(t, runs));
  const lines = [50_000, 1_000_000].map((n) => checkLines(n, n >= 1_000_000 ? (quick ? 1 : 3) : quick ? 3 : 5));
  const [small, large] = lines;
  const marginalBytesPerLine = round(((large.peakRssMB - small.peakRssMB) * 1e6) / (large.lines - small.lines), 0);
  const queues = planJsonSeries([100, 200, 400].map((q) => ({ queues: q })));
  const ledgers = planJsonSeries([50, 100, 200].map((l) => ({ ledgers: l })));
  const node1 = baseline(quick ? 3 : 9);
  return { nodeMs: round((node + node1) / 2), targets, lines, marginalBytesPerLine, planJson: { queues, ledgers, linear: linear(queues) && linear(ledgers) } };
}

const ms = (x) => (x === undefined ? '—' : `${x.toFixed(0)} ms`);
const mb = (x) => (x === undefined ? '—' : `${x.toFixed(0)} MB`);

/** Print the scale section; true when every goal it measures is met. */
export function printScale(s) {
  const w = (x) => process.stdout.write(x);
  let ok = true;
  w(`Scale targets: generated projects (bench/project.mjs), fresh process each run (median; bare node -e '' ${s.nodeMs} ms in the same run)\n`);
  w('  project                                                            lines  command      status  median wall     CPU    peak RSS   × node  diagnostics\n');
  for (const t of s.targets) {
    for (const [name, m] of [['check', t.check], ['plan', t.plan], ['generate', t.generate], ['synth', t.synth]]) {
      if (!m) continue;
      w(`  ${t.label.padEnd(64)} ${String(t.lines).padStart(7)}  ${name.padEnd(10)} ${String(m.status).padStart(7)} ${ms(m.ms).padStart(12)} ${ms(m.cpuMs).padStart(9)} ${mb(m.peakRssMB).padStart(10)} ${(m.ms / s.nodeMs).toFixed(1).padStart(7)}x  ${m.codes.join(' ') || '-'}\n`);
    }
    if (t.refused) w(`    stopped: ${t.refused.split('\n')[0]}\n`);
    const byStack = t.templates?.length ? t.templates.map((x) => `${x.stack.replace(/^.*-/, '')} ${x.resources}`) : t.stacks.map((x) => `${x.name} ${x.resources}`);
    if (byStack.length) w(`    resources per stack (${t.templates?.length ? 'synthesized' : 'planned'}): ${byStack.join(', ')}\n`);
    if (t.templates) {
      const max = (k) => Math.max(...t.templates.map((x) => x[k]));
      w(`    largest template: ${max('resources')} resources, ${max('outputs')} outputs, ${max('parameters')} parameters, ${max('bytes').toLocaleString('en')} bytes -> ${t.withinLimits ? 'every template within CloudFormation limits' : 'A TEMPLATE PASSES A LIMIT'}; cdk-nag ${t.nagClean ? 'clean' : 'NOT clean'}; synth ${t.synthMsPer100Resources} ms per 100 resources (${t.resources} resources)\n`);
    }
    const met = t.planOk && t.withinLimits && t.nagClean;
    w(`    goal: plan, generate and synth succeed within every limit, cdk-nag clean -> ${met ? 'MET' : 'NOT MET'}\n`);
    if (t.key === 'target') ok &&= met;
  }
  w('\n  dazzle check on N lines (entities of 20 lines, files of 25,000 lines)\n');
  for (const l of s.lines) {
    const goal = l.lines >= 1_000_000 ? GOALS.check1MLinesMs : GOALS.check50kLinesMs;
    const met = l.ms < goal;
    ok &&= met;
    w(`  ${l.lines.toLocaleString('en').padStart(10)} lines ${ms(l.ms).padStart(10)} (CPU ${ms(l.cpuMs)}) peak ${mb(l.peakRssMB)} (${(l.peakBytesPerLine / 1000).toFixed(2)} kB/line)  ${(l.ms / s.nodeMs).toFixed(1)}x node  goal < ${goal} ms -> ${met ? 'MET' : 'NOT MET'}\n`);
  }
  const memoryMet = s.marginalBytesPerLine <= GOALS.peakBytesPerLine;
  ok &&= memoryMet;
  w(`  peak memory grows by ${(s.marginalBytesPerLine / 1000).toFixed(2)} kB per line from one size to the other; goal <= ${GOALS.peakBytesPerLine / 1000} kB/line -> ${memoryMet ? 'MET' : 'NOT MET'}\n`);
  w('\n  deploy plan --format json: bytes per resource listed\n');
  for (const p of [...s.planJson.queues, ...s.planJson.ledgers]) {
    w(`  ${JSON.stringify(p.sizes).padEnd(18)} ${String(p.resources).padStart(6)} resources ${p.bytes.toLocaleString('en').padStart(11)} bytes ${String(p.bytesPerResource).padStart(6)} bytes/resource${p.longestTigerBeetleBecause ? `  longest TigerBeetle because: ${p.longestTigerBeetleBecause} causes` : ''}\n`);
  }
  ok &&= s.planJson.linear;
  w(`  goal: plan JSON linear in resources (bytes per resource within 1.5x across sizes) -> ${s.planJson.linear ? 'MET' : 'NOT MET'}\n\n`);
  return ok;
}
