/**
 * A stand-in for the GitHub Actions runner, enough to run a composite action
 * (action.yml) for real: inputs with their defaults, `${{ }}` expressions in
 * `env`, `if` and `outputs`, each `run:` step executed by bash as the runner
 * does (`bash --noprofile --norc -eo pipefail FILE`), and the runner's files:
 * GITHUB_OUTPUT (one per step), GITHUB_PATH, GITHUB_ENV, GITHUB_STEP_SUMMARY
 * and GITHUB_EVENT_PATH. An expression the evaluator does not know fails the
 * test instead of being guessed.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionStep {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly shell?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ActionFile {
  readonly name: string;
  readonly inputs: Readonly<Record<string, { readonly default?: string; readonly required?: boolean }>>;
  readonly outputs: Readonly<Record<string, { readonly value: string }>>;
  readonly runs: { readonly using: string; readonly steps: readonly ActionStep[] };
}

export function readAction(path: string): ActionFile {
  return parse(readFileSync(path, 'utf8')) as ActionFile;
}

export interface StepResult {
  readonly name: string;
  readonly id: string | undefined;
  readonly outcome: 'success' | 'failure' | 'skipped';
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface RunResult {
  readonly ok: boolean;
  readonly steps: readonly StepResult[];
  readonly outputs: Readonly<Record<string, string>>;
  /** Everything the steps appended to GITHUB_STEP_SUMMARY. */
  readonly summary: string;
  readonly step: (name: string) => StepResult;
}

export interface RunOptions {
  /** The `with:` of the workflow step. */
  readonly with: Readonly<Record<string, string>>;
  /** The checkout: the steps' working folder. */
  readonly workspace: string;
  /** Where the runner keeps its files (RUNNER_TEMP and the command files). */
  readonly temp: string;
  /** The folder action.yml is in. */
  readonly actionPath: string;
  readonly eventName: string;
  readonly event: unknown;
  /** Prepended to PATH (a fake `gh`, for one). */
  readonly path?: readonly string[];
  /** More variables of the job. */
  readonly env?: Readonly<Record<string, string>>;
  /** Run only these steps (by name); the others count as skipped. @default every step */
  readonly only?: readonly string[];
  /** The outputs of steps from an earlier run, for `only`. */
  readonly priorOutputs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

type Value = string | number | boolean | null | undefined | Readonly<Record<string, unknown>>;

/** A small evaluator for the expression syntax the Action uses. */
class Expression {
  private pos = 0;
  private readonly tokens: string[];

  constructor(
    source: string,
    private readonly context: Readonly<Record<string, unknown>>,
    private readonly status: { readonly failed: boolean },
  ) {
    this.tokens = [...source.matchAll(/\s*('(?:[^']|'')*'|&&|\|\||==|!=|[()!.]|[A-Za-z_][A-Za-z0-9_-]*|\d+)/g)].map((m) => m[1] as string);
    const rest = source.replace(/\s*('(?:[^']|'')*'|&&|\|\||==|!=|[()!.]|[A-Za-z_][A-Za-z0-9_-]*|\d+)/g, '').trim();
    if (rest) throw new Error(`expression ${JSON.stringify(source)}: cannot read ${JSON.stringify(rest)}`);
  }

  evaluate(): Value {
    const v = this.or();
    if (this.pos !== this.tokens.length) throw new Error(`expression: unexpected ${this.tokens[this.pos]}`);
    return v;
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }

  private or(): Value {
    let left = this.and();
    while (this.peek() === '||') {
      this.pos++;
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  private and(): Value {
    let left = this.equality();
    while (this.peek() === '&&') {
      this.pos++;
      const right = this.equality();
      left = truthy(left) ? right : left;
    }
    return left;
  }

  private equality(): Value {
    let left = this.unary();
    while (this.peek() === '==' || this.peek() === '!=') {
      const op = this.tokens[this.pos++];
      const right = this.unary();
      const eq = String(left ?? '').toLowerCase() === String(right ?? '').toLowerCase();
      left = op === '==' ? eq : !eq;
    }
    return left;
  }

  private unary(): Value {
    if (this.peek() === '!') {
      this.pos++;
      return !truthy(this.unary());
    }
    return this.primary();
  }

  private primary(): Value {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Error('expression ends too soon');
    if (t === '(') {
      const v = this.or();
      if (this.tokens[this.pos++] !== ')') throw new Error('expression: ) expected');
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d+$/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (this.peek() === '(') {
      this.pos++;
      if (this.tokens[this.pos++] !== ')') throw new Error(`expression: ${t}() takes no arguments here`);
      if (t === 'always') return true;
      if (t === 'success') return !this.status.failed;
      if (t === 'failure') return this.status.failed;
      if (t === 'cancelled') return false;
      throw new Error(`expression: unknown function ${t}`);
    }
    if (!(t in this.context)) throw new Error(`expression: unknown context ${t}`);
    let v: unknown = this.context[t];
    while (this.peek() === '.') {
      this.pos++;
      const key = this.tokens[this.pos++] as string;
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    }
    return v as Value;
  }
}

function truthy(v: Value): boolean {
  return v !== undefined && v !== null && v !== false && v !== '' && v !== 0;
}

function asText(v: Value): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** `a ${{ x }} b` with each expression evaluated. */
function interpolate(text: string, context: Readonly<Record<string, unknown>>, status: { failed: boolean }): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => asText(new Expression(e, context, status).evaluate()));
}

/** `if:` as the runner reads it: an expression with or without `${{ }}`, `success()` when absent. */
function condition(text: string | undefined, context: Readonly<Record<string, unknown>>, status: { failed: boolean }): boolean {
  if (text === undefined) return !status.failed;
  const e = text.trim().replace(/^\$\{\{(.*)\}\}$/s, '$1');
  const mentionsStatus = /\b(always|success|failure|cancelled)\(\)/.test(e);
  const v = truthy(new Expression(e, context, status).evaluate());
  // Without a status function the runner adds `success() &&`.
  return mentionsStatus ? v : v && !status.failed;
}

/** The runner's file-command format: `name=value` lines and `name<<DELIM` blocks. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i] as string);
      out[heredoc[1] as string] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`not a file command: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Run the action's steps as the runner would. */
export function runAction(action: ActionFile, opts: RunOptions): RunResult {
  if (action.runs.using !== 'composite') throw new Error('only composite actions');
  mkdirSync(opts.temp, { recursive: true });
  const eventPath = join(opts.temp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(opts.event));
  const summaryPath = join(opts.temp, 'step_summary.md');
  const pathFile = join(opts.temp, 'path.txt');
  const envFile = join(opts.temp, 'env.txt');
  for (const f of [pathFile, envFile]) if (!existsSync(f)) writeFileSync(f, '');
  const github = { event: opts.event, event_name: opts.eventName, token: 'ghs_test_token', action_path: opts.actionPath, workspace: opts.workspace, repository: 'acme/shop' };
  const status = { failed: false };
  // The inputs: what the workflow passed, else the default (itself an expression).
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    inputs[name] = name in opts.with ? (opts.with[name] as string) : interpolate(spec.default ?? '', { github, runner: { temp: opts.temp } }, status);
  }
  for (const name of Object.keys(opts.with)) if (!(name in action.inputs)) throw new Error(`the Action has no input ${name}`);
  const steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  for (const [id, outputs] of Object.entries(opts.priorOutputs ?? {})) steps[id] = { outputs: { ...outputs }, outcome: 'success', conclusion: 'success' };
  const results: StepResult[] = [];
  let index = 0;
  for (const step of action.runs.steps) {
    index += 1;
    const name = step.name ?? step.id ?? `step ${index}`;
    const context = { github, inputs, steps, runner: { temp: opts.temp, os: 'Linux' }, env: {} };
    const selected = !opts.only || opts.only.includes(name);
    if (!selected || !condition(step.if, context, status)) {
      if (step.id && !steps[step.id]) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      results.push({ name, id: step.id, outcome: 'skipped', status: null, stdout: '', stderr: '', outputs: {} });
      continue;
    }
    if (step.uses || step.run === undefined) throw new Error(`step ${name}: only run steps are simulated`);
    if (step.shell !== 'bash') throw new Error(`step ${name}: shell ${step.shell} (a composite run step needs shell: bash here)`);
    const outputFile = join(opts.temp, `output-${index}.txt`);
    writeFileSync(outputFile, '');
    const script = join(opts.temp, `step-${index}.sh`);
    writeFileSync(script, step.run);
    const added = readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse();
    const jobEnv = parseCommandFile(readFileSync(envFile, 'utf8'));
    const env: Record<string, string> = {
      PATH: [...(opts.path ?? []), ...added, process.env.PATH ?? ''].join(':'),
      HOME: process.env.HOME ?? opts.temp,
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION: 'dazzle',
      GITHUB_ACTION_PATH: opts.actionPath,
      GITHUB_WORKSPACE: opts.workspace,
      GITHUB_EVENT_NAME: opts.eventName,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputFile,
      GITHUB_PATH: pathFile,
      GITHUB_ENV: envFile,
      RUNNER_TEMP: opts.temp,
      RUNNER_OS: 'Linux',
      NO_COLOR: '1',
      CDK_VALIDATION: 'false',
      ...(opts.env ?? {}),
      ...jobEnv,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(String(v), context, status);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: opts.workspace, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const outputs = parseCommandFile(readFileSync(outputFile, 'utf8'));
    const outcome = r.status === 0 ? 'success' : 'failure';
    if (outcome === 'failure') status.failed = true;
    if (step.id) steps[step.id] = { outputs, outcome, conclusion: outcome };
    results.push({ name, id: step.id, outcome, status: r.status, stdout: r.stdout, stderr: r.stderr, outputs });
  }
  const outputs: Record<string, string> = {};
  const context = { github, inputs, steps, runner: { temp: opts.temp } };
  for (const [name, spec] of Object.entries(action.outputs)) outputs[name] = interpolate(spec.value, context, status);
  const summary = existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : '';
  return {
    ok: !status.failed,
    steps: results,
    outputs,
    summary,
    step: (n) => {
      const s = results.find((x) => x.name === n);
      if (!s) throw new Error(`no step ${n}`);
      return s;
    },
  };
}

/**
 * A fake `gh` for PATH: records every call (arguments and standard input) in
 * `<dir>/gh-calls.jsonl` and keeps the pull request's comments in
 * `<dir>/gh-comments.json`, answering `gh api` as GitHub's REST API does.
 */
export function fakeGh(dir: string): { readonly bin: string; calls(): { args: string[]; input: string }[]; comments(): { id: number; body: string }[] } {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const calls = join(dir, 'gh-calls.jsonl');
  const store = join(dir, 'gh-comments.json');
  writeFileSync(store, '[]');
  writeFileSync(calls, '');
  writeFileSync(
    join(bin, 'gh'),
    `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
const input = args.includes('--input') ? fs.readFileSync(0, 'utf8') : '';
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ args, input, token: process.env.GH_TOKEN || null }) + '\\n');
if (!process.env.GH_TOKEN && !process.env.GITHUB_TOKEN) { process.stderr.write('gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.\\n'); process.exit(4); }
const comments = JSON.parse(fs.readFileSync(${JSON.stringify(store)}, 'utf8'));
const method = args[args.indexOf('--method') + 1] || 'GET';
const path = args.find((a) => a.startsWith('repos/'));
let m;
if (method === 'GET' && (m = /^repos\\/acme\\/shop\\/issues\\/(\\d+)\\/comments\\?per_page=(\\d+)&page=(\\d+)$/.exec(path))) {
  const per = Number(m[2]), page = Number(m[3]);
  process.stdout.write(JSON.stringify(comments.slice((page - 1) * per, page * per)));
} else if (method === 'POST' && /^repos\\/acme\\/shop\\/issues\\/\\d+\\/comments$/.test(path)) {
  const c = { id: 1000 + comments.length, body: JSON.parse(input).body };
  comments.push(c);
  fs.writeFileSync(${JSON.stringify(store)}, JSON.stringify(comments));
  process.stdout.write(JSON.stringify(c));
} else if (method === 'PATCH' && (m = /^repos\\/acme\\/shop\\/issues\\/comments\\/(\\d+)$/.exec(path))) {
  const c = comments.find((x) => x.id === Number(m[1]));
  if (!c) { process.stderr.write('gh: Not Found (HTTP 404)\\n'); process.exit(1); }
  c.body = JSON.parse(input).body;
  fs.writeFileSync(${JSON.stringify(store)}, JSON.stringify(comments));
  process.stdout.write(JSON.stringify(c));
} else { process.stderr.write('gh: unexpected call ' + JSON.stringify(args) + '\\n'); process.exit(1); }
`,
    { mode: 0o755 },
  );
  return {
    bin,
    calls: () =>
      readFileSync(calls, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { args: string[]; input: string }),
    comments: () => JSON.parse(readFileSync(store, 'utf8')) as { id: number; body: string }[],
  };
}

/** Append text to a file (for seeding the fake's comments with someone else's). */
export function seedComment(dir: string, body: string): void {
  const store = join(dir, 'gh-comments.json');
  const comments = JSON.parse(readFileSync(store, 'utf8')) as { id: number; body: string }[];
  comments.push({ id: 1000 + comments.length, body });
  writeFileSync(store, JSON.stringify(comments));
  appendFileSync(join(dir, 'gh-calls.jsonl'), '');
}
