/**
 * Grammar documents generated from the parser itself: an EBNF listing
 * (grammar/dazzle.ebnf) and Chevrotain railroad diagrams (grammar/railroad.html).
 * Both are derived from the parser's serialized GAST, so they cannot drift from
 * what the parser accepts; `npm run grammar` rewrites the files and
 * test/syntax/grammar-docs.test.ts fails when they are stale.
 *
 * Pure functions: no file system access, deterministic output (LF, trailing newline).
 */
import { createSyntaxDiagramsCode, type ISerializedGast } from 'chevrotain';
import { MAX_NESTING, TAB_WIDTH } from './lexer.js';
import { DslParser, PROPERTY_CONSTRUCTS, SECTION_CONSTRUCTS } from './parser.js';
import { SCHEMAS, type PropertySpec } from './vocabulary.js';

/** Lines are wrapped at this width where possible. */
const WIDTH = 100;
const CONT = '    ';

/** The serialized GAST fields this module reads (the public type declares only `type` and `definition`). */
interface Gast extends ISerializedGast {
  readonly name?: string;
  readonly label?: string;
  readonly separator?: Gast;
  readonly definition?: Gast[];
}

function productions(): Gast[] {
  return new DslParser(false).getSerializedGastProductions() as Gast[];
}

/**
 * How a terminal is shown: keywords and punctuation by their quoted label
 * ('entity', ':'), every other token class in capitals (NEWLINE, NAME, ATOM …).
 */
export function terminalLabel(t: { readonly name?: string; readonly label?: string }): string {
  const label = t.label ?? '';
  if (label.startsWith("'")) return label;
  return (t.name ?? label).toUpperCase();
}

// ---------------------------------------------------------------------------
// EBNF rendering
// ---------------------------------------------------------------------------

/** A rendered grammar expression; `atomic` when a postfix operator can follow it without parentheses. */
interface Expr {
  readonly text: string;
  readonly atomic: boolean;
}

function seq(defs: readonly Gast[] | undefined): Expr[] {
  return (defs ?? []).map(expr);
}

function joined(items: readonly Expr[]): string {
  return items.length === 0 ? '(* empty *)' : items.map((i) => i.text).join(' ');
}

function postfix(items: readonly Expr[], op: string): Expr {
  const only = items.length === 1 ? items[0] : undefined;
  if (only?.atomic) return { text: `${only.text}${op}`, atomic: false };
  return { text: `( ${joined(items)} )${op}`, atomic: false };
}

function alternatives(alts: readonly Gast[] | undefined): string[] {
  return (alts ?? []).map((a) => joined(seq(a.type === 'Alternative' ? a.definition : [a])));
}

function expr(node: Gast): Expr {
  switch (node.type) {
    case 'Terminal':
      return { text: terminalLabel(node), atomic: true };
    case 'NonTerminal':
      return { text: node.name ?? '?', atomic: true };
    case 'Option':
      return postfix(seq(node.definition), '?');
    case 'Repetition':
      return postfix(seq(node.definition), '*');
    case 'RepetitionMandatory':
      return postfix(seq(node.definition), '+');
    case 'RepetitionWithSeparator':
    case 'RepetitionMandatoryWithSeparator': {
      const body = joined(seq(node.definition));
      const sep = node.separator ? terminalLabel(node.separator) : "','";
      const text = `${body} ( ${sep} ${body} )*`;
      return node.type === 'RepetitionWithSeparator' ? { text: `( ${text} )?`, atomic: false } : { text, atomic: false };
    }
    case 'Alternation': {
      const alts = alternatives(node.definition);
      if (alts.length === 1) return { text: `( ${alts[0]} )`, atomic: true };
      return { text: `( ${alts.join(' | ')} )`, atomic: true };
    }
    case 'Alternative':
      return { text: `( ${joined(seq(node.definition))} )`, atomic: true };
    default:
      return { text: `(* ${node.type} *)`, atomic: true };
  }
}

/**
 * Greedy word wrap of `words` after `first` (already on the line); continuation
 * lines start with `indent`. A line never starts with a closing parenthesis.
 */
function wrapWords(first: string, words: readonly string[], indent: string, width = WIDTH): string[] {
  const units: string[] = [];
  for (const w of words) {
    if (units.length > 0 && /^\)/.test(w)) units[units.length - 1] += ` ${w}`;
    else units.push(w);
  }
  const lines: string[] = [];
  let cur = first;
  for (const u of units) {
    const fresh = cur.trim() === '';
    if (!fresh && cur.length + 1 + u.length > width) {
      lines.push(cur);
      cur = indent + u;
    } else cur = fresh ? cur + u : `${cur} ${u}`;
  }
  lines.push(cur);
  return lines;
}

/** Lay out the items of a sequence after `head`, breaking only between items where possible. */
function layoutSequence(head: string, items: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let cur = head;
  const push = (line: string) => {
    if (line.trim() !== '') lines.push(line);
  };
  for (const item of items) {
    const sep = cur.trim() === '' ? '' : ' ';
    if (cur.length + sep.length + item.length <= WIDTH) {
      cur += sep + item;
    } else if (indent.length + item.length <= WIDTH) {
      push(cur);
      cur = indent + item;
    } else {
      // An item longer than a line (a big group): wrap inside it.
      const wrapped = wrapWords(cur, item.split(' '), indent + '  ');
      lines.push(...wrapped.slice(0, -1));
      cur = wrapped[wrapped.length - 1] as string;
    }
  }
  push(cur);
  return lines;
}

function production(rule: Gast): string[] {
  const name = rule.name ?? '?';
  const defs = rule.definition ?? [];
  const top = defs.length === 1 && defs[0]?.type === 'Alternation' ? defs[0] : undefined;
  if (top && (top.definition?.length ?? 0) > 1) {
    const alts = alternatives(top.definition);
    const one = `${name} ::= ${alts.join(' | ')} ;`;
    if (one.length <= WIDTH) return [one];
    const lines = [`${name} ::=`];
    alts.forEach((a, i) => {
      const lead = i === 0 ? '      ' : '    |';
      lines.push(...layoutSequence(lead, [a], '        '));
    });
    lines[lines.length - 1] += ' ;';
    return lines;
  }
  const items = seq(defs).map((e) => e.text);
  const one = `${name} ::= ${items.join(' ')} ;`;
  if (one.length <= WIDTH) return [one];
  const lines = layoutSequence(`${name} ::=`, items, CONT);
  const last = lines[lines.length - 1] as string;
  if (last.length + 2 <= WIDTH) lines[lines.length - 1] = `${last} ;`;
  else lines.push(`${CONT};`);
  return lines;
}

/** The words of a text; a `code span` is never broken. */
function words(text: string): string[] {
  return text.match(/(?:`[^`]*`|\S)+/g) ?? [];
}

/** Wrap prose into comment lines of at most WIDTH characters, each starting with `prefix`. */
function prose(prefix: string, text: string): string[] {
  return wrapWords(prefix, words(text), prefix);
}

/** A `(* … *)` comment wrapped at WIDTH. */
function comment(text: string): string[] {
  const lines = wrapWords('(*', words(text), '   ', WIDTH - 3);
  lines[lines.length - 1] += ' *)';
  return lines;
}

/**
 * Decisions the GAST cannot show: alternatives guarded by semantic predicates
 * (gates) in src/syntax/parser.ts. Shown above the production they affect.
 */
const GATE_NOTES: Readonly<Record<string, string>> = {
  spec:
    'gates: a keyword commits to its typed rule only when the next token fits the header: a NAME after ' +
    "app/entity/archetype/enum/transaction/channel and the property constructs, ':' after event_model and the " +
    'sections (tenancy, llm_config). Otherwise the line is read by `line`.',
  entityBody:
    "gate isFieldStart(): a body line is a fieldLine when it starts NAME ':' NAME and the key is not an entity " +
    'directive (intent, transitions, access, invariant, index, ...; ENTITY_DIRECTIVES in vocabulary.ts), or when the ' +
    "key is a directive word but the value is a field type followed by NEWLINE, '(', '[', '=' or a NAME " +
    '(`index: int`). Every other body line is a directive line read by `line`.',
  typeSpec: "gate: scalarType is not tried when the type starts with 'enum'.",
  transactionDecl: "gates: transferBlock only when the line starts 'transfer' NAME ':'; property only when it starts NAME ':'; otherwise line.",
  channelDecl: "gates: channelOperation only when the line starts ('send' | 'receive') NAME ':'; property only when it starts NAME ':'; otherwise line.",
  eventModelDecl: "gates: topicBlock / eventBlock only when the line starts ('topic' | 'event') NAME ':'; property only when it starts NAME ':'; otherwise line.",
  memberBlock: "gate: property only when the line starts NAME ':'; otherwise line.",
};

function header(): string[] {
  const out: string[] = [];
  const para = (text: string) => {
    out.push(...prose('   ', text), '');
  };
  out.push('(* Dazzle DSL grammar.', '');
  para(
    'GENERATED from the parser (src/syntax/parser.ts, via src/syntax/grammar-docs.ts) by `npm run grammar`; ' +
      'do not edit. test/syntax/grammar-docs.test.ts fails when this file is out of date.',
  );
  para(
    "Notation: `rule ::= ... ;` is one production per parser rule. 'quoted' terminals are keywords and " +
      'punctuation; terminals in CAPITALS are token classes. `x?` optional, `x*` zero or more, `x+` one or more, ' +
      '`( a | b )` a choice. Choices are tried in order; the first alternative that fits the next token(s) wins.',
  );
  para(
    'Layout tokens. A layout pass after the lexer (src/syntax/lexer.ts) makes indentation significant, ' +
      'Python-style: NEWLINE ends every logical line that has a token (blank and comment-only lines produce ' +
      'nothing; `#` starts a comment to the end of the line); INDENT is produced before the first token of a ' +
      'line indented deeper than the enclosing block, and one DEDENT per block closed when a line returns to an ' +
      `enclosing level (it must match one exactly). A tab counts as ${TAB_WIDTH} spaces; mixing tabs and spaces is ` +
      'reported. Lines inside ( ), [ ] and { } are joined: no NEWLINE, INDENT or DEDENT is produced until the ' +
      `bracket is closed. Nesting deeper than ${MAX_NESTING} levels is rejected.`,
  );
  para(
    'Token classes. NAME matches any word [A-Za-z_][A-Za-z0-9_]*, including the keywords (a keyword is also ' +
      'a NAME, so names may collide with keywords). STRING is a "double-quoted" string on one line with backslash ' +
      'escapes. NUMBER is digits with an optional fraction. DURATION is digits with a unit: ms, s, min, m, h, d, ' +
      'w, mo, y (30s, 24h, 7d). ATOM is any token that is not layout (not NEWLINE, INDENT or DEDENT): names, ' +
      'keywords, literals and punctuation.',
  );
  para(
    'Gates. Some choices are decided by semantic predicates (gates) that look further ahead than this ' +
      'notation shows; they are noted in a comment above the production they affect. For example, inside an ' +
      "entity a line `title: str(200) required` is a fieldLine, while `intent: \"...\"` or `transitions:` is a " +
      'directive line read by `line` (isFieldStart in parser.ts).',
  );
  para(
    '`line` is the general block rule: a line of ATOMs, then an optional indented block of lines. Every ' +
      'construct without a typed rule (surface, story, workspace, persona, process, ...) is read by it and kept ' +
      'as text, so any well-formed layout parses.',
  );
  para('The properties each typed construct takes are listed after the productions.');
  out.pop();
  out.push('*)');
  return out;
}

// ---------------------------------------------------------------------------
// Construct properties (from SCHEMAS)
// ---------------------------------------------------------------------------

const KIND_NOTES: readonly (readonly [string, string])[] = [
  ['string', 'a "quoted" string'],
  ['int', 'a whole number'],
  ['name', 'a name'],
  ['names', 'names: a, b, c  or  [a, b, c]'],
  ['bool', 'true or false'],
  ['duration', 'a duration (30s, 24h, 7d) or a number of seconds'],
  ['cron', 'a cron expression: "0 2 * * *" or cron("...")'],
  ['expr', 'any expression, kept as text'],
  ['block', 'an indented block (a value on the line is optional)'],
];

/** Which rule reads each typed construct. */
function ruleOf(construct: string): string {
  if ((PROPERTY_CONSTRUCTS as readonly string[]).includes(construct)) return 'propertyConstruct';
  if ((SECTION_CONSTRUCTS as readonly string[]).includes(construct)) return 'sectionConstruct';
  const fixed: Record<string, string> = {
    app: 'appDecl',
    transaction: 'transactionDecl',
    transfer: 'transferBlock',
    channel: 'channelDecl',
    send: 'channelOperation',
    receive: 'channelOperation',
    event_model: 'eventModelDecl',
    topic: 'topicBlock',
    event: 'eventBlock',
    stream: 'streamDecl',
    retry: 'propertyConstruct',
    pii: 'propertyConstruct',
  };
  return fixed[construct] ?? 'line';
}

function propertyLine(key: string, spec: PropertySpec): string {
  let s = `${key}: ${spec.kind}`;
  if (spec.allowed && spec.allowed.length > 0) s += `, ${spec.kind === 'names' ? 'any of' : 'one of'} ${spec.allowed.join(' | ')}`;
  if (spec.required) s += ' (required)';
  return s;
}

function schemaSection(): string[] {
  const out: string[] = [
    `(* ${'='.repeat(WIDTH - 6)}`,
    '   Properties of the typed constructs (SCHEMAS in src/syntax/vocabulary.ts), checked after parsing.',
    '   Each entry is `key: kind`, with the allowed values and (required) where they apply. Kinds:',
  ];
  const w = Math.max(...KIND_NOTES.map(([k]) => k.length));
  for (const [k, v] of KIND_NOTES) out.push(`     ${k.padEnd(w)}  ${v}`);
  out.push('   strict: unknown keys are errors; otherwise unknown keys are kept as they are.');
  out.push(`   ${'='.repeat(WIDTH - 6)} *)`);
  for (const [construct, schema] of Object.entries(SCHEMAS)) {
    out.push('');
    out.push(`(* ${construct} (rule ${ruleOf(construct)}${schema.strict ? '; strict' : ''})`);
    const props = Object.entries(schema.properties);
    if (props.length === 0) out.push('     no typed properties; every key is kept as it is');
    for (const [key, spec] of props) out.push(...wrapWords('     ', propertyLine(key, spec).split(' '), '         '));
    out.push('*)');
  }
  return out;
}

/** The grammar as EBNF text: header, one production per parser rule, then the construct properties. */
export function grammarEbnf(): string {
  const out: string[] = [...header(), ''];
  for (const rule of productions()) {
    const note = rule.name ? GATE_NOTES[rule.name] : undefined;
    if (note) out.push(...comment(note));
    out.push(...production(rule));
    out.push('');
  }
  out.push(...schemaSection());
  return `${out.join('\n').replace(/[ \t]+$/gm, '')}\n`;
}

// ---------------------------------------------------------------------------
// Railroad diagrams
// ---------------------------------------------------------------------------

function relabel(node: Gast): Gast {
  const copy: Record<string, unknown> = { ...node };
  if (node.type === 'Terminal') copy.label = terminalLabel(node);
  if (node.definition) copy.definition = node.definition.map(relabel);
  if (node.separator) copy.separator = relabel(node.separator);
  return copy as unknown as Gast;
}

/** The files of Chevrotain's diagram renderer that the page needs, relative to `chevrotain/diagrams/`. */
export const DIAGRAM_ASSETS = ['diagrams.css', 'vendor/railroad-diagrams.js', 'src/diagrams_builder.js', 'src/diagrams_behavior.js', 'src/main.js'] as const;

/** The contents of each of {@link DIAGRAM_ASSETS}, read by the caller from the installed Chevrotain. */
export type DiagramAssets = Readonly<Record<(typeof DIAGRAM_ASSETS)[number], string>>;

/**
 * Railroad (syntax) diagrams of every rule, as a stand-alone HTML page made by
 * Chevrotain's createSyntaxDiagramsCode, with its scripts and CSS inlined (so
 * the page works offline). Terminals are labelled as in the EBNF (NEWLINE,
 * NAME, 'entity' …). Pure: the caller passes the renderer's files.
 */
export function railroadHtml(assets: DiagramAssets): string {
  let html = createSyntaxDiagramsCode(productions().map(relabel)).replace(
    '<!-- This is a generated file -->',
    '<!-- GENERATED from src/syntax/parser.ts by `npm run grammar`; do not edit. See also grammar/dazzle.ebnf. -->\n' +
      "<!-- Scripts and styles are Chevrotain's diagram renderer (Apache-2.0) and railroad-diagrams (CC0), inlined. -->",
  );
  const inline = (text: string) => text.replace(/\r\n?/g, '\n').replace(/<\/(script|style)/gi, '<\\/$1').trim();
  html = html.replace(/<link rel='stylesheet' href='[^']*\/diagrams\/([^']+)'>/g, (_, file: string) => `<style>\n${inline(asset(assets, file))}\n</style>`);
  html = html.replace(/<script src='[^']*\/diagrams\/([^']+)'><\/script>/g, (_, file: string) => `<script>\n${inline(asset(assets, file))}\n</script>`);
  if (/https?:\/\//.test(html.replace(/<script>[\s\S]*?<\/script>|<style>[\s\S]*?<\/style>/g, ''))) throw new Error('railroad page still references a remote resource');
  return `${html.replace(/\r\n?/g, '\n').trim()}\n`;
}

function asset(assets: DiagramAssets, file: string): string {
  const text = (assets as Record<string, string | undefined>)[file];
  if (text === undefined) throw new Error(`the railroad page needs chevrotain/diagrams/${file}, which was not given`);
  return text;
}
