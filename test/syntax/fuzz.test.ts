/**
 * Property tests of the front end's robustness: mutated corpus files, random
 * text and random bytes never make it throw, hang or report a diagnostic that
 * is not in the catalogue or points nowhere; and the built CLI answers such
 * input with exit 0 or 2, never an internal error or a stack trace. Reading a
 * file a run of statements at a time gives the same result as reading it whole.
 *
 * Seeds are fixed so a failure reproduces; fast-check prints the shrunk
 * counterexample (the project, the file and the list of mutations).
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, SourceText, type Diagnostic } from '../../src/diagnostics/index.js';
import { parseSource, parseWholeSource } from '../../src/syntax/index.js';
import { APP, checkTexts, CORPUS, corpusFiles, corpusProjects, describeShared, itShared, runCli, STACK_TRACE, tempProject } from '../helpers.js';

type Files = Record<string, string | Uint8Array>;

// ---- the corpus, as in-memory projects ----

interface CorpusProject {
  readonly name: string;
  /** dazzle.toml text, when the project has one. */
  readonly toml: string | undefined;
  /** DSL files by path relative to the project (`dsl/app.dsl`). */
  readonly files: Readonly<Record<string, string>>;
}

function dslFilesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) dslFilesUnder(p, out);
    else if (name.endsWith('.dsl')) out.push(p);
  }
  return out;
}

function loadCorpus(): CorpusProject[] {
  const projects: CorpusProject[] = [];
  for (const name of corpusProjects()) {
    const root = join(CORPUS, name);
    const files: Record<string, string> = {};
    for (const f of dslFilesUnder(join(root, 'dsl'))) files[relative(root, f).split('\\').join('/')] = readFileSync(f, 'utf8');
    projects.push({ name, toml: readFileSync(join(root, 'dazzle.toml'), 'utf8'), files });
  }
  // Each file of the appspec corpora is a project of its own.
  for (const sub of ['valid', 'invalid', 'fuzz_seeds']) {
    for (const f of corpusFiles(join('corpora', 'appspec', sub))) {
      const base = f.split(/[\\/]/).pop() as string;
      projects.push({ name: `appspec/${sub}/${base}`, toml: undefined, files: { [`dsl/${base}`]: readFileSync(f, 'utf8') } });
    }
  }
  return projects;
}

const PROJECTS = loadCorpus();
/** Every (project, file) pair: the file that gets mutated. */
const TARGETS = PROJECTS.flatMap((project) => Object.keys(project.files).map((path) => ({ project, path })));

// ---- mutations, as data so counterexamples print readably ----

/** Characters that tend to break layout, strings, brackets and decoding. */
const NASTY = [
  '\t', ' ', '    ', '"', "'", '\\', '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '#', '-', '?',
  '\n', '\r', '\r\n', '\u0000', '\u000b', '\f', '\u00a0', '\u2028', '\ufeff',
  'é', '§', '😀', '中', '\u0301', 'entity ', 'ref ', 'enum', 'app ', 'x', '0',
] as const;

type Mutation =
  | { readonly op: 'delete'; readonly at: number; readonly length: number }
  | { readonly op: 'duplicateLine'; readonly line: number }
  | { readonly op: 'insert'; readonly at: number; readonly text: string }
  | { readonly op: 'indent'; readonly line: number; readonly indent: string }
  | { readonly op: 'swapLines'; readonly a: number; readonly b: number }
  | { readonly op: 'truncate'; readonly at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ op: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc
      .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 6 })
      .map((xs) => xs.join('')),
  }),
  fc.record({ op: fc.constant('indent' as const), line: fc.nat(), indent: fc.constantFrom('', ' ', '  ', '   ', '    ', '      ', '        ', '\t', '\t\t', ' \t', '\t ') }),
  fc.record({ op: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const lineAt = (n: number) => n % lines.length;
  switch (m.op) {
    case 'delete': {
      const at = text.length === 0 ? 0 : m.at % text.length;
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'duplicateLine': {
      const i = lineAt(m.line);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'indent': {
      const i = lineAt(m.line);
      lines[i] = m.indent + (lines[i] ?? '').replace(/^[ \t]*/, '');
      return lines.join('\n');
    }
    case 'swapLines': {
      const i = lineAt(m.a);
      const j = lineAt(m.b);
      const t = lines[i] ?? '';
      lines[i] = lines[j] ?? '';
      lines[j] = t;
      return lines.join('\n');
    }
    case 'truncate':
      return text.slice(0, text.length === 0 ? 0 : m.at % text.length);
  }
}

/** A corpus project with one of its files mutated. */
const mutatedProjectArb = fc
  .record({ target: fc.nat({ max: Math.max(0, TARGETS.length - 1) }), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }) })
  .map(({ target, mutations }) => {
    const { project, path } = TARGETS[target] as (typeof TARGETS)[number];
    const text = mutations.reduce(mutate, project.files[path] as string);
    return { project: project.name, path, mutations, toml: project.toml, files: { ...project.files, [path]: text } as Files };
  });

/** A line of DSL-ish words, indented 0 to 4 steps. */
const dslLineArb = fc
  .tuple(
    fc.integer({ min: 0, max: 4 }),
    fc.array(
      fc.constantFrom(
        'entity', 'ledger', 'transaction', 'transfer', 'channel', 'send', 'schedule', 'enum', 'ref', 'use', 'app', 'module',
        'X', 'id', 'uuid', 'pk', 'str(10)', 'decimal(10,2)', 'kind', 'email', 'debit', 'cron', '"T"', '"', ':', '(', ')', '[', ']', ',', '=', '#', '\t',
      ),
      { maxLength: 6 },
    ),
  )
  .map(([n, ws]) => '  '.repeat(n) + ws.join(' '));

// ---- the invariants every front-end result must satisfy ----

/** Codes that describe the project as a whole and so have no place in a file. */
const PLACELESS = new Set<string>(['DZ0001', 'DZ0002', 'DZ0005', 'DZ0009', 'DZ0101']);
/** Per run; a generous bound (typical runs take a few milliseconds). */
const MAX_MS = 2000;

/** A failed invariant (plain checks: this runs thousands of times, `expect` is comparatively slow). */
function ensure(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

const CODES: ReadonlySet<string> = new Set(Object.keys(CATALOGUE));

function checkDiagnostic(d: Diagnostic, files: Files, r: ReturnType<typeof checkTexts>): void {
  const what = `${d.code} at ${JSON.stringify(d.span)}: ${d.message.slice(0, 200)}`;
  ensure(CODES.has(d.code), `code not in the catalogue: ${what}`);
  ensure(d.severity === CATALOGUE[d.code].severity, `severity differs from the catalogue: ${what}`);
  ensure(d.message.length > 0, `empty message: ${what}`);
  if (PLACELESS.has(d.code)) return;
  const span = d.span;
  if (!span) throw new Error(`no span: ${what}`);
  ensure(span.file in files, `span in a file that is not in the project: ${what}`);
  ensure(Number.isInteger(span.line) && span.line >= 1 && Number.isInteger(span.col) && span.col >= 1, `line/col below 1: ${what}`);
  ensure(span.endLine > span.line || (span.endLine === span.line && span.endCol >= span.col), `end before start: ${what}`);
  // Where the file decoded, the position must lie inside it.
  const source = r.value.sources.get(span.file);
  if (source) {
    ensure(span.line <= source.lineCount, `line past the end of the file: ${what}`);
    ensure(span.col <= source.lineText(span.line).length + 1, `column past the end of the line: ${what}`);
  }
  for (const rel of d.related) {
    ensure(rel.span.file in files && rel.span.line >= 1 && rel.span.col >= 1, `bad related location ${JSON.stringify(rel.span)}: ${what}`);
  }
}

/** Run the front end once and check every invariant; throws (fails the property) on a violation. */
function frontEndHolds(files: Files): void {
  const t0 = performance.now();
  let r: ReturnType<typeof checkTexts>;
  try {
    r = checkTexts(files);
  } catch (e) {
    throw new Error(`the front end threw: ${e instanceof Error ? e.message : String(e)}`);
  }
  const ms = performance.now() - t0;
  ensure(ms < MAX_MS, `the front end took ${Math.round(ms)} ms (limit ${MAX_MS} ms)`);
  for (const d of r.diagnostics) checkDiagnostic(d, files, r);
  // No errors <=> an AppSpec.
  const hasError = r.diagnostics.some((d) => d.severity === 'error');
  ensure(hasError === (r.value.spec === undefined), hasError ? 'errors, yet an AppSpec was produced' : 'no errors, yet no AppSpec');
}

describeShared('front end on mutated corpus files', () => {
  it('loads the whole corpus', () => {
    expect(PROJECTS.length).toBeGreaterThanOrEqual(6);
    expect(TARGETS.length).toBeGreaterThan(PROJECTS.length);
    // The unmutated corpus satisfies the invariants too.
    for (const p of PROJECTS) frontEndHolds(p.files);
  });

  it('never throws, stays fast, and reports only catalogued, well-placed diagnostics', () => {
    fc.assert(
      fc.property(mutatedProjectArb, ({ files }) => {
        frontEndHolds(files);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});

describe('reading a file a run of statements at a time', () => {
  itShared('gives the whole-file result on mutated corpus files, for any piece size', () => {
    fc.assert(
      fc.property(mutatedProjectArb, fc.integer({ min: 0, max: 600 }), ({ path, files }, piece) => {
        const text = files[path] as string;
        const streamed = JSON.stringify(parseSource(new SourceText(path, text), piece));
        ensure(streamed === JSON.stringify(parseWholeSource(new SourceText(path, text))), `reading ${path} in pieces of ${piece} gives another result`);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  itShared('recovers from mistakes in runs of any size with the result of one run for the whole file', () => {
    fc.assert(
      fc.property(mutatedProjectArb, fc.integer({ min: 1, max: 300 }), ({ path, files }, run) => {
        const text = files[path] as string;
        const inRuns = JSON.stringify(parseWholeSource(new SourceText(path, text), run));
        ensure(inRuns === JSON.stringify(parseWholeSource(new SourceText(path, text), Number.MAX_SAFE_INTEGER)), `recovering ${path} in runs of ${run} tokens gives another result`);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('recovers from mistakes on random lines of DSL-ish tokens in runs of any size with the result of one run', () => {
    fc.assert(
      fc.property(fc.array(dslLineArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 40 }), (ls, run) => {
        const text = `${APP}${ls.join('\n')}\n`;
        const inRuns = JSON.stringify(parseWholeSource(new SourceText('dsl/app.dsl', text), run));
        ensure(inRuns === JSON.stringify(parseWholeSource(new SourceText('dsl/app.dsl', text), Number.MAX_SAFE_INTEGER)), `recovering in runs of ${run} tokens gives another result`);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('gives the whole-file result on random lines of DSL-ish tokens, for any piece size', () => {
    fc.assert(
      fc.property(fc.array(dslLineArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 200 }), (ls, piece) => {
        const text = `${APP}${ls.join('\n')}\n`;
        const streamed = JSON.stringify(parseSource(new SourceText('dsl/app.dsl', text), piece));
        ensure(streamed === JSON.stringify(parseWholeSource(new SourceText('dsl/app.dsl', text))), `reading in pieces of ${piece} gives another result`);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('front end on random input as a single file', () => {
  it('random ASCII text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 400 }), (s) => frontEndHolds({ 'dsl/app.dsl': s })),
      { seed: 42, numRuns: 300 },
    );
  });

  it('random Unicode text, alone and after a valid app line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (s, withApp) => frontEndHolds({ 'dsl/app.dsl': withApp ? APP + s : s })),
      { seed: 42, numRuns: 300 },
    );
  });

  it('random lines of DSL-ish tokens with random indentation', () => {
    fc.assert(
      fc.property(fc.array(dslLineArb, { minLength: 1, maxLength: 20 }), (ls) => frontEndHolds({ 'dsl/app.dsl': `${APP}${ls.join('\n')}\n` })),
      { seed: 42, numRuns: 300 },
    );
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => frontEndHolds({ 'dsl/app.dsl': b })),
      { seed: 42, numRuns: 300 },
    );
  });

  it('valid text with random bytes spliced in', () => {
    const base = new TextEncoder().encode(`${APP}entity Task "Task":\n  id: uuid pk\n  title: str(200) required\n`);
    fc.assert(
      fc.property(fc.nat({ max: base.length }), fc.uint8Array({ minLength: 1, maxLength: 8 }), (at, junk) => {
        const b = new Uint8Array(base.length + junk.length);
        b.set(base.subarray(0, at), 0);
        b.set(junk, at);
        b.set(base.subarray(at), at + junk.length);
        frontEndHolds({ 'dsl/app.dsl': b });
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describeShared('`dazzle check` on mutated corpus projects (the built CLI)', () => {
  const DEFAULT_TOML = '[project]\nname = "fuzz"\n\n[modules]\npaths = ["./dsl"]\n';

  it('exits 0 or 2 and never prints a stack trace', () => {
    fc.assert(
      fc.property(mutatedProjectArb, ({ files, toml }) => {
        const dir = tempProject({ 'dazzle.toml': toml ?? DEFAULT_TOML, ...files });
        try {
          const r = runCli(['check', '-p', dir]);
          expect(r.stderr).not.toMatch(STACK_TRACE);
          expect(r.stdout).not.toMatch(STACK_TRACE);
          expect(r.stderr).not.toContain('DZ9001');
          expect([0, 2], `exit ${String(r.code)}: ${r.stderr.slice(0, 500)}`).toContain(r.code);
          if (r.code === 0) expect(r.stdout).toMatch(/^ok: app '/);
          else expect(r.stderr).toMatch(/error DZ\d{4}: /);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { seed: 42, numRuns: 15 },
    );
  });
});
