/**
 * The grammar, as a Chevrotain CstParser without embedded actions. Typed rules
 * cover every construct that affects infrastructure; every other construct is
 * read by the general `line` rule (a line of atoms and its indented block),
 * which keeps its text and span and never fails on well-formed layout.
 */
import { CstParser, tokenMatcher, type CstNode, type IOrAlt, type IParserErrorMessageProvider, type IToken, type OrMethodOpts, type TokenType } from 'chevrotain';
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
  Question,
  RBracket,
  RParen,
  StringLit,
} from './tokens.js';
import { ENTITY_DIRECTIVES, TYPE_NAMES } from './vocabulary.js';

/** Tokens that may follow a field type (used to tell `index: int` from `invariant: a != b`). */
const AFTER_FIELD_TYPE: TokenType[] = [Newline, LParen, LBracket, Eq, Name];

/** Named constructs with a plain property body: `kw Name "Title"?: <properties>`. */
export const PROPERTY_CONSTRUCTS = ['ledger', 'schedule', 'job', 'service', 'integration', 'experience', 'webhook', 'llm_model'] as const;
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

export class DslParser extends CstParser {
  constructor(validate = false) {
    super(ALL_TOKENS, {
      maxLookahead: 1,
      recoveryEnabled: false,
      skipValidations: !validate,
      errorMessageProvider: messages,
      nodeLocationTracking: 'none',
    });
    this.performSelfAnalysis();
  }

  private isName(k: number): boolean {
    return tokenMatcher(this.LA(k), Name);
  }
  private is(k: number, t: TokenType): boolean {
    return tokenMatcher(this.LA(k), t);
  }

  /**
   * A whole file: a sequence of statements. The choice is made on the first
   * token (and gates): a keyword commits to its typed rule; anything else is
   * read by the general `line` rule.
   */
  public spec = this.RULE('spec', () => {
    this.MANY(this.statement);
  });

  // The choices below are built once, not on every call: rules run for every line of a file,
  // and the alternatives' closures would otherwise be most of what parsing allocates.
  private readonly statement = (): void => {
    this.OR(this.statementChoice);
  };
  private readonly statementChoice: OrMethodOpts<unknown> = {
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
      { GATE: () => this.is(2, Colon), ALT: () => this.SUBRULE(this.eventModelDecl) },
      { GATE: () => this.isName(2), ALT: () => this.SUBRULE(this.propertyConstruct) },
      { GATE: () => this.is(2, Colon), ALT: () => this.SUBRULE(this.sectionConstruct) },
      { ALT: () => this.SUBRULE(this.line) },
    ],
  };

  /** `module a.b.c` */
  public moduleDecl = this.RULE('moduleDecl', () => {
    this.CONSUME(kw('module'));
    this.SUBRULE(this.qualifiedName);
    this.CONSUME(Newline);
  });

  /** `use a.b.c [as alias]` */
  public useDecl = this.RULE('useDecl', () => {
    this.CONSUME(kw('use'));
    this.SUBRULE(this.qualifiedName);
    this.OPTION(() => {
      this.CONSUME(kw('as'));
      this.CONSUME(Name);
    });
    this.CONSUME(Newline);
  });

  public qualifiedName = this.RULE('qualifiedName', () => {
    this.CONSUME(Name);
    this.MANY(() => {
      this.CONSUME(Dot);
      this.CONSUME2(Name);
    });
  });

  /** `app name "Title"` with an optional `:` and property body. */
  public appDecl = this.RULE('appDecl', () => {
    this.CONSUME(kw('app'));
    this.CONSUME(Name);
    this.OPTION(() => this.CONSUME(StringLit));
    this.OPTION2(() => this.CONSUME(Colon));
    this.CONSUME(Newline);
    this.OPTION3(() => this.SUBRULE(this.memberBlock));
  });

  /** `entity Name "Title": <fields and directives>` */
  public entityDecl = this.RULE('entityDecl', () => {
    this.CONSUME(kw('entity'));
    this.SUBRULE(this.declHeader);
    this.SUBRULE(this.entityBody);
  });

  /** `archetype Name: <fields>`, fields shared by entities that extend it. */
  public archetypeDecl = this.RULE('archetypeDecl', () => {
    this.CONSUME(kw('archetype'));
    this.SUBRULE(this.declHeader);
    this.SUBRULE(this.entityBody);
  });

  public entityBody = this.RULE('entityBody', () => {
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.entityMember);
    this.CONSUME(Dedent);
  });
  private readonly entityMember = (): void => {
    this.OR(this.entityMemberChoice);
  };
  private readonly entityMemberChoice: OrMethodOpts<unknown> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [{ GATE: () => this.isFieldStart(), ALT: () => this.SUBRULE(this.fieldLine) }, { ALT: () => this.SUBRULE(this.line) }],
  };

  /** `Name "Title"? :` then end of line. */
  public declHeader = this.RULE('declHeader', () => {
    this.CONSUME(Name);
    this.OPTION(() => this.CONSUME(StringLit));
    this.CONSUME(Colon);
    this.CONSUME(Newline);
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
  public fieldLine = this.RULE('fieldLine', () => {
    this.CONSUME(Name);
    this.CONSUME(Colon);
    this.SUBRULE(this.typeSpec);
    this.MANY(this.fieldModifierItem);
    this.CONSUME(Newline);
    this.OPTION(this.lineBlockItem);
  });
  private readonly fieldModifierItem = (): void => {
    this.SUBRULE(this.fieldModifier);
  };
  private readonly lineBlockItem = (): void => {
    this.SUBRULE(this.lineBlock);
  };

  public typeSpec = this.RULE('typeSpec', () => {
    this.OR(this.typeChoice);
  });
  private readonly typeChoice: OrMethodOpts<unknown> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      { ALT: () => this.SUBRULE(this.enumType) },
      { ALT: () => this.SUBRULE(this.refType) },
      { ALT: () => this.SUBRULE(this.computedType) },
      { GATE: () => !this.is(1, kw('enum')), ALT: () => this.SUBRULE(this.scalarType) },
    ],
  };

  /** `enum[a, b, c]` */
  public enumType = this.RULE('enumType', () => {
    this.CONSUME(kw('enum'));
    this.CONSUME(LBracket);
    this.CONSUME(Name);
    // A trailing comma is allowed: `enum[a, b,]`.
    this.MANY(() => {
      this.CONSUME(Comma);
      this.OPTION(() => this.CONSUME2(Name));
    });
    this.CONSUME(RBracket);
  });

  /** `ref Entity`, `has_many Entity`, … */
  public refType = this.RULE('refType', () => {
    this.OR(this.relationChoice);
    this.SUBRULE(this.qualifiedName);
  });
  private readonly relationChoice: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(kw('ref')) },
    { ALT: () => this.CONSUME(kw('has_many')) },
    { ALT: () => this.CONSUME(kw('has_one')) },
    { ALT: () => this.CONSUME(kw('embeds')) },
    { ALT: () => this.CONSUME(kw('belongs_to')) },
  ];

  /** `computed <expression>` (kept as text). */
  public computedType = this.RULE('computedType', () => {
    this.CONSUME(kw('computed'));
    this.MANY(() => this.CONSUME(Atom));
  });

  /** `str(200)`, `decimal(10,2)`, `money(GBP)`, `poly_ref[A, B]`, `uuid`, … */
  public scalarType = this.RULE('scalarType', () => {
    this.CONSUME(Name);
    this.OPTION(this.scalarArgs);
  });
  private readonly scalarArgs = (): void => {
    this.OR(this.scalarArgsChoice);
  };
  private readonly scalarArgsChoice: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.CONSUME(LParen);
        this.OPTION2(() => this.SUBRULE(this.typeArgs));
        this.CONSUME(RParen);
      },
    },
    {
      ALT: () => {
        this.CONSUME(LBracket);
        this.OPTION3(() => this.SUBRULE2(this.typeArgs));
        this.CONSUME(RBracket);
      },
    },
  ];

  public typeArgs = this.RULE('typeArgs', () => {
    this.AT_LEAST_ONE_SEP(this.typeArgList);
  });
  private readonly typeArgList = {
    SEP: Comma,
    DEF: (): void => {
      this.SUBRULE(this.typeArg);
    },
  };

  public typeArg = this.RULE('typeArg', () => {
    this.OR(this.typeArgChoice);
  });
  private readonly typeArgChoice: IOrAlt<unknown>[] = [{ ALT: () => this.CONSUME(NumberLit) }, { ALT: () => this.CONSUME(Name) }, { ALT: () => this.CONSUME(StringLit) }];

  /** `required`, `unique?`, `storage=media`, `=default`, `was: old_name`. */
  public fieldModifier = this.RULE('fieldModifier', () => {
    this.OR(this.modifierChoice);
  });
  private readonly modifierChoice: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.CONSUME(Eq);
        this.SUBRULE(this.literalValue);
      },
    },
    {
      ALT: () => {
        this.CONSUME(Name);
        this.OPTION(this.question);
        this.OPTION2(this.modifierValue);
      },
    },
  ];
  private readonly question = (): void => {
    this.CONSUME(Question);
  };
  private readonly modifierValue = (): void => {
    this.OR2(this.modifierValueChoice);
  };
  private readonly modifierValueChoice: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.CONSUME2(Eq);
        this.SUBRULE2(this.literalValue);
      },
    },
    {
      ALT: () => {
        this.CONSUME(Colon);
        this.CONSUME2(Name);
      },
    },
  ];

  /** A default value: string, number, duration, name, or `-number`. */
  public literalValue = this.RULE('literalValue', () => {
    this.OPTION(() => this.CONSUME(Minus));
    this.OR(this.literalChoice);
  });
  private readonly literalChoice: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(StringLit) },
    { ALT: () => this.CONSUME(Duration) },
    { ALT: () => this.CONSUME(NumberLit) },
    {
      ALT: () => {
        this.SUBRULE(this.qualifiedName);
        this.OPTION2(() => {
          this.CONSUME(LParen);
          this.CONSUME(RParen);
        });
      },
    },
  ];

  /** `enum Name "Title":` with one value per line. */
  public enumDecl = this.RULE('enumDecl', () => {
    this.CONSUME(kw('enum'));
    this.SUBRULE(this.declHeader);
    this.SUBRULE(this.lineBlock);
  });

  /** `transaction Name "Title":` with properties and `transfer` blocks. */
  public transactionDecl = this.RULE('transactionDecl', () => {
    this.CONSUME(kw('transaction'));
    this.SUBRULE(this.declHeader);
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.transactionMember);
    this.CONSUME(Dedent);
  });
  private readonly transactionMember = (): void => {
    this.OR(this.transactionMemberChoice);
  };
  private readonly transactionMemberChoice: OrMethodOpts<unknown> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      { GATE: () => this.isName(2) && this.is(3, Colon), ALT: () => this.SUBRULE(this.transferBlock) },
      { GATE: () => this.isName(1) && this.is(2, Colon), ALT: () => this.SUBRULE(this.property) },
      { ALT: () => this.SUBRULE(this.line) },
    ],
  };

  /** `transfer name:` with debit, credit, amount, code, flags. */
  public transferBlock = this.RULE('transferBlock', () => {
    this.CONSUME(kw('transfer'));
    this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    this.SUBRULE(this.memberBlock);
  });

  /** `channel name "Title":` with properties and `send` / `receive` operations. */
  public channelDecl = this.RULE('channelDecl', () => {
    this.CONSUME(kw('channel'));
    this.SUBRULE(this.declHeader);
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.channelMember);
    this.CONSUME(Dedent);
  });
  private readonly channelMember = (): void => {
    this.OR(this.channelMemberChoice);
  };
  private readonly channelMemberChoice: OrMethodOpts<unknown> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      { GATE: () => this.isName(2) && this.is(3, Colon), ALT: () => this.SUBRULE(this.channelOperation) },
      { GATE: () => this.isName(1) && this.is(2, Colon), ALT: () => this.SUBRULE(this.property) },
      { ALT: () => this.SUBRULE(this.line) },
    ],
  };

  /** `send name:` or `receive name:` */
  public channelOperation = this.RULE('channelOperation', () => {
    this.OR(this.directionChoice);
    this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    this.SUBRULE(this.memberBlock);
  });

  private readonly directionChoice: IOrAlt<unknown>[] = [{ ALT: () => this.CONSUME(kw('send')) }, { ALT: () => this.CONSUME(kw('receive')) }];

  /** `event_model:` with `topic` and `event` blocks. */
  public eventModelDecl = this.RULE('eventModelDecl', () => {
    this.CONSUME(kw('event_model'));
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.eventModelMember);
    this.CONSUME(Dedent);
  });
  private readonly eventModelMember = (): void => {
    this.OR(this.eventModelMemberChoice);
  };
  private readonly eventModelMemberChoice: OrMethodOpts<unknown> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      { GATE: () => this.isName(2) && this.is(3, Colon), ALT: () => this.SUBRULE(this.topicBlock) },
      { GATE: () => this.isName(2) && this.is(3, Colon), ALT: () => this.SUBRULE(this.eventBlock) },
      { GATE: () => this.isName(1) && this.is(2, Colon), ALT: () => this.SUBRULE(this.property) },
      { ALT: () => this.SUBRULE(this.line) },
    ],
  };

  /** `topic name:` with retention and partition key. */
  public topicBlock = this.RULE('topicBlock', () => {
    this.CONSUME(kw('topic'));
    this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    this.OPTION(() => this.SUBRULE(this.memberBlock));
  });

  /** `event Name:` with its topic and fields. */
  public eventBlock = this.RULE('eventBlock', () => {
    this.CONSUME(kw('event'));
    this.CONSUME(Name);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    this.OPTION(() => this.SUBRULE(this.memberBlock));
  });

  /** ledger, schedule, job, service, integration, experience, webhook, llm_model. */
  public propertyConstruct = this.RULE('propertyConstruct', () => {
    this.OR(this.propertyConstructChoice);
    this.SUBRULE(this.declHeader);
    this.SUBRULE(this.memberBlock);
  });
  private readonly propertyConstructChoice: IOrAlt<unknown>[] = PROPERTY_CONSTRUCTS.map((w) => ({ ALT: () => this.CONSUME(kw(w)) }));

  /** tenancy, llm_config. */
  public sectionConstruct = this.RULE('sectionConstruct', () => {
    this.OR(this.sectionConstructChoice);
    this.CONSUME(Colon);
    this.CONSUME(Newline);
    this.SUBRULE(this.memberBlock);
  });
  private readonly sectionConstructChoice: IOrAlt<unknown>[] = SECTION_CONSTRUCTS.map((w) => ({ ALT: () => this.CONSUME(kw(w)) }));

  /** An indented block of properties (and other lines). */
  public memberBlock = this.RULE('memberBlock', () => {
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.member);
    this.CONSUME(Dedent);
  });
  private readonly member = (): void => {
    this.OR(this.memberChoice);
  };
  private readonly memberChoice: OrMethodOpts<unknown> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [{ GATE: () => this.isName(1) && this.is(2, Colon), ALT: () => this.SUBRULE(this.property) }, { ALT: () => this.SUBRULE(this.line) }],
  };

  /** `key: value` with an optional nested block of members. */
  public property = this.RULE('property', () => {
    this.CONSUME(Name);
    this.CONSUME(Colon);
    this.MANY(this.atom);
    this.CONSUME(Newline);
    this.OPTION(this.memberBlockItem);
  });
  private readonly atom = (): void => {
    this.CONSUME(Atom);
  };
  private readonly memberBlockItem = (): void => {
    this.SUBRULE(this.memberBlock);
  };

  /**
   * The general block rule: any line of atoms, then an optional indented
   * block of lines. Every construct without a typed rule is read by it.
   */
  public line = this.RULE('line', () => {
    this.AT_LEAST_ONE(this.atom);
    this.CONSUME(Newline);
    this.OPTION(this.lineBlockItem);
  });

  public lineBlock = this.RULE('lineBlock', () => {
    this.CONSUME(Indent);
    this.AT_LEAST_ONE(this.lineItem);
    this.CONSUME(Dedent);
  });
  private readonly lineItem = (): void => {
    this.SUBRULE(this.line);
  };
}

let shared: DslParser | undefined;
/** The parser instance (built once per process). */
export function getParser(): DslParser {
  shared ??= new DslParser(false);
  return shared;
}

export interface ParseOutput {
  readonly cst: CstNode | undefined;
  readonly error: { readonly token: IToken; readonly message: string; readonly rule: string } | undefined;
}

/** Parse a token stream. Stops at the first syntax error. */
export function parseTokens(tokens: IToken[]): ParseOutput {
  const parser = getParser();
  parser.input = tokens;
  const cst = parser.spec();
  const err = parser.errors[0];
  if (err) {
    const rules = err.context.ruleStack;
    return { cst: undefined, error: { token: err.token, message: err.message, rule: rules[rules.length - 1] ?? 'spec' } };
  }
  return { cst, error: undefined };
}

