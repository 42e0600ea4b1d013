import { build } from 'esbuild';
await build({
  stdin: { contents: ["export { lex, getLexerForBench } from './src/syntax/lexer.ts';","export { getParser, parseTokens } from './src/syntax/parser.ts';","export { buildAst } from './src/syntax/build-ast.ts';","export { decodeSource, parseSource } from './src/syntax/index.ts';","export { SourceText, hasErrors } from './src/diagnostics/index.ts';"].join('\n'), resolveDir: '/work/main', sourcefile: 'e.ts', loader: 'ts' },
  bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: '/work/main/.bench/front-end.mjs', minifySyntax: true, logLevel: 'warning',
});
