// Same output as a reference commit: runs this checkout's front end (src/) and the front end of a
// reference commit (default `main`) over the same inputs and compares the AppSpec IR (what
// `dazzle inspect --format json` prints), every diagnostic and the files' syntax trees, byte for byte.
// The reference defaults to the commit this branch started from (its merge base with main).
// For changes that must not change behaviour, such as performance work.
//
// Inputs: every corpus project, the examples, each file of the appspec corpora, the benchmark's
// generated files, a project of 100,000 entities, and deterministic mutants of the corpus files
// (small ones, and large ones whose mistakes fall far into the file).
//
// Usage: node bench/same-output.mjs [--ref <commit>] [--mutants <n>]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { corpusShapedDsl, entitiesDsl, generateDsl } from './run.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT_DIR = join(ROOT, '.bench');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'dazzle');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};
const REF = arg('--ref', undefined) ?? execFileSync('git', ['merge-base', 'HEAD', 'main'], { cwd: ROOT, encoding: 'utf8' }).trim();
const MUTANTS = Number(arg('--mutants', '2000'));

/** Bundle `src/project/index.ts` of the tree at `root` (modules resolved from this checkout). */
async function bundle(root, outfile) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'src', 'project', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'warning',
    banner: { js: "import { createRequire as __dzCreateRequire } from 'node:module'; const require = __dzCreateRequire(import.meta.url);" },
  });
  return import(pathToFileURL(outfile).href);
}

/** The reference commit's src/, extracted with git archive. */
function extractRef(ref) {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = join(OUT_DIR, `ref-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'src'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', sha, 'src'], { cwd: ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  return { sha, dir };
}

function dslFiles(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) dslFiles(p, out);
    else if (name.endsWith('.dsl')) out.push(p);
  }
  return out;
}

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

const NASTY = ['\t', ' ', '    ', '"', "'", '\\', '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '#', '-', '?', '\n', '\r', '\r\n', '\u000b', '\f', '\u00a0', '\u2028', 'é', '😀', 'entity ', 'ref ', 'enum', 'app ', 'x', '0', '  id: uuid pk\n', 'unique?', '=5m'];

/** Apply 1 to 4 random edits (delete, insert, duplicate or re-indent a line, swap lines, truncate). */
function mutate(text, rnd) {
  let t = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const lines = t.split('\n');
    const line = Math.floor(rnd() * lines.length);
    switch (Math.floor(rnd() * 6)) {
      case 0:
        t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 40));
        break;
      case 1:
        t = t.slice(0, at) + NASTY[Math.floor(rnd() * NASTY.length)] + t.slice(at);
        break;
      case 2:
        lines.splice(line, 0, lines[line] ?? '');
        t = lines.join('\n');
        break;
      case 3:
        lines[line] = ['', ' ', '  ', '    ', '\t', '      '][Math.floor(rnd() * 6)] + (lines[line] ?? '').trimStart();
        t = lines.join('\n');
        break;
      case 4: {
        const other = Math.floor(rnd() * lines.length);
        [lines[line], lines[other]] = [lines[other] ?? '', lines[line] ?? ''];
        t = lines.join('\n');
        break;
      }
      default:
        if (rnd() < 0.3) t = t.slice(0, at);
        break;
    }
  }
  return t;
}

function projects() {
  const out = [];
  const enc = (s) => new TextEncoder().encode(s);
  const fromDir = (name, root) => out.push({ name, files: dslFiles(join(root, 'dsl')).map((f) => ({ path: relative(root, f), bytes: readFileSync(f) })) });
  for (const p of existsSync(CORPUS) ? readdirSync(CORPUS).sort() : []) if (existsSync(join(CORPUS, p, 'dazzle.toml'))) fromDir(p, join(CORPUS, p));
  for (const p of readdirSync(join(ROOT, 'examples')).sort()) fromDir(`examples/${p}`, join(ROOT, 'examples', p));
  const corpora = dslFiles(join(CORPUS, 'corpora'));
  for (const f of corpora) out.push({ name: relative(CORPUS, f), files: [{ path: 'dsl/app.dsl', bytes: readFileSync(f) }] });
  out.push({ name: 'generated dense (1 MB)', files: [{ path: 'dsl/app.dsl', bytes: enc(generateDsl(1_000_000)) }] });
  out.push({ name: 'corpus-shaped (1 MB)', files: [{ path: 'dsl/app.dsl', bytes: enc(corpusShapedDsl(1_000_000)) }] });
  out.push({ name: '100,000 entities', files: [{ path: 'dsl/app.dsl', bytes: enc(entitiesDsl(100_000)) }] });

  const rnd = prng(9);
  const sources = out.filter((p) => !p.name.startsWith('generated') && !p.name.startsWith('corpus-shaped') && !p.name.startsWith('100,000'));
  const big = corpusShapedDsl(400_000);
  for (let i = 0; i < MUTANTS; i++) {
    if (i % 20 === 19) {
      out.push({ name: `mutant ${i} of corpus-shaped (400 kB)`, files: [{ path: 'dsl/app.dsl', bytes: enc(mutate(big, rnd)) }] });
      continue;
    }
    const p = sources[Math.floor(rnd() * sources.length)];
    const target = Math.floor(rnd() * p.files.length);
    const files = p.files.map((f, k) => (k === target ? { path: f.path, bytes: enc(mutate(new TextDecoder().decode(f.bytes), rnd)) } : f));
    out.push({ name: `mutant ${i} of ${p.name} (${p.files[target]?.path})`, files });
  }
  return out;
}

function result(fe, files) {
  const r = fe.frontEnd(files);
  return JSON.stringify({ spec: r.value.spec ?? null, diagnostics: r.diagnostics, files: r.value.files });
}

async function main() {
  mkdirSync(OUT_DIR, { recursive: true });
  const ref = extractRef(REF);
  const ours = await bundle(ROOT, join(OUT_DIR, 'same-output-ours.mjs'));
  const theirs = await bundle(ref.dir, join(OUT_DIR, 'same-output-ref.mjs'));
  let same = 0;
  let withErrors = 0;
  const differ = [];
  for (const p of projects()) {
    const a = result(ours, p.files);
    const b = result(theirs, p.files);
    if (a === b) same++;
    else differ.push(p.name);
    if (a.includes('"severity":"error"')) withErrors++;
  }
  process.stdout.write(`same output as ${ref.sha.slice(0, 12)}: ${same} of ${same + differ.length} inputs (${withErrors} with errors)\n`);
  for (const name of differ.slice(0, 20)) process.stdout.write(`  DIFFERS: ${name}\n`);
  if (differ.length > 0) process.exitCode = 1;
}

await main();
