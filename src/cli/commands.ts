/** `dazzle check` and `dazzle inspect`. */
import { loadConfig, showJson, showText, type Environment } from '../config/index.js';
import { SourceText } from '../diagnostics/index.js';
import type { AppSpec } from '../ir/index.js';
import { readConfigFile } from './io.js';
import { loadFiles, loadProject } from './front.js';
import { diagnosticsJson, json, printDiagnostics, type Format, type Io } from './output.js';

export interface CommonOptions {
  readonly project: string;
  readonly env?: Environment;
  readonly format: Format | 'markdown';
  /** Explicit .dsl files to read instead of the project's module paths. */
  readonly files?: readonly string[];
  /** `--debug`: print the stack trace behind a failure (an internal error, a synth failure). @default false */
  readonly debug?: boolean;
}

/** Counts shown by `check` and pinned by tests. */
export function counts(spec: AppSpec): Record<string, number> {
  const kinds = (k: string) => spec.channels.filter((c) => c.kind === k).length;
  return {
    files: spec.modules.reduce((n, m) => n + m.files.length, 0),
    entities: spec.entities.length,
    file_fields: spec.entities.reduce((n, e) => n + e.fields.filter((f) => f.type.kind === 'scalar' && f.type.name === 'file').length, 0),
    ledgers: spec.ledgers.length,
    transactions: spec.transactions.length,
    email_channels: kinds('email'),
    queue_channels: kinds('queue'),
    stream_channels: kinds('stream'),
    event_topics: spec.eventTopics.length,
    schedules: spec.schedules.length,
    jobs: spec.jobs.length,
    services: spec.services.length,
    webhooks: spec.webhooks.length,
    llm_models: spec.llmModels.length,
    other_constructs: spec.constructs.length,
  };
}

const SINGULAR: Record<string, string> = { entities: 'entity', other_constructs: 'other construct' };

/** `entities` → `entity` when there is one; `file_fields` → `file field(s)`. */
function noun(key: string, n: number): string {
  const plural = key.replace(/_/g, ' ');
  if (n !== 1) return plural;
  return SINGULAR[key] ?? plural.replace(/s$/, '');
}

/** Run the front end and report. Exit 0 when there are no errors, 2 otherwise. */
export function check(opts: CommonOptions, io: Io, cwd: string): number {
  const loaded = opts.files?.length ? loadFiles(opts.files, cwd) : loadProject(opts.project, cwd, opts.env);
  const spec = loaded.front?.spec;
  if (opts.format === 'json') {
    io.stdout(json({ ok: loaded.ok, app: spec?.app.name ?? null, counts: spec ? counts(spec) : null, diagnostics: diagnosticsJson(loaded.diagnostics) }));
    return loaded.ok ? 0 : 2;
  }
  printDiagnostics(io, loaded.diagnostics, loaded.sources);
  if (!loaded.ok || !spec) return 2;
  const c = counts(spec);
  const parts = Object.entries(c)
    .filter(([k, v]) => k !== 'files' && v > 0)
    .map(([k, v]) => `${v} ${noun(k, v)}`);
  io.stdout(`ok: app '${spec.app.name}', ${c.files} file${c.files === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}\n`);
  return 0;
}

/** Print the AppSpec IR (json), or a readable outline (text). */
export function inspect(opts: CommonOptions, io: Io, cwd: string): number {
  const loaded = loadProject(opts.project, cwd, opts.env);
  const spec = loaded.front?.spec;
  if (!loaded.ok || !spec) {
    if (opts.format === 'json') io.stdout(json({ ok: false, diagnostics: diagnosticsJson(loaded.diagnostics) }));
    else printDiagnostics(io, loaded.diagnostics, loaded.sources);
    return 2;
  }
  if (opts.format === 'json') {
    io.stdout(json(spec));
    return 0;
  }
  printDiagnostics(io, loaded.diagnostics, loaded.sources);
  const lines: string[] = [`app ${spec.app.name}${spec.app.title ? ` "${spec.app.title}"` : ''}`];
  const section = (title: string, items: readonly { name: string; span: { file: string; line: number } }[], detail: (i: never) => string = () => '') => {
    if (items.length === 0) return;
    lines.push('', `${title} (${items.length})`);
    for (const i of items) lines.push(`  ${i.name}${detail(i as never)}  ${i.span.file}:${i.span.line}`);
  };
  section('entities', spec.entities, (e: AppSpec['entities'][number]) => ` — ${e.fields.length} fields`);
  section('ledgers', spec.ledgers, (l: AppSpec['ledgers'][number]) => ` — ${l.accountType} ${l.currency}`);
  section('transactions', spec.transactions, (t: AppSpec['transactions'][number]) => ` — ${t.execution}, ${t.transfers.map((x) => `${x.debit}→${x.credit}`).join(', ')}`);
  section('channels', spec.channels, (c: AppSpec['channels'][number]) => ` — ${c.kind}`);
  section('event topics', spec.eventTopics);
  section('schedules', spec.schedules, (s: AppSpec['schedules'][number]) => (s.cron ? ` — cron "${s.cron.value}"` : s.interval ? ` — every ${s.interval.value}` : ''));
  section('jobs', spec.jobs, (j: AppSpec['jobs'][number]) => (j.schedule ? ` — cron "${j.schedule.value}"` : j.trigger ? ` — ${j.trigger}` : ''));
  section('services', spec.services, (s: AppSpec['services'][number]) => (s.kind ? ` — ${s.kind}` : s.spec ? ` — ${s.spec.type}` : ''));
  section('webhooks', spec.webhooks);
  section('llm models', spec.llmModels, (m: AppSpec['llmModels'][number]) => ` — ${m.provider ?? '?'}`);
  const other = new Map<string, number>();
  for (const c of spec.constructs) other.set(c.keyword, (other.get(c.keyword) ?? 0) + 1);
  if (other.size) lines.push('', `other constructs: ${[...other.entries()].sort().map(([k, v]) => `${v} ${k}`).join(', ')}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** `dazzle config show`: the resolved [deploy] configuration, each value with its source. */
export function configShow(opts: CommonOptions, io: Io, cwd: string): number {
  const file = readConfigFile(opts.project, cwd);
  const loaded = file.diagnostics.length ? { value: undefined, diagnostics: file.diagnostics } : loadConfig({ path: file.configPath, text: file.configText, ...(opts.env ? { environment: opts.env } : {}) });
  const sources = new Map(file.configText !== undefined ? [[file.configPath, new SourceText(file.configPath, file.configText)]] : []);
  if (opts.format === 'json') {
    io.stdout(json(loaded.value ? { ok: true, ...(showJson(loaded.value) as object), diagnostics: diagnosticsJson(loaded.diagnostics) } : { ok: false, diagnostics: diagnosticsJson(loaded.diagnostics) }));
    return loaded.value ? 0 : 2;
  }
  printDiagnostics(io, loaded.diagnostics, sources);
  if (!loaded.value) return 2;
  io.stdout(showText(loaded.value));
  return 0;
}

