/**
 * The syntax stage: source text → tokens → CST → AST, per file.
 * Stops at the first failing phase of a file (lexical problems stop parsing).
 */
import { diag, hasErrors, type Diagnostic, type Result, type SourceText } from '../diagnostics/index.js';
import type { FileAst } from './ast.js';
import { buildAst, FileAstBuilder } from './build-ast.js';
import { lex, PIECE_CHARS, StatementLexer } from './lexer.js';
import { parseTokens, type ParseOutput } from './parser.js';

export type * from './ast.js';
export { decodeSource, firstInvalidUtf8 } from './decode.js';
export { lex, MAX_NESTING, TAB_WIDTH } from './lexer.js';
export { DslParser, getParser } from './parser.js';
export { unquote } from './build-ast.js';
export * from './vocabulary.js';

/** What a rule expects, in the user's terms, shown as the hint of a syntax error. */
const RULE_HINTS: Record<string, string> = {
  declHeader: 'a declaration starts with a header line such as `entity Task "Task":` — the colon is required, and the body is indented below it',
  entityDecl: 'an entity is `entity Name "Title":` followed by indented fields such as `id: uuid pk`',
  entityBody: 'an entity body holds indented fields such as `title: str(200) required`',
  archetypeDecl: 'an archetype is `archetype Name:` followed by indented fields',
  enumType: 'an inline enum lists its values in brackets: `status: enum[open, closed]=open`',
  fieldLine: 'a field is `name: type modifiers`, e.g. `title: str(200) required`',
  typeSpec: 'a field type is a name such as str(200), int, decimal(10,2), enum[a, b] or ref Entity',
  scalarType: 'a field type is a name such as str(200), int, decimal(10,2), money(GBP)',
  typeArgs: 'type arguments are numbers or names separated by commas, e.g. decimal(10,2)',
  fieldModifier: 'modifiers follow the type: required, optional, pk, unique, =default',
  literalValue: 'a default value is a string, number, duration or name, e.g. =open or ="n/a"',
  refType: 'a reference names an entity: `ref User`',
  moduleDecl: 'a module line is `module app.part`',
  useDecl: 'a use line is `use app.part` (optionally `as alias`)',
  appDecl: 'the app line is `app name "Title"`, optionally followed by `:` and an indented body',
  transactionDecl: 'a transaction is `transaction Name "Title":` with indented properties and `transfer name:` blocks',
  transferBlock: 'a transfer is `transfer name:` with indented debit, credit, amount and code',
  channelDecl: 'a channel is `channel name "Title":` with indented `kind:` and `send name:` / `receive name:` blocks',
  channelOperation: 'an operation is `send name:` or `receive name:` followed by an indented block',
  eventModelDecl: 'the event model is `event_model:` with indented `topic name:` and `event Name:` blocks',
  propertyConstruct: 'this construct is `keyword Name "Title":` followed by indented `key: value` lines',
  sectionConstruct: 'this section is `keyword:` followed by indented `key: value` lines',
  memberBlock: 'the body of this block must be indented below its header',
  lineBlock: 'the body of this block must be indented below its header',
  qualifiedName: 'a qualified name is words separated by dots, e.g. app.core',
};

/**
 * Lex, parse and build the AST of one file, a run of top-level statements at a
 * time (see {@link StatementLexer}), so that its tokens and CST never exist
 * whole. The result is exactly {@link parseWholeSource}'s: a file with a
 * lexical mistake is read again whole, and a syntax error is reported as the
 * whole-file parse would. `pieceChars` is the size of the pieces lexed at a
 * time (tests vary it to put piece boundaries everywhere).
 */
export function parseSource(source: SourceText, pieceChars = PIECE_CHARS): Result<FileAst | undefined> {
  const lexer = new StatementLexer(source, pieceChars);
  const ast = new FileAstBuilder(source);
  for (let run = lexer.next(); run; run = lexer.next()) {
    const parsed = parseTokens(run);
    if (parsed.cst && !parsed.error) {
      ast.add(parsed.cst);
      continue;
    }
    // The whole-file parse stops at the same mistake: in this run, or at the first token after it
    // (a statement's rule looks no further than one token past its block). Parse the run with the
    // next one, once the rest of the file is known to lex cleanly (lexical mistakes come first).
    const following = lexer.next() ?? [];
    while (lexer.next());
    if (lexer.failed) return parseWholeSource(source);
    const error = parseTokens([...run, ...following]).error;
    if (!error) return parseWholeSource(source);
    return { value: undefined, diagnostics: [...lexer.warnings, syntaxError(source, error)] };
  }
  if (lexer.failed) return parseWholeSource(source);
  const built = ast.finish();
  return { value: built.ast, diagnostics: [...lexer.warnings, ...built.diagnostics] };
}

/** {@link parseSource} over the whole file's tokens and CST at once. */
export function parseWholeSource(source: SourceText): Result<FileAst | undefined> {
  const lexed = lex(source);
  if (hasErrors(lexed.diagnostics)) return { value: undefined, diagnostics: lexed.diagnostics };
  const parsed = parseTokens(lexed.tokens);
  if (parsed.error || !parsed.cst) return { value: undefined, diagnostics: [...lexed.diagnostics, syntaxError(source, parsed.error)] };
  const built = buildAst(source, parsed.cst);
  return { value: built.ast, diagnostics: [...lexed.diagnostics, ...built.diagnostics] };
}

/** The syntax error (DZ2001, or DZ2002 at the end of the file), with a hint for the rule it happened in. */
function syntaxError(source: SourceText, e: ParseOutput['error']): Diagnostic {
  const tok = e?.token;
  const atEnd = !tok || tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset);
  const offset = atEnd ? source.text.length : tok.startOffset;
  const end = atEnd ? offset : Math.max(offset + 1, tok.startOffset + tok.image.length);
  const hint = RULE_HINTS[e?.rule ?? ''] ?? 'check the line against the grammar (grammar/dazzle.ebnf)';
  return diag(atEnd ? 'DZ2002' : 'DZ2001', e?.message ?? 'unexpected input', { span: source.span(offset, end), hint });
}
