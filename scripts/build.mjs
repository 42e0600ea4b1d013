// Bundles the CLI into dist/ (fast start-up: one file, no module resolution at run time).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Node built-ins that cost milliseconds to load (crypto sets up its providers; child_process
 * is required by commander only to run executable subcommands, which dazzle has none of) and
 * that most commands never call: they are loaded on the first call instead of at start-up.
 * Only their functions are forwarded; importing anything else from them fails the build, so a
 * class or constant never becomes a silent wrapper.
 */
const LAZY_BUILTINS = ['crypto', 'child_process'];

/** @type {import('esbuild').Plugin} */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const real = createRequire(import.meta.url)(`node:${args.path}`);
      const names = Object.keys(real).filter((k) => typeof real[k] === 'function' && /^[a-z]/.test(k) && /^[A-Za-z_$][\w$]*$/.test(k));
      const lines = [
        `import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';`,
        `let m;`,
        `const load = () => (m ??= createRequire(import.meta.url)('node:${args.path}'));`,
        ...names.map((k) => `export function ${k}(...a) { return load().${k}(...a); }`),
      ];
      return { contents: lines.join('\n'), loader: 'js', resolveDir: '.' };
    });
  },
};

/** The Chevrotain version whose lodash calls the plugin below was checked against (package.json pins it). */
const CHEVROTAIN_READ = '11.2.0';

/**
 * Chevrotain makes its lexer and parser at every command's start-up with lodash, whose general
 * `has` (property paths) and `pickBy` (inherited keys, symbols, paths) made up most of that time.
 * Chevrotain calls `has` with one plain key (a name or a token index), and its grammar model
 * (@chevrotain/gast) builds each node with `assign(this, pickBy(options, …))` from an object
 * literal: for those, the functions below are the same. Every other name comes from lodash-es.
 * @type {import('esbuild').Plugin}
 */
const chevrotainLodash = {
  name: 'chevrotain-lodash',
  setup(b) {
    // The calls above were read in this version: another one must be read again before it is bundled this way.
    const { version } = JSON.parse(readFileSync(new URL('../node_modules/chevrotain/package.json', import.meta.url), 'utf8'));
    if (version !== CHEVROTAIN_READ) throw new Error(`scripts/build.mjs: chevrotain ${version} is not the ${CHEVROTAIN_READ} whose has/assign/pickBy calls were checked; check them again and update CHEVROTAIN_READ`);
    const chevrotain = /node_modules[\\/](?:chevrotain|@chevrotain[\\/][^\\/]+)[\\/]/;
    const gastModel = /@chevrotain[\\/]gast[\\/]lib[\\/]src[\\/]model\.js$/;
    b.onResolve({ filter: /^lodash-es$/ }, (args) => (chevrotain.test(args.importer) ? { path: gastModel.test(args.importer) ? 'gast' : 'chevrotain', namespace: 'chevrotain-lodash' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'chevrotain-lodash' }, (args) => ({
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
      loader: 'js',
      contents: [
        `export * from 'lodash-es';`,
        `export function has(object, key) { return object != null && Object.prototype.hasOwnProperty.call(object, key); }`,
        ...(args.path === 'gast'
          ? [
              `export function assign(target, source) { return Object.assign(target, source); }`,
              `export function pickBy(object, keep) { const out = {}; for (const k in object) { const v = object[k]; if (keep(v, k)) out[k] = v; } return out; }`,
            ]
          : []),
      ].join('\n'),
    }));
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { dazzle: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  legalComments: 'none',
  loader: { '.tmpl': 'text' },
  plugins: [lazyBuiltins, chevrotainLodash],
  // Loaded only by the commands that synthesize or diff, from node_modules.
  external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag', 'esbuild', '@aws-cdk/cloudformation-diff'],
  logLevel: 'warning',
  banner: { js: "import { createRequire as __dzCreateRequire } from 'node:module'; const require = __dzCreateRequire(import.meta.url);" },
});
