/**
 * The grammar, as a Chevrotain parser with embedded actions: it builds the
 * syntax tree (ast.ts) directly, with spans, so no concrete syntax tree is
 * allocated and walked a second time. Typed rules cover every construct that
 * affects infrastructure; every other construct is read by the general `line`
 * rule (a line of atoms and its indented block), which keeps its text and span
 * and never fails on well-formed layout.
 *
 * Semantic code runs inside ACTION (skipped while Chevrotain records the
 * grammar), so the grammar documents generated from the parser (grammar-docs.ts)
 * still show exactly the rules below.
 */
import {
  EmbeddedActionsParser,
  LLkLookaheadStrategy,
  tokenMatcher,
  type ILookaheadStrategy,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IToken,
  type OrMethodOpts,
  type TokenType,
} from 'chevrotain';
import type { SourceText, Span } from '../diagnostics/index.js';
import type {
  DateExpression,
  Decl,
  EntityDecl,
  Field,
  FieldModifier,
  FieldType,
  Member,
  OpaqueLine,
  Property,
  SubBlock,
  Value,
  ValuePart,
} from './ast.js';
import {
  ALL_TOKENS,
  Atom,
  Colon,
  Comma,
  Dedent,
  Dot,
  Duration,
  Eq,
  Indent,
  kw,
  LBracket,
  LParen,
  Minus,
  Name,
  Newline,
  NumberLit,
  Plus,
  Question,
  RBracket,
  RParen,
  StringLit,
} from './tokens.js';
import { TOKEN_SOURCES } from './lexer.js';
import { enclosingRegion, errorRegion, lineStart, regionOffsets, statementEnd, tokenAt } from './recovery.js';
import { DATE_BASES, ENTITY_DIRECTIVES, TYPE_NAMES, VIA_RELATIONS, type RelationKind } from './vocabulary.js';

/** Tokens that may follow a field type (used to tell `index: int` from `invariant: a != b`). */
const AFTER_FIELD_TYPE: TokenType[] = [Newline, LParen, LBracket, Eq, Name];

/** Named constructs with a plain property body: `kw Name "Title"?: <properties>`. */
export const PROPERTY_CONSTRUCTS = ['ledger', 'schedule', 'job', 'service', 'integration', 'experience', 'webhook', 'llm_model', 'llm_intent'] as const;
/** Unnamed constructs with a property body: `kw: <properties>`. */
export const SECTION_CONSTRUCTS = ['tenancy', 'llm_config'] as const;

function label(t: TokenType): string {
  const l = (t as { LABEL?: string }).LABEL;
  if (l) return l;
  switch (t.name) {
    case 'Newline':
      return 'end of line';
    case 'Indent':
      return 'an indented block';
    case 'Dedent':
      return 'the end of the block';
    case 'Name':
    case 'Identifier':
      return 'a name';
    case 'String':
      return 'a "string"';
    case 'Number':
      return 'a number';
    case 'Duration':
      return 'a duration such as 7d';
    case 'Atom':
      return 'a value';
    case 'Literal':
      return 'a literal value';
    case 'EOF':
      return 'end of file';
    default:
      return t.name;
  }
}

export function describeToken(tok: IToken): string {
  if (tok.tokenType.name === 'EOF') return 'end of file';
  if (tok.tokenType === Newline) return 'end of line';
  if (tok.tokenType === Indent) return 'an indented block';
  if (tok.tokenType === Dedent) return 'the end of the block';
  return `'${tok.image.length > 40 ? `${tok.image.slice(0, 39)}…` : tok.image}'`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${label(expected)} but found ${describeToken(actual)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    // Report what was expected after the longest prefix of the input that some alternative accepts.
    let best = 0;
    const next = new Set<string>();
    for (const alt of expectedPathsPerAlt) {
      for (const path of alt) {
        let i = 0;
        while (i < path.length && i < actual.length && tokenMatcher(actual[i] as IToken, path[i] as TokenType)) i++;
        if (i === path.length) continue;
        if (i > best) {
          best = i;
          next.clear();
        }
        if (i === best) next.add(label(path[i] as TokenType));
      }
    }
    if (best > 0 && actual[best]) {
      return `expected ${[...next].sort().join(' or ')} after ${describeToken(actual[best - 1] as IToken)} but found ${describeToken(actual[best] as IToken)}`;
    }
    return `unexpected ${describeToken(actual[0] as IToken)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const firsts = [...new Set(expectedIterationPaths.map((p) => label(p[0] as TokenType)))].sort();
    return `expected ${firsts.join(' or ')} but found ${describeToken(actual[0] as IToken)}`;
  },
};

/** The pieces of a header line `Name "Title"? :`. */
interface Header {
  readonly name: IToken;
  readonly title: IToken | undefined;
}

/** What the general line rule read: its first two tokens, its last, and where its block ends. */
/** An entity's body as it is read (see {@link Scratch}). */
interface EntityBody {
  readonly fields: Scratch<Field>;
  readonly directives: Scratch<OpaqueLine>;
  end: number;
}

interface LineInfo {
  readonly first: IToken;
  readonly second: IToken | undefined;
  /** End offset (exclusive) of the line, or of its block when it has one. */
  readonly end: number;
}

/** A `key: value` with its block, before it becomes a {@link Property}. */
interface Block {
  readonly members: Member[];
  /** Filled in as the block is read. */
  end: number;
}

/** A field type with the offset where it ends. */
interface TypeInfo {
  readonly type: FieldType;
  readonly start: number;
  readonly end: number;
}

interface ModifierInfo {
  readonly modifier: FieldModifier | undefined;
  readonly defaultText: string | undefined;
  readonly defaultExpression: DateExpression | undefined;
  readonly end: number;
}

const tokEnd = (t: IToken): number => t.startOffset + t.image.length;

/** The empty list every empty list of the tree is (most fields have no modifiers, most types no arguments). */
const NONE: readonly never[] = Object.freeze([]);

/**
 * A list the tree keeps, at its exact size: an array filled by push keeps spare room (17 slots
 * after the first push), and the tree lives until the project is linked. An empty one is {@link NONE}.
 */
const exact = <T>(xs: T[]): T[] => (xs.length === 0 ? (NONE as unknown as T[]) : xs.slice());

/**
 * A list being read, in an array kept from one list to the next: a new array filled by push takes 17
 * slots at its first push and is garbage as soon as the tree keeps its exact copy ({@link take}).
 * Only for lists that do not nest: a field's modifiers, a type's arguments, an entity's members.
 */
class Scratch<T> {
  private readonly items: T[] = [];
  private n = 0;
  reset(): void {
    this.n = 0;
  }
  push(x: T): void {
    this.items[this.n++] = x;
  }
  /** The list read, at its exact size ({@link NONE} when empty). */
  take(): T[] {
    return this.n === 0 ? (NONE as unknown as T[]) : this.items.slice(0, this.n);
  }
}

/** How many distinct scalar types (and names) the parser keeps to share; past it, it starts afresh (names are the user's). */
const MAX_SHARED_TYPES = 4096;

/** Unescape the contents of a string token. */
export function unquote(image: string): string {
  const body = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  return body.indexOf('\\') < 0 ? body : body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

function part(t: IToken): ValuePart {
  const type = t.tokenType;
  if (type === StringLit) return { type: 'string', image: t.image, value: unquote(t.image) };
  if (type === NumberLit) return { type: 'number', image: t.image };
  if (type === Duration) return { type: 'duration', image: t.image };
  if (tokenMatcher(t, Name)) return { type: 'name', image: t.image };
  return { type: 'symbol', image: t.image };
}

/** The parser's table of lookahead functions (Chevrotain 11 keeps one per choice and repetition, looked up on every use). */
type LookaheadCache = Map<number, unknown>;

/**
 * Chevrotain's LL(k) lookahead, built for each choice and repetition the first time the parser
 * reaches it instead of for the whole grammar when the parser is made: every command pays for
 * making the parser at start-up, and a project reaches only a part of the grammar. The function
 * built replaces its stand-in in the parser's table, so parsing calls it directly afterwards.
 */
class LazyLookahead implements ILookaheadStrategy {
  private readonly llk: ILookaheadStrategy;
  constructor(maxLookahead: number) {
    this.llk = new LLkLookaheadStrategy({ maxLookahead });
  }
  validate(options: Parameters<ILookaheadStrategy['validate']>[0]): ReturnType<ILookaheadStrategy['validate']> {
    return this.llk.validate(options);
  }
  buildLookaheadForAlternation(options: Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]): ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']> {
    const llk = this.llk;
    let built: ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']> | undefined;
    // A repetition keeps the function it looked up for its whole loop: the stand-in keeps the one it built.
    const stub = function (this: DslParser, orAlts?: IOrAlt<unknown>[]): number | undefined {
      built ??= replace(this, stub, llk.buildLookaheadForAlternation(options));
      return built.call(this, orAlts);
    };
    return stub;
  }
  buildLookaheadForOptional(options: Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]): ReturnType<ILookaheadStrategy['buildLookaheadForOptional']> {
    const llk = this.llk;
    let built: ReturnType<ILookaheadStrategy['buildLookaheadForOptional']> | undefined;
    const stub = function (this: DslParser): boolean {
      built ??= replace(this, stub, llk.buildLookaheadForOptional(options));
      return built.call(this);
    };
    return stub;
  }
}

/** Put `built` where `stub` is in the parser's lookahead table; `built`. */
function replace<F>(parser: DslParser, stub: unknown, built: F): F {
  const cache = (parser as unknown as { lookAheadFuncsCache: LookaheadCache }).lookAheadFuncsCache;
  for (const [key, f] of cache) {
    if (f === stub) {
      cache.set(key, built);
      break;
    }
  }
  return built;
}

export class DslParser extends EmbeddedActionsParser {
  /** The file being parsed (spans are built against it). */
  src!: SourceText;
  /** Top-level declarations read so far, with the token index just after each. */
  decls: Decl[] = [];
  /** Index (in the current input) of the first token of the statement being read. */
  stmtStart = 0;

  constructor(validate = false) {
    super(ALL_TOKENS, {
      maxLookahead: 1,
      lookaheadStrategy: new LazyLookahead(1),
      recoveryEnabled: false,
      skipValidations: !validate,
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
  }

  private isName(k: number): boolean {
    return tokenMatcher(this.LA(k), Name);
  }
  private is(k: number, t: TokenType): boolean {
    return tokenMatcher(this.LA(k), t);
  }
  private sp(start: number, end: number): Span {
    return this.src.span(start, end);
  }
  private tokSpan(t: IToken): Span {
    return this.src.span(t.startOffset, t.startOffset + t.image.length);
  }
  /** Index of the next token in the input. */
  private position(): number {
    return (this as unknown as { currIdx: number }).currIdx + 1;
  }

  /**
   * A whole file: a sequence of statements. The choice is made on the first
   * token (and gates): a keyword commits to its typed rule; anything else is
   * read by the general `line` rule.
   */
  public spec = this.RULE('spec', () => {
    this.MANY(this.statement);
  });

  // The choices and repetition bodies of the rules read for every statement and line are built
  // once, not on every call (their closures would otherwise be most of what parsing allocates).
  // Semantic code is skipped while Chevrotain records the grammar (RECORDING_PHASE), as ACTION does.
  private readonly statement = (): void => {
    if (!this.RECORDING_PHASE) this.stmtStart = this.position();
    const d: Decl | undefined = this.OR(this.statementChoice);
    if (d && !this.RECORDING_PHASE) this.decls.push(d);
  };
  private readonly statementChoice: OrMethodOpts<Decl> = {
    MAX_LOOKAHEAD: 1,
    IGNORE_AMBIGUITIES: true,
    DEF: [
      { ALT: () => this.SUBRULE(this.moduleDecl) },
      { ALT: () => this.SUBRULE(this.useDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.appDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.entityDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.archetypeDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.enumDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.transactionDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.channelDecl) },
      { ALT: () => this.SUBRULE(this.eventModelDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.streamDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.propertyConstruct) },
      { GATE: () => this.is(2, Colon), ALT: () => this.SUBRULE(this.sectionConstruct) },
      { ALT: () => this.SUBRULE(this.topLine) },
    ],
  };

  /** `module a.b.c` */
  public moduleDecl = this.RULE('moduleDecl', (): Decl => {
    const k = this.CONSUME(kw('module'));
    const q = this.SUBRULE(this.qualifiedName);
    this.CONSUME(Newline);
    return this.ACTION(() => ({ kind: 'module', name: q.text, span: this.sp(k.startOffset, q.end) }) as Decl);
  });

  /** `use a.b.c [as alias]` */
  public useDecl = this.RULE('useDecl', (): Decl => {
    const k = this.CONSUME(kw('use'));
    const q = this.SUBRULE(this.qualifiedName);
    let alias: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(kw('as'));
      alias = this.CONSUME(Name);
    });
    this.CONSUME(Newline);
    return this.ACTION(
      () =>
        ({
          kind: 'use',
          module: q.text,
          moduleSpan: this.sp(q.start, q.end),
          ...(alias ? { alias: alias.image } : {}),
          span: this.sp(k.startOffset, alias ? tokEnd(alias) : q.end),
        }) as Decl,
    );
  });

  public qualifiedName = this.RULE('qualifiedName', (): { text: string; start: number; end: number } => {
    const first = this.CONSUME(Name);
    this.qnText = first.image;
    this.qnLast = first;
    this.MANY(this.qualifiedPart);
    // Nothing is built while the grammar is recorded: its placeholder tokens have no offsets (NaN),
    // which would make every later result of this literal, and every span made from one, hold boxed doubles.
    if (this.RECORDING_PHASE) return undefined as unknown as { text: string; start: number; end: number };
    return { text: this.qnText, start: first.startOffset, end: tokEnd(this.qnLast as IToken) };
  });
  /** The dotted name read so far (a qualified name holds no nested rule). */
  private qnText = '';
  private qnLast: IToken | undefined;
  private readonly qualifiedPart = (): void => {
    this.CONSUME(Dot);
    const n = this.CONSUME2(Name);
    this.qnText += `.${n.image}`;
    this.qnLast = n;
  };

  /** `app name "Title"` with an optional `:` and property body. */
  public appDecl = this.RULE('appDecl', (): Decl => {
    const k = this.CONSUME(kw('app'));
    const name = this.CONSUME(Name);
    const title = this.OPTION(() => this.CONSUME(StringLit));
    const colon = this.OPTION2(() => this.CONSUME(Colon));
    this.CONSUME(Newline);
    const block = this.OPTION3(() => this.SUBRULE(this.memberBlock));
    return this.ACTION(() => {
      const end = block ? block.end : tokEnd(colon ?? title ?? name);
      return {
        kind: 'app',
        name: name.image,
        nameSpan: this.tokSpan(name),
        ...(title ? { title: unquote(title.image) } : {}),
        properties: block ? block.members : [],
        span: this.sp(k.startOffset, end),
      } as Decl;
    });
  });

  /** `entity Name "Title": <fields and directives>` */
  public entityDecl = this.RULE('entityDecl', (): Decl => {
    const k = this.CONSUME(kw('entity'));
    const h = this.SUBRULE(this.declHeader);
    const body = this.SUBRULE(this.entityBody);
    return this.ACTION(() => this.entity('entity', k, h, body));
  });

  /** `archetype Name: <fields>`, fields shared by entities that extend it. */
  public archetypeDecl = this.RULE('archetypeDecl', (): Decl => {
    const k = this.CONSUME(kw('archetype'));
    const h = this.SUBRULE(this.declHeader);
    const body = this.SUBRULE(this.entityBody);
    return this.ACTION(() => this.entity('archetype', k, h, body));
  });

  private entity(kind: 'entity' | 'archetype', k: IToken, h: Header, body: EntityBody): EntityDecl {
    // Written out rather than with spreads: this runs for every entity of a project.
    const name = h.name.image;
    const nameSpan = this.tokSpan(h.name);
    const fields = body.fields.take();
    const directives = body.directives.take();
    const span = this.sp(k.startOffset, body.end);
    return h.title ? { kind, name, nameSpan, title: unquote(h.title.image), fields, directives, span } : { kind, name, nameSpan, fields, directives, span };
  }

  public entityBody = this.RULE('entityBody', (): EntityBody => {
    // Entities do not nest: the body being read is this entity's (taken by entity() before the next one).
    const body = this.body;
    body.fields.reset();
    body.directives.reset();
    body.end = 0;
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.entityMember);
    this.CONSUME(Dedent);
    return body;
  });
  private readonly body: EntityBody = { fields: new Scratch<Field>(), directives: new Scratch<OpaqueLine>(), end: 0 };
  private readonly entityMember = (): void => {
    this.OR(this.entityMemberChoice);
  };
  private readonly entityMemberChoice: OrMethodOpts<void> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        GATE: () => this.isFieldStart(),
        ALT: () => {
          const f = this.SUBRULE(this.fieldLine);
          if (this.RECORDING_PHASE) return;
          this.body.fields.push(f);
          this.body.end = f.span.offset + f.span.length;
        },
      },
      {
        ALT: () => {
          const l = this.SUBRULE(this.line);
          if (this.RECORDING_PHASE) return;
          this.body.directives.push(this.opaqueLine(l));
          this.body.end = l.end;
        },
      },
    ],
  };

  /** `Name "Title"? :` then end of line. */
  public declHeader = this.RULE('declHeader', (): Header => {
    const name = this.CONSUME(Name);
    const title = this.OPTION(() => this.CONSUME(StringLit));
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    return { name, title };
  });

  private isFieldStart(): boolean {
    if (!this.isName(1) || !this.is(2, Colon)) return false;
    const t3 = this.LA(3);
    if (!tokenMatcher(t3, Name)) return false;
    if (!ENTITY_DIRECTIVES.has(this.LA(1).image)) return true;
    // A directive key (`invariant:`, `index:` …) holding a field type is still a field: `index: int`.
    if (!TYPE_NAMES.has(t3.image)) return false;
    const t4 = this.LA(4);
    return AFTER_FIELD_TYPE.some((t) => tokenMatcher(t4, t));
  }

  /** `name: type modifiers*`, with an optional indented continuation. */
  public fieldLine = this.RULE('fieldLine', (): Field => {
    const name = this.CONSUME(Name);
    this.CONSUME(Colon);
    const type = this.SUBRULE(this.typeSpec);
    // Modifiers hold no nested field: the ones being read are this field's.
    this.modifiers.reset();
    this.defaultText = undefined;
    this.defaultExpression = undefined;
    this.modifiersEnd = this.RECORDING_PHASE ? 0 : type.end;
    this.MANY(this.modifierItem);
    const mods = this.modifiers.take();
    const defaultText = this.defaultText;
    const defaultExpression = this.defaultExpression;
    const end = this.modifiersEnd;
    this.CONSUME(Newline);
    const block = this.OPTION(this.fieldBlock);
    if (this.RECORDING_PHASE) return undefined as unknown as Field;
    const last = block && block.length ? (block[block.length - 1] as OpaqueLine) : undefined;
    const nameSpan = this.tokSpan(name);
    const typeSpan = this.sp(type.start, type.end);
    // Most fields have neither a default nor a continuation: one literal, without spreads (this runs for every field).
    if (defaultText === undefined && defaultExpression === undefined && !last) {
      return { name: this.shared(name.image), nameSpan, type: type.type, typeSpan, modifiers: mods, span: this.sp(name.startOffset, end) };
    }
    return {
      name: this.shared(name.image),
      nameSpan,
      type: type.type,
      typeSpan,
      modifiers: mods,
      ...(defaultText !== undefined ? { default: defaultText } : {}),
      ...(defaultExpression !== undefined ? { defaultExpression } : {}),
      ...(last ? { continuation: block } : {}),
      span: this.sp(name.startOffset, last ? last.span.offset + last.span.length : end),
    };
  });
  private readonly modifiers = new Scratch<FieldModifier>();
  private defaultText: string | undefined;
  private defaultExpression: DateExpression | undefined;
  private modifiersEnd = 0;
  private readonly modifierItem = (): void => {
    const m = this.SUBRULE(this.fieldModifier);
    if (this.RECORDING_PHASE) return;
    if (m.modifier) this.modifiers.push(m.modifier);
    if (m.defaultText !== undefined) {
      this.defaultText = m.defaultText;
      this.defaultExpression = m.defaultExpression;
    }
    this.modifiersEnd = m.end;
  };
  private readonly fieldBlock = (): OpaqueLine[] => this.SUBRULE(this.lineBlock);

  public typeSpec = this.RULE('typeSpec', (): TypeInfo => this.OR(this.typeChoice));
  private readonly typeChoice: OrMethodOpts<TypeInfo> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      { ALT: () => this.SUBRULE(this.enumType) },
      { ALT: () => this.SUBRULE(this.refType) },
      { GATE: () => VIA_RELATIONS.has(this.LA(1).image) && this.isName(2), ALT: () => this.SUBRULE(this.viaType) },
      { ALT: () => this.SUBRULE(this.computedType) },
      { GATE: () => !this.is(1, kw('enum')), ALT: () => this.SUBRULE(this.scalarType) },
    ],
  };

  /** `enum[a, b, c]` */
  public enumType = this.RULE('enumType', (): TypeInfo => {
    const k = this.CONSUME(kw('enum'));
    const values: string[] = [];
    this.CONSUME(LBracket);
    const first = this.CONSUME(Name);
    this.ACTION(() => values.push(first.image));
    // A trailing comma is allowed: `enum[a, b,]`.
    this.MANY(() => {
      this.CONSUME(Comma);
      this.OPTION(() => {
        const v = this.CONSUME2(Name);
        this.ACTION(() => values.push(v.image));
      });
    });
    const close = this.CONSUME(RBracket);
    return this.ACTION(() => ({ type: this.enumOf(values), start: k.startOffset, end: tokEnd(close) }));
  });

  /** `ref Entity`, `has_many Entity`, `has_many Entity via Junction`, … */
  public refType = this.RULE('refType', (): TypeInfo => {
    const k = this.OR([
      { ALT: () => this.CONSUME(kw('ref')) },
      { ALT: () => this.CONSUME(kw('has_many')) },
      { ALT: () => this.CONSUME(kw('has_one')) },
      { ALT: () => this.CONSUME(kw('embeds')) },
      { ALT: () => this.CONSUME(kw('belongs_to')) },
    ]);
    const q = this.SUBRULE(this.qualifiedName);
    let via: { text: string; start: number; end: number } | undefined;
    this.OPTION(() => {
      this.CONSUME(kw('via'));
      via = this.SUBRULE2(this.qualifiedName);
    });
    return this.ACTION(() => this.relation(k, q, via));
  });

  /** `latest_one Entity via fk`, `descendants_of self via parent`, `ancestors_of self via parent`. */
  public viaType = this.RULE('viaType', (): TypeInfo => {
    const k = this.CONSUME(Name);
    const q = this.SUBRULE(this.qualifiedName);
    let via: { text: string; start: number; end: number } | undefined;
    this.OPTION(() => {
      this.CONSUME(kw('via'));
      via = this.SUBRULE2(this.qualifiedName);
    });
    return this.ACTION(() => this.relation(k, q, via));
  });

  private relation(k: IToken, q: { text: string; start: number; end: number }, via: { text: string; start: number; end: number } | undefined): TypeInfo {
    const relation = k.image as RelationKind;
    const targetSpan = this.sp(q.start, q.end);
    const type: FieldType = via
      ? { kind: 'relation', relation, target: q.text, targetSpan, via: via.text, viaSpan: this.sp(via.start, via.end) }
      : { kind: 'relation', relation, target: q.text, targetSpan };
    return { type, start: k.startOffset, end: via ? via.end : q.end };
  }

  /** `computed <expression>` (kept as text). */
  public computedType = this.RULE('computedType', (): TypeInfo => {
    const k = this.CONSUME(kw('computed'));
    const parts: string[] = [];
    let end = 0;
    this.ACTION(() => {
      end = tokEnd(k);
    });
    this.MANY(() => {
      const t = this.CONSUME(Atom);
      this.ACTION(() => {
        parts.push(t.image);
        end = tokEnd(t);
      });
    });
    return this.ACTION(() => ({ type: { kind: 'computed', expression: parts.join(' ') } as FieldType, start: k.startOffset, end }));
  });

  /** `str(200)`, `decimal(10,2)`, `money(GBP)`, `poly_ref[A, B]`, `uuid`, … */
  public scalarType = this.RULE('scalarType', (): TypeInfo => {
    const name = this.CONSUME(Name);
    // Type arguments hold no nested type: the ones being read are this type's.
    this.typeArgList = NONE;
    this.typeClose = undefined;
    this.OPTION(this.scalarArgs);
    if (this.RECORDING_PHASE) return undefined as unknown as TypeInfo;
    return { type: this.scalar(name.image, this.typeArgList), start: name.startOffset, end: tokEnd(this.typeClose ?? name) };
  });
  private typeArgList: readonly (string | number)[] = NONE;
  /**
   * Scalar types without arguments or with one number, shared: a project writes `uuid`, `str(200)`
   * and `int` thousands of times, and the tree and the IR (which is frozen) keep every field's type.
   */
  private readonly scalarTypes = new Map<string, FieldType>();
  /** Inline enums (`enum[draft, open, closed]`), shared by their values for the same reason. */
  private readonly enumTypes = new Map<string, FieldType>();
  private enumOf(values: string[]): FieldType {
    const key = values.join(' ');
    let type = this.enumTypes.get(key);
    if (!type) {
      if (this.enumTypes.size >= MAX_SHARED_TYPES) this.enumTypes.clear();
      type = { kind: 'enum', values: values.map((v) => this.shared(v)) };
      this.enumTypes.set(key, type);
    }
    return type;
  }
  /** Field and modifier names, shared for the same reason (`id`, `pk`, `required` …); each token's text is a string of its own. */
  private readonly names = new Map<string, string>();
  private shared(name: string): string {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    if (this.names.size >= MAX_SHARED_TYPES) this.names.clear();
    this.names.set(name, name);
    return name;
  }
  private scalar(name: string, args: readonly (string | number)[]): FieldType {
    const [first, second] = args;
    if (args.length > 2 || (first !== undefined && typeof first !== 'number') || (second !== undefined && typeof second !== 'number')) return { kind: 'scalar', name, args };
    const key = first === undefined ? name : second === undefined ? `${name}(${first}` : `${name}(${first},${second}`;
    let type = this.scalarTypes.get(key);
    if (!type) {
      if (this.scalarTypes.size >= MAX_SHARED_TYPES) this.scalarTypes.clear();
      type = { kind: 'scalar', name, args };
      this.scalarTypes.set(key, type);
    }
    return type;
  }
  private typeClose: IToken | undefined;
  private readonly scalarArgs = (): void => {
    this.OR(this.scalarArgsChoice);
  };
  private readonly scalarArgsChoice: IOrAlt<void>[] = [
    {
      ALT: () => {
        this.CONSUME(LParen);
        this.OPTION2(this.parenArgs);
        this.typeClose = this.CONSUME(RParen);
      },
    },
    {
      ALT: () => {
        this.CONSUME(LBracket);
        this.OPTION3(this.bracketArgs);
        this.typeClose = this.CONSUME(RBracket);
      },
    },
  ];
  private readonly parenArgs = (): void => {
    this.typeArgList = this.SUBRULE(this.typeArgs);
  };
  private readonly bracketArgs = (): void => {
    this.typeArgList = this.SUBRULE2(this.typeArgs);
  };

  public typeArgs = this.RULE('typeArgs', (): (string | number)[] => {
    this.argsRead.reset();
    this.AT_LEAST_ONE_SEP(this.typeArgItems);
    return this.argsRead.take();
  });
  private readonly argsRead = new Scratch<string | number>();
  private readonly typeArgItems = {
    SEP: Comma,
    DEF: (): void => {
      const a = this.SUBRULE(this.typeArg);
      if (!this.RECORDING_PHASE) this.argsRead.push(a);
    },
  };

  public typeArg = this.RULE('typeArg', (): string | number => {
    const t = this.OR(this.typeArgChoice);
    if (this.RECORDING_PHASE) return '';
    return t.tokenType === NumberLit ? Number(t.image) : t.tokenType === StringLit ? unquote(t.image) : t.image;
  });
  private readonly typeArgChoice: IOrAlt<IToken>[] = [{ ALT: () => this.CONSUME(NumberLit) }, { ALT: () => this.CONSUME(Name) }, { ALT: () => this.CONSUME(StringLit) }];

  /** `required`, `unique?`, `storage=media`, `=default`, `=today + 7d`, `was: old_name`. */
  public fieldModifier = this.RULE('fieldModifier', (): ModifierInfo => this.OR(this.modifierChoice));
  private readonly modifierChoice: IOrAlt<ModifierInfo>[] = [
    {
      ALT: () => {
        this.CONSUME(Eq);
        const lit = this.SUBRULE(this.literalValue);
        if (this.RECORDING_PHASE) return undefined as unknown as ModifierInfo;
        return { modifier: undefined, defaultText: lit.text, defaultExpression: lit.expression, end: lit.end };
      },
    },
    { ALT: () => this.namedModifier() },
  ];
  /** A modifier's value, read by {@link modifierValueChoice} (a value holds no nested modifier). */
  private modValue: { text: string; end: number; expression: DateExpression | undefined } | undefined;
  private modEq: IToken | undefined;
  private namedModifier(): ModifierInfo {
    const word = this.CONSUME(Name);
    const q = this.OPTION(this.question);
    this.modValue = undefined;
    this.modEq = undefined;
    this.OPTION2(this.modifierValue);
    if (this.RECORDING_PHASE) return undefined as unknown as ModifierInfo;
    // Set by the value's alternative (TypeScript cannot see it through the call above).
    const value = this.modValue as { text: string; end: number; expression: DateExpression | undefined } | undefined;
    const eq = this.modEq as IToken | undefined;
    const name = this.shared(q ? `${word.image}?` : word.image);
    const end = value ? value.end : tokEnd(q ?? word);
    // `storage=media` is located from its '=' (the value it binds), as diagnostics on it have always been.
    const start = eq ? eq.startOffset : word.startOffset;
    const modifier: FieldModifier = value !== undefined ? { name, value: value.text, span: this.sp(start, end) } : { name, span: this.sp(start, end) };
    const isDefault = word.image === 'default';
    return { modifier, defaultText: isDefault ? value?.text : undefined, defaultExpression: isDefault ? value?.expression : undefined, end };
  }
  private readonly question = (): IToken => this.CONSUME(Question);
  private readonly modifierValue = (): void => {
    this.OR2(this.modifierValueChoice);
  };
  private readonly modifierValueChoice: IOrAlt<void>[] = [
    {
      ALT: () => {
        this.modEq = this.CONSUME2(Eq);
        this.modValue = this.SUBRULE2(this.literalValue);
      },
    },
    {
      ALT: () => {
        this.CONSUME(Colon);
        const n = this.CONSUME2(Name);
        if (!this.RECORDING_PHASE) this.modValue = { text: n.image, end: tokEnd(n), expression: undefined };
      },
    },
  ];

  /**
   * A default value: string, number, duration, name, `-number`, or date
   * arithmetic (`today + 7d`, `now - 24h`), which becomes an expression.
   */
  public literalValue = this.RULE('literalValue', (): { text: string; end: number; expression: DateExpression | undefined } => {
    const minus = this.OPTION(() => this.CONSUME(Minus));
    let first: IToken | undefined;
    let end = 0;
    let expression: DateExpression | undefined;
    this.OR([
      {
        ALT: () => {
          first = this.CONSUME(StringLit);
        },
      },
      {
        ALT: () => {
          first = this.CONSUME(Duration);
        },
      },
      {
        ALT: () => {
          first = this.CONSUME(NumberLit);
        },
      },
      {
        GATE: () => DATE_BASES.has(this.LA(1).image) && (this.is(2, Plus) || this.is(2, Minus)),
        ALT: () => {
          const base = this.CONSUME2(Name);
          const op = this.OR2([{ ALT: () => this.CONSUME(Plus) }, { ALT: () => this.CONSUME2(Minus) }]);
          const amount = this.CONSUME2(Duration);
          this.ACTION(() => {
            first = base;
            end = tokEnd(amount);
            expression = dateArithmetic(base.image, op.image, amount.image);
          });
        },
      },
      {
        ALT: () => {
          const q = this.SUBRULE(this.qualifiedName);
          let close: IToken | undefined;
          this.OPTION2(() => {
            this.CONSUME(LParen);
            close = this.CONSUME(RParen);
          });
          this.ACTION(() => {
            end = close ? tokEnd(close) : q.end;
            first = { startOffset: q.start, image: '' } as IToken;
            if (!close && DATE_BASES.has(q.text)) expression = { kind: q.text as 'today' | 'now' };
          });
        },
      },
    ]);
    return this.ACTION(() => {
      const f = first as IToken;
      const start = minus ? minus.startOffset : f.startOffset;
      const stop = end || tokEnd(f);
      // Date arithmetic is kept in one spelling (`today + 7d`), however it was spaced.
      const text = expression?.kind === 'date_arithmetic' ? `${expression.base} ${expression.operator} ${expression.duration}` : this.src.text.slice(start, stop);
      return { text, end: stop, expression };
    });
  });

  /** `enum Name "Title":` with one value per line. */
  public enumDecl = this.RULE('enumDecl', (): Decl => {
    const k = this.CONSUME(kw('enum'));
    const h = this.SUBRULE(this.declHeader);
    const lines = this.SUBRULE(this.lineBlock);
    return this.ACTION(() => {
      const last = lines[lines.length - 1] as OpaqueLine;
      return {
        kind: 'enum',
        name: h.name.image,
        nameSpan: this.tokSpan(h.name),
        ...(h.title ? { title: unquote(h.title.image) } : {}),
        values: lines.map((l) => l.text.split(/[\s:]/, 1)[0] ?? ''),
        span: this.sp(k.startOffset, last.span.offset + last.span.length),
      } as Decl;
    });
  });

  /** `transaction Name "Title":` with properties and `transfer` blocks. */
  public transactionDecl = this.RULE('transactionDecl', (): Decl => {
    const k = this.CONSUME(kw('transaction'));
    const h = this.SUBRULE(this.declHeader);
    const members: Member[] = [];
    const transfers: SubBlock[] = [];
    let end = 0;
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => this.isName(2) && this.is(3, Colon),
            ALT: () => {
              const b = this.SUBRULE(this.transferBlock);
              this.ACTION(() => {
                transfers.push(b);
                end = b.span.offset + b.span.length;
              });
            },
          },
          {
            GATE: () => this.isName(1) && this.is(2, Colon),
            ALT: () => {
              const p = this.SUBRULE(this.property);
              this.ACTION(() => {
                members.push(p);
                end = p.span.offset + p.span.length;
              });
            },
          },
          {
            ALT: () => {
              const l = this.SUBRULE(this.line);
              this.ACTION(() => {
                members.push(this.opaqueLine(l));
                end = l.end;
              });
            },
          },
        ],
      });
    });
    this.CONSUME(Dedent);
    return this.ACTION(() => ({ kind: 'transaction', ...this.named(h), members, transfers, span: this.sp(k.startOffset, end) }) as Decl);
  });

  private named(h: Header): { name: string; nameSpan: Span; title?: string } {
    return { name: h.name.image, nameSpan: this.tokSpan(h.name), ...(h.title ? { title: unquote(h.title.image) } : {}) };
  }

  /** `transfer name:` with debit, credit, amount, code, flags. */
  public transferBlock = this.RULE('transferBlock', (): SubBlock => {
    const k = this.CONSUME(kw('transfer'));
    const name = this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    const block = this.SUBRULE(this.memberBlock);
    return this.ACTION(() => this.subBlock('transfer', k, name, block));
  });

  private subBlock(keyword: string, k: IToken, name: IToken, block: Block | undefined): SubBlock {
    return {
      keyword,
      name: name.image,
      nameSpan: this.tokSpan(name),
      members: block ? block.members : [],
      span: this.sp(k.startOffset, block ? block.end : tokEnd(name) + 1),
    };
  }

  /** `channel name "Title":` with properties and `send` / `receive` operations. */
  public channelDecl = this.RULE('channelDecl', (): Decl => {
    const k = this.CONSUME(kw('channel'));
    const h = this.SUBRULE(this.declHeader);
    const members: Member[] = [];
    const operations: SubBlock[] = [];
    let end = 0;
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => this.isName(2) && this.is(3, Colon),
            ALT: () => {
              const b = this.SUBRULE(this.channelOperation);
              this.ACTION(() => {
                operations.push(b);
                end = b.span.offset + b.span.length;
              });
            },
          },
          {
            GATE: () => this.isName(1) && this.is(2, Colon),
            ALT: () => {
              const p = this.SUBRULE(this.property);
              this.ACTION(() => {
                members.push(p);
                end = p.span.offset + p.span.length;
              });
            },
          },
          {
            ALT: () => {
              const l = this.SUBRULE(this.line);
              this.ACTION(() => {
                members.push(this.opaqueLine(l));
                end = l.end;
              });
            },
          },
        ],
      });
    });
    this.CONSUME(Dedent);
    return this.ACTION(() => ({ kind: 'channel', ...this.named(h), members, operations, span: this.sp(k.startOffset, end) }) as Decl);
  });

  /** `send name:` or `receive name:` */
  public channelOperation = this.RULE('channelOperation', (): SubBlock => {
    const k = this.OR([{ ALT: () => this.CONSUME(kw('send')) }, { ALT: () => this.CONSUME(kw('receive')) }]);
    const name = this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    const block = this.SUBRULE(this.memberBlock);
    return this.ACTION(() => this.subBlock(k.image, k, name, block));
  });

  /** `event_model:` or `event_model Name "Title":`, with `topic` and `event` blocks. */
  public eventModelDecl = this.RULE('eventModelDecl', (): Decl => {
    const k = this.CONSUME(kw('event_model'));
    let name: IToken | undefined;
    let title: IToken | undefined;
    this.OPTION(() => {
      name = this.CONSUME(Name);
      this.OPTION2(() => {
        title = this.CONSUME(StringLit);
      });
    });
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    const members: Member[] = [];
    const topics: SubBlock[] = [];
    const events: SubBlock[] = [];
    let end = 0;
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => this.isName(2) && this.is(3, Colon),
            ALT: () => {
              const b = this.SUBRULE(this.topicBlock);
              this.ACTION(() => {
                topics.push(b);
                end = b.span.offset + b.span.length;
              });
            },
          },
          {
            GATE: () => this.isName(2) && this.is(3, Colon),
            ALT: () => {
              const b = this.SUBRULE(this.eventBlock);
              this.ACTION(() => {
                events.push(b);
                end = b.span.offset + b.span.length;
              });
            },
          },
          {
            GATE: () => this.isName(1) && this.is(2, Colon),
            ALT: () => {
              const p = this.SUBRULE(this.property);
              this.ACTION(() => {
                members.push(p);
                end = p.span.offset + p.span.length;
              });
            },
          },
          {
            ALT: () => {
              const l = this.SUBRULE(this.line);
              this.ACTION(() => {
                members.push(this.opaqueLine(l));
                end = l.end;
              });
            },
          },
        ],
      });
    });
    this.CONSUME(Dedent);
    return this.ACTION(() => {
      const n = name;
      const t = title;
      return {
        kind: 'event_model',
        ...(n ? { name: n.image, nameSpan: this.tokSpan(n) } : {}),
        ...(t ? { title: unquote(t.image) } : {}),
        members,
        topics,
        events,
        span: this.sp(k.startOffset, end),
      } as Decl;
    });
  });

  /** `topic name:` with retention and partition key. */
  public topicBlock = this.RULE('topicBlock', (): SubBlock => {
    const k = this.CONSUME(kw('topic'));
    const name = this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    const block = this.OPTION(() => this.SUBRULE(this.memberBlock));
    return this.ACTION(() => this.subBlock('topic', k, name, block));
  });

  /** `event Name:` with its topic and fields. */
  public eventBlock = this.RULE('eventBlock', (): SubBlock => {
    const k = this.CONSUME(kw('event'));
    const name = this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    const block = this.OPTION(() => this.SUBRULE(this.memberBlock));
    return this.ACTION(() => this.subBlock('event', k, name, block));
  });

  /** `stream name "Title"?:` (HLESS): properties and typed `schema Name:` blocks of fields. */
  public streamDecl = this.RULE('streamDecl', (): Decl => {
    const k = this.CONSUME(kw('stream'));
    const h = this.SUBRULE(this.declHeader);
    const members: Member[] = [];
    const schemas: { name: string; nameSpan: Span; fields: Field[]; members: Member[]; span: Span }[] = [];
    let end = 0;
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => this.is(1, kw('schema')) && this.isName(2) && this.is(3, Colon),
            ALT: () => {
              const s = this.SUBRULE(this.schemaBlock);
              this.ACTION(() => {
                schemas.push(s);
                end = s.span.offset + s.span.length;
              });
            },
          },
          {
            GATE: () => this.isName(1) && this.is(2, Colon),
            ALT: () => {
              const p = this.SUBRULE(this.property);
              this.ACTION(() => {
                members.push(p);
                end = p.span.offset + p.span.length;
              });
            },
          },
          {
            ALT: () => {
              const l = this.SUBRULE(this.line);
              this.ACTION(() => {
                members.push(this.opaqueLine(l));
                end = l.end;
              });
            },
          },
        ],
      });
    });
    this.CONSUME(Dedent);
    return this.ACTION(() => ({ kind: 'stream', ...this.named(h), members, schemas, span: this.sp(k.startOffset, end) }) as Decl);
  });

  /** `schema Name:` with the event's fields (`order_id: uuid required`). */
  public schemaBlock = this.RULE('schemaBlock', (): { name: string; nameSpan: Span; fields: Field[]; members: Member[]; span: Span } => {
    const k = this.CONSUME(kw('schema'));
    const name = this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    const fields: Field[] = [];
    const members: Member[] = [];
    let end = 0;
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => this.isFieldStart(),
            ALT: () => {
              const f = this.SUBRULE(this.fieldLine);
              this.ACTION(() => {
                fields.push(f);
                end = f.span.offset + f.span.length;
              });
            },
          },
          {
            ALT: () => {
              const l = this.SUBRULE(this.line);
              this.ACTION(() => {
                members.push(this.opaqueLine(l));
                end = l.end;
              });
            },
          },
        ],
      });
    });
    this.CONSUME(Dedent);
    return this.ACTION(() => ({ name: name.image, nameSpan: this.tokSpan(name), fields, members, span: this.sp(k.startOffset, end) }));
  });

  /** ledger, schedule, job, service, integration, experience, webhook, llm_model, llm_intent. */
  public propertyConstruct = this.RULE('propertyConstruct', (): Decl => {
    const k = this.OR(PROPERTY_CONSTRUCTS.map((w) => ({ ALT: () => this.CONSUME(kw(w)) })));
    const h = this.SUBRULE(this.declHeader);
    const block = this.SUBRULE(this.memberBlock);
    return this.ACTION(() => ({ kind: k.image, ...this.named(h), members: block.members, span: this.sp(k.startOffset, block.end) }) as Decl);
  });

  /** tenancy, llm_config. */
  public sectionConstruct = this.RULE('sectionConstruct', (): Decl => {
    const k = this.OR(SECTION_CONSTRUCTS.map((w) => ({ ALT: () => this.CONSUME(kw(w)) })));
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    const block = this.SUBRULE(this.memberBlock);
    return this.ACTION(() => ({ kind: k.image, keySpan: this.tokSpan(k), members: block.members, span: this.sp(k.startOffset, block.end) }) as Decl);
  });

  /** An indented block of properties (and other lines). */
  public memberBlock = this.RULE('memberBlock', (): Block => {
    // Blocks nest (a property's block): the block being read is saved around this one.
    const outer = this.block;
    const block: Block = (this.block = { members: [], end: 0 });
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.member);
    this.CONSUME(Dedent);
    this.block = outer;
    return { members: exact(block.members), end: block.end };
  });
  private block: Block = { members: [], end: 0 };
  private readonly member = (): void => {
    this.OR(this.memberChoice);
  };
  private readonly memberChoice: OrMethodOpts<void> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        GATE: () => this.isName(1) && this.is(2, Colon),
        ALT: () => {
          const p = this.SUBRULE(this.property);
          if (this.RECORDING_PHASE) return;
          this.block.members.push(p);
          this.block.end = p.span.offset + p.span.length;
        },
      },
      {
        ALT: () => {
          const l = this.SUBRULE(this.line);
          if (this.RECORDING_PHASE) return;
          this.block.members.push(this.opaqueLine(l));
          this.block.end = l.end;
        },
      },
    ],
  };

  /** `key: value` with an optional nested block of members. */
  public property = this.RULE('property', (): Property => {
    const key = this.CONSUME(Name);
    const colon = this.CONSUME(Colon);
    // A value holds no nested rule: the atoms being read are this property's.
    const atoms: IToken[] = (this.atoms = []);
    this.MANY(this.valueAtom);
    this.CONSUME(Newline);
    const block = this.OPTION(this.propertyBlock);
    if (this.RECORDING_PHASE) return undefined as unknown as Property;
    const end = block ? block.end : atoms.length ? tokEnd(atoms[atoms.length - 1] as IToken) : tokEnd(colon);
    return { kind: 'property', key: key.image, keySpan: this.tokSpan(key), value: this.value(atoms), members: block ? block.members : [], span: this.sp(key.startOffset, end) };
  });
  private atoms: IToken[] = [];
  private readonly valueAtom = (): void => {
    this.atoms.push(this.CONSUME(Atom));
  };
  private readonly propertyBlock = (): Block => this.SUBRULE(this.memberBlock);

  private value(atoms: readonly IToken[]): Value {
    const first = atoms[0];
    const last = atoms[atoms.length - 1];
    if (!first || !last) return { text: '', parts: [], span: undefined };
    const end = tokEnd(last);
    return { text: this.src.text.slice(first.startOffset, end), parts: atoms.map(part), span: this.sp(first.startOffset, end) };
  }

  private opaqueLine(l: LineInfo): OpaqueLine {
    const start = l.first.startOffset;
    return { kind: 'line', text: this.src.text.slice(start, l.end), span: this.sp(start, l.end) };
  }

  /** A top-level construct read by the general line rule. */
  public topLine = this.RULE('topLine', (): Decl => {
    const l = this.SUBRULE(this.line);
    if (this.RECORDING_PHASE) return undefined as unknown as Decl;
    const start = l.first.startOffset;
    const keyword = l.first.image;
    const text = this.src.text.slice(start, l.end);
    const span = this.sp(start, l.end);
    return l.second && tokenMatcher(l.second, Name) ? { kind: 'opaque', keyword, name: l.second.image, text, span } : { kind: 'opaque', keyword, text, span };
  });

  /**
   * The general block rule: any line of atoms, then an optional indented
   * block of lines. Every construct without a typed rule is read by it.
   */
  public line = this.RULE('line', (): LineInfo => {
    this.lineFirst = undefined;
    this.lineSecond = undefined;
    this.AT_LEAST_ONE(this.lineAtom);
    // Read before the block, whose lines use the same fields.
    const first = this.lineFirst as IToken | undefined;
    const second = this.lineSecond as IToken | undefined;
    const last = this.lineLast as IToken | undefined;
    this.CONSUME(Newline);
    const block = this.OPTION(this.lineBlockItem);
    if (this.RECORDING_PHASE) return undefined as unknown as LineInfo;
    const b = block && block[block.length - 1];
    return { first: first as IToken, second, end: b ? b.span.offset + b.span.length : tokEnd(last as IToken) };
  });
  private lineFirst: IToken | undefined;
  private lineSecond: IToken | undefined;
  private lineLast: IToken | undefined;
  private readonly lineAtom = (): void => {
    const t = this.CONSUME(Atom);
    if (this.lineFirst === undefined) this.lineFirst = t;
    else if (this.lineSecond === undefined) this.lineSecond = t;
    this.lineLast = t;
  };
  private readonly lineBlockItem = (): OpaqueLine[] => this.SUBRULE(this.lineBlock);

  public lineBlock = this.RULE('lineBlock', (): OpaqueLine[] => {
    // Line blocks nest: the list being filled is saved around this one.
    const outer = this.lines;
    const lines: OpaqueLine[] = (this.lines = []);
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.blockLine);
    this.CONSUME(Dedent);
    this.lines = outer;
    return exact(lines);
  });
  private lines: OpaqueLine[] = [];
  private readonly blockLine = (): void => {
    const l = this.SUBRULE(this.line);
    if (!this.RECORDING_PHASE) this.lines.push(this.opaqueLine(l));
  };
}

/** Duration units of date arithmetic, as Dazzle defines them (`m` and `mo` are months). */
const DATE_UNITS: Readonly<Record<string, DateExpressionUnit>> = { min: 'minutes', h: 'hours', d: 'days', w: 'weeks', m: 'months', mo: 'months', y: 'years' };
type DateExpressionUnit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';

function dateArithmetic(base: string, op: string, duration: string): DateExpression {
  const m = /^(\d+)([a-z]+)$/.exec(duration);
  const unit = m ? DATE_UNITS[m[2] as string] : undefined;
  return {
    kind: 'date_arithmetic',
    base: base as 'today' | 'now',
    operator: op as '+' | '-',
    amount: m ? Number(m[1]) : Number.NaN,
    unit: unit ?? null,
    duration,
  };
}

let shared: DslParser | undefined;
/** The parser instance (built once per process). */
export function getParser(): DslParser {
  shared ??= new DslParser(false);
  return shared;
}

/** Syntax errors reported per file; past this many, one note says the rest were not shown. */
export const MAX_SYNTAX_ERRORS = 50;

/** One syntax error: the token it was found at, the message, and the rule being read. */
export interface SyntaxProblem {
  readonly token: IToken;
  readonly message: string;
  readonly rule: string;
}

/** What parsing read: the declarations, and what recovery dropped. */
export interface ParsedFile {
  readonly decls: Decl[];
  /** Source ranges [start, end) dropped by error recovery; constructs overlapping them are incomplete. */
  readonly dropped: readonly (readonly [number, number])[];
  /** Keyword and name of each statement that held an error (its references must not become follow-on errors). */
  readonly affected: readonly { readonly keyword: string; readonly name?: string }[];
}

export interface ParseOutput {
  /** The declarations read (kept under this name for the benchmark's sake). */
  readonly cst: ParsedFile;
  /** The first syntax error, if any. */
  readonly error: SyntaxProblem | undefined;
  /** Every syntax error reported, in order (at most {@link MAX_SYNTAX_ERRORS}). */
  readonly errors: readonly SyntaxProblem[];
  /** The token of the first error not reported, when there were more than {@link MAX_SYNTAX_ERRORS}. */
  readonly truncatedAt: IToken | undefined;
}

/**
 * Parse one run of whole top-level statements (from a StatementLexer), without
 * recovery, appending its declarations to `decls`. False on a syntax error:
 * the caller then reads the file again whole, with recovery.
 */
export function parseRun(tokens: IToken[], source: SourceText, decls: Decl[]): boolean {
  const parser = getParser();
  parser.src = source;
  parser.decls = decls;
  parser.input = tokens;
  try {
    parser.spec();
    return parser.errors.length === 0;
  } finally {
    parser.decls = [];
  }
}

const EOF_TOKEN = { image: '', startOffset: Number.NaN, tokenType: { name: 'EOF' } } as unknown as IToken;

/**
 * Tokens read at a time by recovery (cut at the end of a top-level statement): an error costs
 * the statements of its run, not a reading of the rest of the file.
 */
const RECOVERY_RUN_TOKENS = 4096;

/**
 * Parse a token stream (from {@link lex}) into declarations. On a syntax error
 * the line holding it is dropped (recovery.ts) and the statement that held it
 * is read again, so every independent error is reported once; the lines
 * listed in `dropLines` (offsets of lexical errors) are dropped beforehand.
 * Top-level statements parse independently of each other (a statement's rule
 * looks no further than the first token after it), so the file is read in runs
 * of whole statements, each with the first token of the next run (where the
 * whole-file parse meets an incomplete statement). `runTokens` is the size of
 * those runs (tests vary it to put run boundaries everywhere).
 */
export function parseTokens(
  tokens: IToken[],
  source: SourceText | undefined = TOKEN_SOURCES.get(tokens),
  dropLines: readonly number[] = [],
  runTokens = RECOVERY_RUN_TOKENS,
): ParseOutput {
  if (!source) throw new Error('parseTokens: no source for this token stream (lex it first)');
  const parser = getParser();
  parser.src = source;
  const decls: Decl[] = [];
  const errors: SyntaxProblem[] = [];
  const dropped: (readonly [number, number])[] = [];
  const affected: { keyword: string; name?: string }[] = [];
  /** Tokens that directly follow a dropped region; an error there is a consequence of the drop. */
  const afterDrop = new Set<IToken>();
  let dropAtEnd = false as boolean;
  let truncatedAt: IToken | undefined;

  /** Drop `toks[a, b)` (recorded in `dropped`). */
  const drop = (toks: IToken[], a: number, b: number): void => {
    dropped.push(regionOffsets(toks, a, b, source.text.length));
    toks.splice(a, Math.max(1, b - a));
    const next = toks[a];
    if (next) afterDrop.add(next);
    else dropAtEnd = true;
  };

  /**
   * Read a run of whole statements; `hasNext`: its last token is the first of the next run, which
   * is not read here. After an error, the statement that held it is read again alone (with the
   * token after it) until it is clean or dropped, then the run is read on. False once the errors
   * reach the cap.
   */
  const readRun = (toks: IToken[], hasNext: boolean): boolean => {
    let base = 0;
    let single = false;
    for (;;) {
      const stop = hasNext ? toks.length - 1 : toks.length;
      if (base >= stop) return true;
      parser.decls = decls;
      parser.stmtStart = 0;
      const end = single ? statementEnd(toks, base) : toks.length;
      const limit = single ? Math.min(end + 1, toks.length) : toks.length;
      parser.input = base === 0 && limit === toks.length ? toks : toks.slice(base, limit);
      parser.spec();
      const err = parser.errors[0];
      const stmt = err ? base + parser.stmtStart : toks.length;
      if (stmt >= stop) return true;
      if (single && stmt >= end) {
        // The statement is clean (an error, if any, is in the token after it): read on from there.
        single = false;
        base = end;
        continue;
      }
      if (!err) return true;
      const found = err.token.tokenType.name === 'EOF' ? -1 : toks.indexOf(err.token, stmt);
      const at = found < 0 ? toks.length : found;
      // An error right after a dropped region (with only line and block ends between) follows from the drop.
      let cascade: boolean = at >= toks.length && dropAtEnd;
      let k = at;
      for (let j = Math.min(at, toks.length - 1); j >= stmt && !cascade; j--) {
        const t = toks[j] as IToken;
        if (afterDrop.has(t) && t.tokenType === Dedent) {
          cascade = true;
          k = j;
        } else if (j < at && t.tokenType !== Dedent && t.tokenType !== Newline) break;
      }
      const first = toks[stmt];
      if (first) {
        const second = toks[stmt + 1];
        affected.push({ keyword: first.image, ...(second && tokenMatcher(second, Name) ? { name: second.image } : {}) });
      }
      if (!cascade) {
        if (errors.length >= MAX_SYNTAX_ERRORS) {
          truncatedAt = found < 0 ? EOF_TOKEN : err.token;
          return false;
        }
        const rules = err.context.ruleStack;
        errors.push({ token: found < 0 ? EOF_TOKEN : err.token, message: err.message, rule: rules[rules.length - 1] ?? 'spec' });
      }
      const [a, b] = cascade ? enclosingRegion(toks, Math.min(k, toks.length), stmt) : errorRegion(toks, at, stmt);
      drop(toks, a, Math.max(b, a + 1));
      base = stmt;
      single = true;
    }
  };

  try {
    let toks = tokens;
    if (dropLines.length > 0) {
      toks = tokens.slice();
      for (const offset of [...dropLines].sort((x, y) => y - x)) {
        const at = tokenAt(toks, offset);
        if (at >= toks.length) continue;
        const [a, b] = errorRegion(toks, at, lineStart(toks, at, 0));
        if (b > a) drop(toks, a, b);
      }
    }
    for (let from = 0; from < toks.length; ) {
      let to = from;
      while (to < toks.length && to - from < runTokens) to = statementEnd(toks, to);
      const hasNext = to < toks.length;
      if (!readRun(toks.slice(from, hasNext ? to + 1 : to), hasNext)) break;
      from = to;
    }
  } finally {
    parser.decls = [];
  }
  return { cst: { decls, dropped, affected }, error: errors[0], errors, truncatedAt };
}
