// Writes grammar/dazzle.ebnf and grammar/railroad.html from the parser itself, and the dazzle.toml
// schema files (scripts/schema-artifacts.mjs) from src/config/schema.ts (`npm run grammar`).
// src/syntax/grammar-docs.ts is bundled on the fly with esbuild (nothing is written but the two
// documents); test/syntax/grammar-docs.test.ts checks that the committed files are up to date.
//   node scripts/grammar.mjs          write the files
//   node scripts/grammar.mjs --check  exit 1 if a file is out of date (writes nothing)
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = await build({
  entryPoints: [`${root}src/syntax/grammar-docs.ts`],
  absWorkingDir: root,
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const code = out.outputFiles[0].text;
const { grammarEbnf, railroadHtml, DIAGRAM_ASSETS } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
// The diagram renderer's files, from the installed (pinned) Chevrotain, are inlined into the page.
const diagrams = `${root}node_modules/chevrotain/diagrams/`;
const assets = Object.fromEntries(DIAGRAM_ASSETS.map((f) => [f, readFileSync(`${diagrams}${f}`, 'utf8')]));

// The dazzle.toml schema, and ajv's standalone validator for it.
const schemaBuild = await build({ entryPoints: [`${root}src/config/index.ts`], absWorkingDir: root, bundle: true, write: false, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
const { DAZZLE_TOML_SCHEMA, exampleToml } = await import(`data:text/javascript;base64,${Buffer.from(schemaBuild.outputFiles[0].text).toString('base64')}`);
const { schemaJson, validatorCode } = await import('./schema-artifacts.mjs');

const files = {
  'grammar/dazzle.ebnf': grammarEbnf(),
  'grammar/railroad.html': railroadHtml(assets),
  'grammar/dazzle.schema.json': schemaJson(DAZZLE_TOML_SCHEMA),
  'src/config/toml-validator.generated.js': validatorCode(DAZZLE_TOML_SCHEMA),
  'dazzle.toml.example': exampleToml(),
};
const check = process.argv.includes('--check');
let stale = 0;
mkdirSync(`${root}grammar`, { recursive: true });
for (const [rel, text] of Object.entries(files)) {
  const path = `${root}${rel}`;
  let old;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    old = undefined;
  }
  if (old === text) {
    console.log(`${rel}: up to date`);
  } else if (check) {
    stale++;
    console.log(`${rel}: out of date (run npm run grammar)`);
  } else {
    writeFileSync(path, text);
    console.log(`${rel}: written (${text.length} characters)`);
  }
}
if (stale > 0) process.exitCode = 1;
