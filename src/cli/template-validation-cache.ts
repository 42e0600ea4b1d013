/**
 * CloudFormation template validation's findings, cached by content, so that a
 * preflight of an app whose templates did not change never constructs the
 * validator (loading its ~1,800 resource schemas costs over a second of CPU).
 *
 * A template's entry is keyed by the sha256 of its exact text, the engine's
 * version, the region and the rule set (which findings are kept and how they
 * are mapped): a finding is reused only for the same bytes checked the same
 * way. Before synth, a cheap key (the generated files' bytes, the app's
 * cdk.context.json, the region and the engine) predicts the templates from
 * the last run: when every one of them is cached, the validator is not
 * started; after synth each template is confirmed by its own key, and any
 * miss is validated for real.
 *
 * The cache is one file in the app's cloud assembly folder (`cdk.out`, which
 * synth rebuilds and carries the file over): written whole to a temporary
 * file and renamed, read without following a link, and checked field by
 * field. A file that is not exactly what this module writes is ignored (and
 * rewritten by the next run); it holds no paths, so nothing in it is ever
 * used to reach the file system.
 */
import { closeSync, constants, fsyncSync, lstatSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { VERSION_FILE } from '../emit/index.js';
import type { SchemaIssue } from '../preflight/index.js';
import { VERSION } from '../version.js';
import { fsyncPath, readRegularFile, sha256Bytes } from './safe-fs.js';
import type { TemplateText, TemplateValidator } from './template-validation.js';

/** The cache file's name inside the cloud assembly folder. */
export const VALIDATION_CACHE = 'dazzle-validation-cache.json';

/** Bump when the findings kept, their shape or the keys change: older entries then never match. */
const FORMAT = 1;
/** Which of the engine's diagnostics are findings (see template-validation.ts): FATAL and ERROR, mapped to SchemaIssue. */
const RULE_SET = 'schema-validator/errors';
/** At most this many templates are kept (the last runs' ones), so the file cannot grow without bound. */
const MAX_TEMPLATES = 200;
const MAX_APPS = 20;

/** A finding as cached: a SchemaIssue without its stack (the same template text can be any stack's). */
type CachedIssue = Omit<SchemaIssue, 'stack'>;

/** The cache as read: template key → findings; app key → its templates' keys. */
export interface ValidationCache {
  readonly templates: ReadonlyMap<string, readonly CachedIssue[]>;
  readonly apps: ReadonlyMap<string, readonly string[]>;
}

export const EMPTY_CACHE: ValidationCache = { templates: new Map(), apps: new Map() };

let engineVersionMemo: string | undefined;

/** The version of the validation engine aws-cdk-lib bundles (from its package.json: loading the engine costs a second). */
export function engineVersion(): string {
  if (engineVersionMemo === undefined) {
    const fromHere = createRequire(import.meta.url);
    const fromCdk = createRequire(fromHere.resolve('aws-cdk-lib'));
    const pkg = fromCdk('@aws/cloudformation-validate/package.json') as { version?: unknown };
    engineVersionMemo = `${String(pkg.version)}/aws-cdk-lib ${String((fromHere('aws-cdk-lib/package.json') as { version?: unknown }).version)}`;
  }
  return engineVersionMemo;
}

/** What, besides a template's bytes, decides its findings. */
function salt(region: string): string {
  return JSON.stringify([FORMAT, RULE_SET, VERSION, engineVersion(), region]);
}

/** The key of one template's findings: its exact text, checked by this engine, for this region, with this rule set. */
export function templateKey(text: string, region: string): string {
  return sha256Bytes(Buffer.from(`${salt(region)}\0${text}`, 'utf8'));
}

/**
 * The cheap key of an app before it is synthesized: the bytes of every file its version
 * file lists, and of cdk.context.json (context synth reads). Undefined when the version
 * file or a listed file cannot be read as a plain file: then nothing is predicted.
 * A prediction only: what the templates turn out to be is confirmed after synth.
 */
export function appKey(appDir: string, region: string): string | undefined {
  const version = readRegularFile(join(appDir, VERSION_FILE));
  if (version.kind !== 'file') return undefined;
  let files: unknown;
  try {
    files = (JSON.parse(version.bytes.toString('utf8')) as { files?: unknown }).files;
  } catch {
    return undefined;
  }
  if (!Array.isArray(files)) return undefined;
  const parts: string[] = [salt(region)];
  const paths = files.map((f) => (f as { path?: unknown }).path);
  // A path is only read when it is a plain relative one (no `..`, not absolute): the version file is not trusted for paths.
  if (!paths.every((p): p is string => typeof p === 'string' && /^[^/\\:\0]+(\/[^/\\:\0]+)*$/.test(p) && !p.split('/').some((s) => s === '.' || s === '..'))) return undefined;
  for (const path of [...paths.sort(), 'cdk.context.json']) {
    const entry = readRegularFile(join(appDir, path));
    if (entry.kind === 'file') parts.push(`${path}\0${sha256Bytes(entry.bytes)}`);
    else if (entry.kind === 'missing') parts.push(`${path}\0-`);
    else return undefined;
  }
  return sha256Bytes(Buffer.from(parts.join('\n'), 'utf8'));
}

const isHex64 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** One cached finding, exactly as written, or undefined. */
function issueOf(v: unknown): CachedIssue | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const known = new Set(['rule', 'severity', 'description', 'logicalId', 'properties', 'resourceType']);
  if (Object.keys(o).some((k) => !known.has(k))) return undefined;
  if (!isString(o.rule) || (o.severity !== 'error' && o.severity !== 'warning') || !isString(o.description)) return undefined;
  if (o.logicalId !== undefined && !isString(o.logicalId)) return undefined;
  if (o.resourceType !== undefined && !isString(o.resourceType)) return undefined;
  if (o.properties !== undefined && !(Array.isArray(o.properties) && o.properties.every(isString))) return undefined;
  return o as unknown as CachedIssue;
}

/** Parse the cache file's text; anything but the exact format is an empty cache. */
export function parseCache(text: string): ValidationCache {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return EMPTY_CACHE;
  }
  if (typeof data !== 'object' || data === null) return EMPTY_CACHE;
  const { format, templates, apps } = data as Record<string, unknown>;
  if (format !== FORMAT || typeof templates !== 'object' || templates === null || Array.isArray(templates) || typeof apps !== 'object' || apps === null || Array.isArray(apps)) return EMPTY_CACHE;
  const t = new Map<string, readonly CachedIssue[]>();
  for (const [key, issues] of Object.entries(templates)) {
    if (!isHex64(key) || !Array.isArray(issues)) return EMPTY_CACHE;
    const parsed = issues.map(issueOf);
    if (parsed.some((i) => i === undefined)) return EMPTY_CACHE;
    t.set(key, parsed as CachedIssue[]);
  }
  const a = new Map<string, readonly string[]>();
  for (const [key, keys] of Object.entries(apps)) {
    if (!isHex64(key) || !Array.isArray(keys) || !keys.every(isHex64)) return EMPTY_CACHE;
    a.set(key, keys);
  }
  return { templates: t, apps: a };
}

/** The cache in `assemblyDir`, or an empty one (missing, a link, unreadable or corrupt). */
export function readCache(assemblyDir: string): ValidationCache {
  const entry = readRegularFile(join(assemblyDir, VALIDATION_CACHE));
  return entry.kind === 'file' ? parseCache(entry.bytes.toString('utf8')) : EMPTY_CACHE;
}

/** Whether the cache predicts every template of the app with this cheap key. */
export function predictsAll(cache: ValidationCache, app: string | undefined): boolean {
  const keys = app === undefined ? undefined : cache.apps.get(app);
  return keys !== undefined && keys.length > 0 && keys.every((k) => cache.templates.has(k));
}

/** This run's findings of one template, for the cache: without the stack. */
export function toCached(issues: readonly SchemaIssue[]): CachedIssue[] {
  return issues.map(({ stack: _stack, ...rest }) => rest);
}

/**
 * The cache after a run: this run's templates and app first, then the earlier entries, up to
 * the limits. Keys are written sorted, so the same cache is the same bytes.
 */
export function updatedCache(previous: ValidationCache, app: string | undefined, run: ReadonlyMap<string, readonly CachedIssue[]>): string {
  const templates = new Map(run);
  for (const [k, v] of previous.templates) if (templates.size < MAX_TEMPLATES && !templates.has(k)) templates.set(k, v);
  const apps = new Map<string, readonly string[]>();
  if (app !== undefined) apps.set(app, [...run.keys()]);
  for (const [k, v] of previous.apps) if (apps.size < MAX_APPS && !apps.has(k) && v.every((t) => templates.has(t))) apps.set(k, v);
  const sorted = <T>(m: ReadonlyMap<string, T>) => Object.fromEntries([...m].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return `${JSON.stringify({ format: FORMAT, templates: sorted(templates), apps: sorted(apps) })}\n`;
}

/**
 * Write the cache into `assemblyDir` atomically (a new file, fsynced, renamed over the old
 * one). Only into a real folder; a failure leaves the old file and is not an error of the
 * run (the cache only saves time). Returns whether it was written.
 */
export function writeCache(assemblyDir: string, text: string): boolean {
  try {
    if (!lstatSync(assemblyDir).isDirectory()) return false;
  } catch {
    return false;
  }
  const target = join(assemblyDir, VALIDATION_CACHE);
  const temporary = join(assemblyDir, `.${VALIDATION_CACHE}.${process.pid}.dazzle-tmp`);
  try {
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    fsyncPath(assemblyDir);
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}

/** At most this many bytes of an earlier assembly's templates are validated ahead of synth. */
const MAX_AHEAD_BYTES = 16 * 1024 * 1024;

/**
 * The templates of the assembly in `assemblyDir` (the one synth is about to replace), each
 * labelled by its file name; none when there is none or it cannot be read as plain files.
 */
export function assemblyTemplates(assemblyDir: string): TemplateText[] {
  let names: string[];
  try {
    names = readdirSync(assemblyDir).filter((n) => n.endsWith('.template.json')).sort();
  } catch {
    return [];
  }
  const out: TemplateText[] = [];
  let bytes = 0;
  for (const name of names) {
    const entry = readRegularFile(join(assemblyDir, name));
    if (entry.kind !== 'file') continue;
    bytes += entry.bytes.length;
    if (bytes > MAX_AHEAD_BYTES) break;
    out.push({ stack: name, name, text: entry.bytes.toString('utf8') });
  }
  return out;
}

/** Findings validated ahead of synth, by template key (see validateAhead). */
export type AheadFindings = Promise<ReadonlyMap<string, readonly CachedIssue[]>>;

/**
 * Validate templates before the app is synthesized: the assembly synth is about to replace,
 * whose templates are often the ones synth writes again (then nothing is left to validate
 * after it), and otherwise have warmed the engine on this app's resources. A failure is not
 * reported here: the templates that then miss are validated after synth, which fails the run.
 */
export function validateAhead(templates: readonly TemplateText[], region: string, validator: TemplateValidator): AheadFindings {
  const byKey = new Map(templates.map((t) => [templateKey(t.text, region), t] as const));
  const ahead = validator.validate([...byKey.values()], region).then((issues) => new Map([...byKey].map(([key, t]) => [key, toCached(issues.filter((i) => i.stack === t.stack))] as const)));
  // Handled when awaited after synth; until then a rejection is expected and not unhandled.
  ahead.catch(() => undefined);
  return ahead;
}

/** Where a run's findings are looked up and recorded. */
export interface CacheUse {
  /** The cache as read before synth. */
  readonly cache: ValidationCache;
  /** The app's cheap key (see appKey), recorded with this run's templates. */
  readonly app: string | undefined;
  /** The cloud assembly folder the cache file is written into. */
  readonly assemblyDir: string;
  /** Findings of templates validated ahead of synth. */
  readonly ahead?: AheadFindings;
}

/**
 * Every template's findings: cached ones (or validated ahead) as they were recorded, the
 * others from the validator (started here if it was not yet), in the templates' order either
 * way; then the cache is rewritten. A validation that fails rejects, and nothing is recorded.
 */
export async function validateWithCache(templates: readonly TemplateText[], region: string, use: CacheUse, validator: () => TemplateValidator): Promise<SchemaIssue[]> {
  const ahead = (await use.ahead?.catch(() => undefined)) ?? new Map<string, readonly CachedIssue[]>();
  const known = (key: string) => use.cache.templates.get(key) ?? ahead.get(key);
  const keyed = templates.map((t) => ({ t, key: templateKey(t.text, region) }));
  const misses = keyed.filter((k) => !known(k.key));
  const fresh = misses.length ? await validator().validate(misses.map((k) => k.t), region) : [];
  const run = new Map<string, readonly CachedIssue[]>();
  const issues: SchemaIssue[] = [];
  for (const { t, key } of keyed) {
    const found = known(key)?.map((i) => ({ ...i, stack: t.stack })) ?? fresh.filter((i) => i.stack === t.stack);
    issues.push(...found);
    run.set(key, toCached(found));
  }
  writeCache(use.assemblyDir, updatedCache(use.cache, use.app, run));
  return issues;
}
