// Bundles the CLI into dist/ (fast start-up: one file, no module resolution at run time).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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
  // Loaded only by the commands that synthesize or diff, from node_modules.
  external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk-nag', 'esbuild', '@aws-cdk/cloudformation-diff'],
  logLevel: 'warning',
  banner: { js: "import { createRequire as __dzCreateRequire } from 'node:module'; const require = __dzCreateRequire(import.meta.url);" },
});
