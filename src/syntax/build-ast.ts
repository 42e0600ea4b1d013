/**
 * CST → AST. Reads the concrete syntax tree produced by the grammar, checks
 * typed constructs' properties against their schemas (vocabulary.ts), and
 * produces the plain {@link FileAst}.
 */
import type { CstNode, IToken } from 'chevrotain';
import { closest, diag, didYouMean, quote, type Diagnostic, type SourceText, type Span } from '../diagnostics/index.js';
import type {
  Decl,
  Field,
  FieldModifier,
  FieldType,
  FileAst,
  Member,
  OpaqueLine,
  Property,
  SubBlock,
  Value,
  ValuePart,
} from './ast.js';
import { Duration, Name, Newline, NumberLit, StringLit } from './tokens.js';
import { tokenMatcher } from 'chevrotain';
import { FIELD_CONTINUATIONS, FIELD_MODIFIERS, SCALAR_TYPES, SCHEMAS, VALUED_MODIFIERS, type ConstructSchema, type PropertySpec, type RelationKind } from './vocabulary.js';

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function ch(node: CstNode): Children {
  return node.children as Children;
}
function tokens(node: CstNode, key: string): IToken[] {
  return (ch(node)[key] ?? []) as IToken[];
}
function token(node: CstNode, key: string): IToken | undefined {
  return (ch(node)[key] as IToken[] | undefined)?.[0];
}
function nodes(node: CstNode, key: string): CstNode[] {
  return (ch(node)[key] ?? []) as CstNode[];
}
function node(node: CstNode, key: string): CstNode | undefined {
  return (ch(node)[key] as CstNode[] | undefined)?.[0];
}

/** Unescape the contents of a string token. */
export function unquote(image: string): string {
  const body = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

/** Rules whose first token is one of their own direct tokens (a keyword or a name). */
const STARTS_WITH_TOKEN: ReadonlySet<string> = new Set([
  'moduleDecl',
  'useDecl',
  'appDecl',
  'entityDecl',
  'archetypeDecl',
  'enumDecl',
  'transactionDecl',
  'channelDecl',
  'eventModelDecl',
  'propertyConstruct',
  'sectionConstruct',
  'transferBlock',
  'channelOperation',
  'topicBlock',
  'eventBlock',
  'declHeader',
  'enumType',
  'refType',
  'computedType',
]);

function isLayout(t: IToken): boolean {
  return t.image.length === 0 || t.tokenType === Newline;
}

const NO_NODES: readonly CstNode[] = [];
const tokEnd = (t: IToken): number => t.startOffset + t.image.length;
const last = <T>(xs: readonly T[] | undefined): T | undefined => (xs && xs.length ? xs[xs.length - 1] : undefined);
const tok = (c: Children, key: string): IToken | undefined => c[key]?.[0] as IToken | undefined;
const sub = (c: Children, key: string): CstNode | undefined => c[key]?.[0] as CstNode | undefined;

/**
 * Start offset of a node's first real token (-1 if none). The rules that make
 * up most of a file have direct answers; the general case visits only the head
 * of each child list (children are grouped by name), so it is O(depth).
 */
function firstStart(n: CstNode): number {
  const c = n.children as Children;
  switch (n.name) {
    case 'line':
      return (tok(c, 'Atom') as IToken).startOffset;
    case 'property':
    case 'fieldLine':
    case 'scalarType':
    case 'qualifiedName':
      return (tok(c, 'Name') as IToken).startOffset;
    case 'fieldModifier':
      return ((tok(c, 'Eq') ?? tok(c, 'Name')) as IToken).startOffset;
    case 'literalValue': {
      const t = tok(c, 'Minus') ?? tok(c, 'String') ?? tok(c, 'Duration') ?? tok(c, 'Number');
      return t ? t.startOffset : firstStart(sub(c, 'qualifiedName') as CstNode);
    }
    case 'typeSpec':
      return firstStart((sub(c, 'scalarType') ?? sub(c, 'enumType') ?? sub(c, 'refType') ?? sub(c, 'computedType')) as CstNode);
    case 'entityDecl':
      return (tok(c, 'Kw_entity') as IToken).startOffset;
    default:
      // Rules that begin with a keyword of their own: the earliest direct token.
      if (STARTS_WITH_TOKEN.has(n.name)) return firstToken(n).startOffset;
      break;
  }
  let best = -1;
  for (const key in c) {
    const list = c[key] as (CstNode | IToken)[];
    for (let i = 0; i < list.length; i++) {
      const item = list[i] as CstNode | IToken;
      const v = 'tokenType' in item ? (isLayout(item) ? -1 : item.startOffset) : firstStart(item);
      if (v < 0) continue;
      if (best < 0 || v < best) best = v;
      break;
    }
  }
  return best;
}

/** End offset (exclusive) of a node's last real token (-1 if none); direct for the common rules, else list tails only. */
function lastEnd(n: CstNode): number {
  const c = n.children as Children;
  switch (n.name) {
    case 'line': {
      const block = sub(c, 'lineBlock');
      return block ? lastEnd(block) : tokEnd(last(c.Atom as IToken[]) as IToken);
    }
    case 'lineBlock':
      return lastEnd(last(c.line as CstNode[]) as CstNode);
    case 'entityDecl':
    case 'archetypeDecl':
      return lastEnd(sub(c, 'entityBody') as CstNode);
    case 'entityBody':
      return Math.max(lastOf(c.fieldLine as CstNode[] | undefined), lastOf(c.line as CstNode[] | undefined));
    case 'memberBlock':
      return Math.max(lastOf(c.property as CstNode[] | undefined), lastOf(c.line as CstNode[] | undefined));
    case 'declHeader':
      return tokEnd(tok(c, 'Colon') as IToken);
    case 'property': {
      const block = sub(c, 'memberBlock');
      return block ? lastEnd(block) : tokEnd((last(c.Atom as IToken[] | undefined) ?? tok(c, 'Colon')) as IToken);
    }
    case 'fieldLine': {
      const block = sub(c, 'lineBlock');
      if (block) return lastEnd(block);
      const mod = last(c.fieldModifier as CstNode[] | undefined);
      return lastEnd(mod ?? (sub(c, 'typeSpec') as CstNode));
    }
    case 'typeSpec':
      return lastEnd((sub(c, 'scalarType') ?? sub(c, 'enumType') ?? sub(c, 'refType') ?? sub(c, 'computedType')) as CstNode);
    case 'scalarType':
      return tokEnd((tok(c, 'RParen') ?? tok(c, 'RBracket') ?? tok(c, 'Name')) as IToken);
    case 'enumType':
      return tokEnd(tok(c, 'RBracket') as IToken);
    case 'qualifiedName':
      return tokEnd(last(c.Name as IToken[]) as IToken);
    case 'fieldModifier': {
      const lit = sub(c, 'literalValue');
      if (lit) return lastEnd(lit);
      return tokEnd((last(c.Name as IToken[] | undefined) ?? tok(c, 'Question')) as IToken);
    }
    case 'literalValue': {
      const t = tok(c, 'RParen') ?? tok(c, 'String') ?? tok(c, 'Duration') ?? tok(c, 'Number');
      return t ? tokEnd(t) : lastEnd(sub(c, 'qualifiedName') as CstNode);
    }
    default:
      break;
  }
  let best = -1;
  for (const key in c) {
    const list = c[key] as (CstNode | IToken)[];
    for (let i = list.length - 1; i >= 0; i--) {
      const item = list[i] as CstNode | IToken;
      const v = 'tokenType' in item ? (isLayout(item) ? -1 : tokEnd(item)) : lastEnd(item);
      if (v < 0) continue;
      if (v > best) best = v;
      break;
    }
  }
  return best;
}

/** lastEnd of the last node of a list (-1 for none). */
function lastOf(list: readonly CstNode[] | undefined): number {
  return list && list.length > 0 ? lastEnd(list[list.length - 1] as CstNode) : -1;
}

/** A node's child nodes, in source order, with their rule names. */
function inOrder(n: CstNode): [string, CstNode][] {
  const out: [string, CstNode, number][] = [];
  const c = n.children as Children;
  for (const key of Object.keys(c)) {
    const list = c[key];
    if (!list) continue;
    for (const item of list) if (!('tokenType' in item)) out.push([key, item, firstStart(item)]);
  }
  if (out.length > 1) out.sort((a, b) => a[2] - b[2]);
  return out.map(([k, node]) => [k, node]);
}

/** The first token consumed directly by a node (its keyword, for rules that start with one). */
function firstToken(n: CstNode): IToken {
  let best: IToken | undefined;
  const c = ch(n);
  for (const key in c) {
    const t = c[key]?.[0];
    if (t && 'tokenType' in t && t.image && (!best || t.startOffset < best.startOffset)) best = t;
  }
  if (!best) throw new Error(`CST node ${n.name} has no token`);
  return best;
}

function typeArgValue(n: CstNode): string | number {
  const c = ch(n);
  const a = (tok(c, 'Number') ?? tok(c, 'Name') ?? tok(c, 'String')) as IToken;
  return a.tokenType === NumberLit ? Number(a.image) : a.tokenType === StringLit ? unquote(a.image) : a.image;
}

class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly source: SourceText) {}

  tokSpan(t: IToken): Span {
    return this.source.span(t.startOffset, t.startOffset + t.image.length);
  }

  /**
   * The span of a node: from its first to its last real token. Layout tokens
   * and line breaks are not part of it, so a span never includes a trailing
   * comment or the blank lines after a block.
   */
  nodeSpan(n: CstNode): Span {
    const start = firstStart(n);
    const end = lastEnd(n);
    return start < 0 || end < 0 ? this.source.span(0, 0) : this.source.span(start, end);
  }

  nodeText(n: CstNode): string {
    const s = this.nodeSpan(n);
    return this.source.text.slice(s.offset, s.offset + s.length);
  }

  /** Append the declarations of a `spec` node (a whole file, or a run of its top-level statements). */
  statements(cst: CstNode, decls: Decl[]): void {
    for (const [key, st] of inOrder(cst)) {
      const d = this.statement(key, st);
      if (d) decls.push(d);
    }
  }

  statement(key: string, n: CstNode): Decl | undefined {
    switch (key) {
      case 'moduleDecl':
        return { kind: 'module', name: this.qualified(node(n, 'qualifiedName')), span: this.nodeSpan(n) };
      case 'useDecl': {
        const alias = token(n, 'Name')?.image;
        const q = node(n, 'qualifiedName') as CstNode;
        return { kind: 'use', module: this.qualified(q), moduleSpan: this.nodeSpan(q), ...(alias ? { alias } : {}), span: this.nodeSpan(n) };
      }
      case 'appDecl': {
        const name = token(n, 'Name') as IToken;
        const title = token(n, 'String');
        const block = node(n, 'memberBlock');
        const properties = block ? this.memberBlock(block) : [];
        this.checkProperties('app', properties, name);
        return { kind: 'app', name: name.image, nameSpan: this.tokSpan(name), ...(title ? { title: unquote(title.image) } : {}), properties, span: this.nodeSpan(n) };
      }
      case 'entityDecl':
      case 'archetypeDecl':
        return this.entity(n, key === 'entityDecl' ? 'entity' : 'archetype');
      case 'enumDecl': {
        const h = this.header(n);
        const values = nodes(node(n, 'lineBlock') as CstNode, 'line').map((l) => tokens(l, 'Atom')[0]?.image ?? '');
        return { kind: 'enum', ...h, values, span: this.nodeSpan(n) };
      }
      case 'transactionDecl': {
        const h = this.header(n);
        const members = this.members(n);
        const nameTok = token(node(n, 'declHeader') as CstNode, 'Name') as IToken;
        this.checkProperties('transaction', members, nameTok);
        const transfers = nodes(n, 'transferBlock').map((b) => this.subBlock(b, 'transfer'));
        for (const t of transfers) this.checkProperties('transfer', t.members, t);
        this.checkDuplicateBlocks(transfers, 'transfer');
        return { kind: 'transaction', ...h, members, transfers, span: this.nodeSpan(n) };
      }
      case 'channelDecl': {
        const h = this.header(n);
        const members = this.members(n);
        const nameTok = token(node(n, 'declHeader') as CstNode, 'Name') as IToken;
        this.checkProperties('channel', members, nameTok);
        const operations = nodes(n, 'channelOperation').map((b) => {
          const kwTok = (token(b, 'Kw_send') ?? token(b, 'Kw_receive')) as IToken;
          const sb = this.subBlock(b, kwTok.image);
          this.checkProperties(kwTok.image, sb.members, sb);
          return sb;
        });
        this.checkDuplicateBlocks(operations, 'operation');
        return { kind: 'channel', ...h, members, operations, span: this.nodeSpan(n) };
      }
      case 'eventModelDecl': {
        const topics = nodes(n, 'topicBlock').map((b) => this.subBlock(b, 'topic'));
        const events = nodes(n, 'eventBlock').map((b) => this.subBlock(b, 'event'));
        for (const t of topics) this.checkProperties('topic', t.members, t);
        for (const e of events) this.checkProperties('event', e.members, e);
        return { kind: 'event_model', members: this.members(n), topics, events, span: this.nodeSpan(n) };
      }
      case 'propertyConstruct': {
        const kwTok = firstToken(n);
        const kind = kwTok.image as Decl['kind'] & ('ledger' | 'schedule' | 'job' | 'service' | 'integration' | 'experience' | 'webhook' | 'llm_model');
        const h = this.header(n);
        const members = this.memberBlock(node(n, 'memberBlock') as CstNode);
        const nameTok = token(node(n, 'declHeader') as CstNode, 'Name') as IToken;
        this.checkProperties(kind, members, nameTok);
        return { kind, ...h, members, span: this.nodeSpan(n) };
      }
      case 'sectionConstruct': {
        const kwTok = firstToken(n);
        const kind = kwTok.image as 'tenancy' | 'llm_config';
        const members = this.memberBlock(node(n, 'memberBlock') as CstNode);
        this.checkProperties(kind, members, kwTok);
        return { kind, members, span: this.nodeSpan(n) };
      }
      case 'line': {
        const atoms = tokens(n, 'Atom');
        const first = atoms[0] as IToken;
        const second = atoms[1];
        return {
          kind: 'opaque',
          keyword: first.image,
          ...(second && tokenMatcher(second, Name) ? { name: second.image } : {}),
          text: this.nodeText(n),
          span: this.nodeSpan(n),
        };
      }
      default:
        return undefined;
    }
  }

  qualified(n: CstNode | undefined): string {
    return n ? tokens(n, 'Name').map((t) => t.image).join('.') : '';
  }

  header(n: CstNode): { name: string; nameSpan: Span; title?: string } {
    const h = node(n, 'declHeader') as CstNode;
    const name = token(h, 'Name') as IToken;
    const title = token(h, 'String');
    return { name: name.image, nameSpan: this.tokSpan(name), ...(title ? { title: unquote(title.image) } : {}) };
  }

  subBlock(n: CstNode, keyword: string): SubBlock {
    const name = token(n, 'Name') as IToken;
    const block = node(n, 'memberBlock');
    return { keyword, name: name.image, nameSpan: this.tokSpan(name), members: block ? this.memberBlock(block) : [], span: this.nodeSpan(n) };
  }

  memberBlock(n: CstNode): Member[] {
    return this.members(n);
  }

  /** The `property` and `line` children of a node, in source order (each list already is). */
  members(n: CstNode): Member[] {
    const c = ch(n);
    const props = c.property as CstNode[] | undefined;
    const lines = c.line as CstNode[] | undefined;
    if (!lines) return props ? props.map((p) => this.property(p)) : [];
    if (!props) return lines.map((l) => this.opaqueLine(l));
    const out: Member[] = [];
    let i = 0;
    let k = 0;
    let p = firstStart(props[0] as CstNode);
    let l = firstStart(lines[0] as CstNode);
    while (i < props.length || k < lines.length) {
      if (k >= lines.length || (i < props.length && p < l)) {
        out.push(this.property(props[i] as CstNode));
        i++;
        if (i < props.length) p = firstStart(props[i] as CstNode);
      } else {
        out.push(this.opaqueLine(lines[k] as CstNode));
        k++;
        if (k < lines.length) l = firstStart(lines[k] as CstNode);
      }
    }
    return out;
  }

  opaqueLine(l: CstNode): OpaqueLine {
    const span = this.nodeSpan(l);
    return { kind: 'line', text: this.source.text.slice(span.offset, span.offset + span.length), span };
  }

  property(p: CstNode): Property {
    const key = token(p, 'Name') as IToken;
    const atoms = tokens(p, 'Atom');
    const block = node(p, 'memberBlock');
    return {
      kind: 'property',
      key: key.image,
      keySpan: this.tokSpan(key),
      value: this.value(atoms),
      members: block ? this.memberBlock(block) : [],
      span: this.nodeSpan(p),
    };
  }

  value(atoms: IToken[]): Value {
    const first = atoms[0];
    const last = atoms[atoms.length - 1];
    if (!first || !last) return { text: '', parts: [], span: undefined };
    const span = this.source.span(first.startOffset, last.startOffset + last.image.length);
    const parts: ValuePart[] = atoms.map((t) => {
      if (t.tokenType === StringLit) return { type: 'string', image: t.image, value: unquote(t.image) };
      if (t.tokenType === NumberLit) return { type: 'number', image: t.image };
      if (t.tokenType === Duration) return { type: 'duration', image: t.image };
      if (tokenMatcher(t, Name)) return { type: 'name', image: t.image };
      return { type: 'symbol', image: t.image };
    });
    return { text: this.source.text.slice(span.offset, span.offset + span.length), parts, span };
  }

  entity(n: CstNode, kind: 'entity' | 'archetype'): Decl {
    // Written out rather than with header() and spreads: this runs for every entity of a project.
    const c = ch(n);
    const h = ch(sub(c, 'declHeader') as CstNode);
    const nameTok = tok(h, 'Name') as IToken;
    const titleTok = tok(h, 'String');
    const body = ch(sub(c, 'entityBody') as CstNode);
    const fieldNodes = body.fieldLine as CstNode[] | undefined;
    const lineNodes = body.line as CstNode[] | undefined;
    const fields = fieldNodes ? fieldNodes.map((f) => this.field(f)) : [];
    const directives = lineNodes ? lineNodes.map((l) => this.opaqueLine(l)) : [];
    const name = nameTok.image;
    const nameSpan = this.tokSpan(nameTok);
    const span = this.nodeSpan(n);
    return titleTok ? { kind, name, nameSpan, title: unquote(titleTok.image), fields, directives, span } : { kind, name, nameSpan, fields, directives, span };
  }

  field(f: CstNode): Field {
    const c = ch(f);
    const name = tok(c, 'Name') as IToken;
    const typeNode = sub(c, 'typeSpec') as CstNode;
    const typeSpan = this.nodeSpan(typeNode);
    const type = this.fieldType(typeNode, typeSpan);
    const modifierNodes = (c.fieldModifier as CstNode[] | undefined) ?? NO_NODES;
    // Sized up front (`=value` is a default, not a modifier): a pushed-to array keeps spare room, for every field.
    let named = 0;
    for (const m of modifierNodes) if (ch(m).Name) named++;
    const modifiers: FieldModifier[] = named > 0 ? new Array<FieldModifier>(named) : [];
    named = 0;
    let defaultValue: string | undefined;
    for (const m of modifierNodes) {
      const span = this.nodeSpan(m);
      const mc = ch(m);
      const lit = sub(mc, 'literalValue');
      const words = mc.Name as IToken[] | undefined;
      const word = words?.[0];
      const litText = lit ? this.nodeText(lit) : undefined;
      if (!word) {
        defaultValue = litText;
        continue;
      }
      const second = words[1];
      const mod = mc.Question ? `${word.image}?` : word.image;
      const value = litText ?? second?.image;
      if (mod === 'default') defaultValue = value;
      if (!FIELD_MODIFIERS.has(word.image)) {
        const hint = didYouMean(word.image, FIELD_MODIFIERS);
        this.diagnostics.push(
          diag('DZ2103', `unknown modifier ${quote(mod)} on field '${name.image}'; it has no effect`, {
            span,
            hint: hint ?? `known modifiers: ${[...FIELD_MODIFIERS].join(', ')}`,
          }),
        );
      } else if (VALUED_MODIFIERS.has(word.image) && value === undefined) {
        this.diagnostics.push(
          diag('DZ2102', `modifier '${word.image}' on field '${name.image}' needs a value`, { span, hint: word.image === 'was' ? `write was: old_name` : `write ${word.image}=value` }),
        );
      }
      modifiers[named++] = value !== undefined ? { name: mod, value, span } : { name: mod, span };
    }
    // A field may carry indented continuation lines (`semantic: a=positive, …`); anything else
    // indented under it is a mistake (usually a field indented one step too far).
    const block = sub(c, 'lineBlock');
    for (const l of block ? nodes(block, 'line') : NO_NODES) {
      const first = tokens(l, 'Atom')[0] as IToken;
      if (FIELD_CONTINUATIONS.has(first.image) && tokens(l, 'Atom')[1]?.image === ':') continue;
      this.diagnostics.push(
        diag('DZ1005', `this line is indented under field '${name.image}', which takes no block here`, {
          span: this.nodeSpan(l),
          related: [{ message: `field '${name.image}' is here`, span: this.tokSpan(name) }],
          hint: `indent it like the field above if it is another field (only ${[...FIELD_CONTINUATIONS].map((k) => `'${k}:'`).join(', ')} may continue a field)`,
        }),
      );
    }
    const nameSpan = this.tokSpan(name);
    const span = this.nodeSpan(f);
    return defaultValue !== undefined
      ? { name: name.image, nameSpan, type, typeSpan, modifiers, default: defaultValue, span }
      : { name: name.image, nameSpan, type, typeSpan, modifiers, span };
  }

  fieldType(t: CstNode, span: Span): FieldType {
    const e = node(t, 'enumType');
    if (e) return { kind: 'enum', values: tokens(e, 'Name').map((x) => x.image) };
    const r = node(t, 'refType');
    if (r) {
      const kwTok = firstToken(r);
      const q = node(r, 'qualifiedName') as CstNode;
      return { kind: 'relation', relation: kwTok.image as RelationKind, target: this.qualified(q), targetSpan: this.nodeSpan(q) };
    }
    const c = node(t, 'computedType');
    if (c) return { kind: 'computed', expression: tokens(c, 'Atom').map((x) => x.image).join(' ') };
    const s = ch(node(t, 'scalarType') as CstNode);
    const nameTok = tok(s, 'Name') as IToken;
    // One typeArgs node at most (the parenthesised or the bracketed form).
    const list = sub(s, 'typeArgs');
    const args: (string | number)[] = list ? nodes(list, 'typeArg').map(typeArgValue) : [];
    this.checkScalar(nameTok, args, span);
    return { kind: 'scalar', name: nameTok.image, args };
  }

  checkScalar(nameTok: IToken, args: (string | number)[], span: Span): void {
    const spec = SCALAR_TYPES.get(nameTok.image);
    // Names that are not built-in types are resolved at link time (shared enums); see ir/link.ts.
    if (!spec) return;
    const bad = (msg: string, hint: string) => this.diagnostics.push(diag('DZ2102', msg, { span, hint }));
    const ints = args.every((a) => typeof a === 'number' && Number.isInteger(a) && a > 0);
    switch (spec.args) {
      case 'none':
        if (args.length) bad(`type '${nameTok.image}' takes no arguments, got (${args.join(', ')})`, `write just '${nameTok.image}'`);
        break;
      case 'optional-length':
        if (args.length > 1 || !ints) bad(`'${nameTok.image}' takes one positive length, got (${args.join(', ')})`, `e.g. ${nameTok.image}(200)`);
        break;
      case 'precision': {
        const [p, sc] = args;
        const whole = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
        if (args.length !== 2 || !whole(p) || !whole(sc) || p < 1 || sc < 0) bad(`'decimal' takes a precision and a scale, got (${args.join(', ')})`, 'e.g. decimal(10,2): 10 digits, 2 after the point');
        else if (p > 1000) bad(`decimal precision ${p} is more than the maximum of 1000`, 'e.g. decimal(38,2)');
        else if (sc > p) bad(`decimal scale ${sc} must not exceed precision ${p}`, `e.g. decimal(${p},2)`);
        break;
      }
      case 'currency':
        if (args.length > 1 || (args[0] !== undefined && !/^[A-Z]{3}$/.test(String(args[0]))))
          bad(`'money' takes an ISO 4217 currency code, got (${args.join(', ')})`, 'e.g. money(GBP) or money(USD)');
        break;
      case 'targets':
        if (args.length === 0) bad(`'poly_ref' needs at least one target entity`, 'e.g. poly_ref [Invoice, Order]');
        break;
      default:
        break;
    }
  }

  checkDuplicateBlocks(blocks: readonly SubBlock[], what: string): void {
    const seen = new Map<string, SubBlock>();
    for (const b of blocks) {
      const first = seen.get(b.name);
      if (first) {
        this.diagnostics.push(
          diag('DZ3003', `${what} '${b.name}' is declared twice`, {
            span: b.nameSpan,
            related: [{ message: 'first declared here', span: first.nameSpan }],
            hint: `rename one of them`,
          }),
        );
      } else seen.set(b.name, b);
    }
  }

  /** Check a construct's properties against its schema. */
  checkProperties(construct: string, members: readonly Member[], owner: IToken | SubBlock): void {
    const schema: ConstructSchema | undefined = SCHEMAS[construct];
    if (!schema) return;
    const seen = new Map<string, Property>();
    for (const m of members) {
      if (m.kind !== 'property') continue;
      const spec = schema.properties[m.key];
      if (!spec) {
        if (schema.strict) {
          const known = Object.keys(schema.properties);
          const hint = didYouMean(m.key, known);
          this.diagnostics.push(
            diag('DZ2201', `${construct} has no property ${quote(m.key)}; allowed: ${known.join(', ')}`, {
              span: m.keySpan,
              hint: hint ?? `remove the line, or use one of the allowed properties`,
            }),
          );
        }
        continue;
      }
      const first = seen.get(m.key);
      if (first) {
        this.diagnostics.push(
          diag('DZ2202', `${quote(m.key)} is given twice in this ${construct}`, {
            span: m.keySpan,
            related: [{ message: 'first given here', span: first.keySpan }],
            hint: 'keep one of them',
          }),
        );
        continue;
      }
      seen.set(m.key, m);
      this.checkValue(construct, m, spec);
    }
    // A misspelt key already reported with "did you mean <key>" stands in for the missing one.
    const misspelt = new Set(members.filter((m): m is Property => m.kind === 'property' && !schema.properties[m.key]).map((m) => closest(m.key, Object.keys(schema.properties))));
    for (const [key, spec] of Object.entries(schema.properties)) {
      if (spec.required && !seen.has(key) && !(schema.strict && misspelt.has(key))) {
        const span = 'tokenType' in owner ? this.tokSpan(owner) : owner.nameSpan;
        const name = 'tokenType' in owner ? owner.image : owner.name;
        this.diagnostics.push(
          diag('DZ2205', `${construct} '${name}' has no '${key}'`, {
            span,
            hint: `add a line '${key}: …'${spec.allowed ? ` (one of ${spec.allowed.join(', ')})` : ''}`,
          }),
        );
      }
    }
  }

  checkValue(construct: string, p: Property, spec: PropertySpec): void {
    const parts = p.value.parts;
    const where = p.value.span ?? p.keySpan;
    const wrong = (expected: string, example: string) =>
      this.diagnostics.push(
        diag('DZ2203', `'${p.key}' in ${construct} expects ${expected}, got ${parts.length ? quote(p.value.text) : 'nothing'}`, {
          span: where,
          hint: `e.g. ${p.key}: ${example}`,
        }),
      );
    const one = parts.length === 1 ? parts[0] : undefined;
    switch (spec.kind) {
      case 'string':
        if (one?.type !== 'string') wrong('a "quoted string"', '"…"');
        return;
      case 'int':
        if (one?.type !== 'number' || one.image.includes('.')) wrong('a whole number', '1001');
        return;
      case 'bool':
        if (one?.type !== 'name' || (one.image !== 'true' && one.image !== 'false')) wrong('true or false', 'true');
        return;
      case 'name':
        if (one?.type !== 'name') {
          wrong('a name', spec.allowed?.[0] ?? 'name');
          return;
        }
        this.checkAllowed(construct, p, [one.image], spec, where);
        return;
      case 'names': {
        const names = parts.filter((x) => x.type === 'name').map((x) => x.image);
        const symbolsOk = parts.every((x) => x.type === 'name' || (x.type === 'symbol' && (x.image === ',' || x.image === '[' || x.image === ']')));
        if (names.length === 0 || !symbolsOk) {
          wrong('a list of names', spec.allowed ? spec.allowed.slice(0, 2).join(', ') : 'a, b');
          return;
        }
        this.checkAllowed(construct, p, names, spec, where);
        return;
      }
      case 'duration':
        if (!one || (one.type !== 'duration' && one.type !== 'number' && one.type !== 'string')) wrong('a duration', '30s, 15m, 24h or 7d');
        return;
      case 'cron': {
        const isCall = parts.length === 4 && parts[0]?.image === 'cron' && parts[1]?.image === '(' && parts[2]?.type === 'string' && parts[3]?.image === ')';
        if (one?.type !== 'string' && !isCall) wrong('a cron expression in quotes', '"0 2 * * *"');
        return;
      }
      case 'expr':
        if (parts.length === 0 && p.members.length === 0) wrong('a value', '…');
        return;
      case 'block':
        return;
      default:
        return;
    }
  }

  checkAllowed(construct: string, p: Property, values: readonly string[], spec: PropertySpec, where: Span): void {
    if (!spec.allowed) return;
    for (const v of values) {
      if (!spec.allowed.includes(v)) {
        const hint = didYouMean(v, spec.allowed);
        this.diagnostics.push(
          diag('DZ2204', `'${p.key}' in ${construct} cannot be ${quote(v)}; allowed: ${spec.allowed.join(', ')}`, {
            span: where,
            hint: hint ?? `use one of: ${spec.allowed.join(', ')}`,
          }),
        );
      }
    }
  }
}

/**
 * Builds one file's AST from the CSTs of consecutive runs of its top-level
 * statements, in order, so that each CST can be dropped once it is read.
 */
export class FileAstBuilder {
  private readonly builder: AstBuilder;
  private readonly decls: Decl[] = [];
  constructor(private readonly source: SourceText) {
    this.builder = new AstBuilder(source);
  }

  /** Read the next run of statements (a `spec` node). */
  add(cst: CstNode): void {
    this.builder.statements(cst, this.decls);
  }

  finish(): { ast: FileAst; diagnostics: Diagnostic[] } {
    return { ast: { path: this.source.path, decls: this.decls }, diagnostics: this.builder.diagnostics };
  }
}

/** The AST of a whole file's CST. */
export function buildAst(source: SourceText, cst: CstNode): { ast: FileAst; diagnostics: Diagnostic[] } {
  const b = new FileAstBuilder(source);
  b.add(cst);
  return b.finish();
}
