/**
 * Control characters in DSL values. A value that becomes an AWS name, a time
 * zone, an address, a cron or interval, a number — anything but prose — holds
 * printable text only; a title holds one line of text; descriptions and message
 * text may also hold tabs and line feeds (written `\t`, `\n`). Nothing holds a
 * line or paragraph separator (U+2028, U+2029), another control character, or
 * a bidirectional override. Each offending value is reported at the character.
 */
import { diag, type Diagnostic, type Span } from '../diagnostics/index.js';
import type { Decl, Member, Property, ValuePart } from '../syntax/index.js';
import { describeCharacter, forbiddenCharacter, narrow, writtenAt, type TextPolicy } from './values.js';

/** Keys whose values are prose for people to read, not settings. */
const PROSE_KEYS: ReadonlySet<string> = new Set(['description', 'intent', 'subject', 'body', 'html_body', 'template']);

const HINTS: Readonly<Record<TextPolicy, string>> = {
  plain: 'remove it: this value becomes a name or a setting, which holds printable characters only (escapes such as \\n and \\t are control characters too)',
  label: 'remove it: a title is one line of printable text',
  prose: 'remove it: descriptions may hold printable text, \\t and \\n, but no other control character, line separator or direction override',
};

export interface TextCheck {
  readonly diagnostics: readonly Diagnostic[];
  /** Properties whose value holds a forbidden character: later checks leave them alone (no cascade). */
  readonly flagged: ReadonlySet<Property>;
}

/** Every string in the typed constructs' properties (nested ones too) and every declaration's title. */
export function checkText(decls: readonly Decl[]): TextCheck {
  const diagnostics: Diagnostic[] = [];
  const flagged = new Set<Property>();

  const property = (p: Property, where: string) => {
    const policy: TextPolicy = PROSE_KEYS.has(p.key) ? 'prose' : 'plain';
    for (const part of p.value.parts) {
      if (part.type !== 'string') continue;
      const contents = part.value ?? '';
      const i = forbiddenCharacter(contents, policy);
      if (i < 0) continue;
      flagged.add(p);
      diagnostics.push(
        diag('DZ2206', `'${p.key}' in ${where} contains ${describeCharacter(String.fromCodePoint(contents.codePointAt(i) ?? 0))}`, {
          span: at(p, part, i),
          hint: HINTS[policy],
        }),
      );
      return;
    }
    members(p.members, where);
  };
  const members = (ms: readonly Member[], where: string) => {
    for (const m of ms) if (m.kind === 'property') property(m, where);
  };
  const title = (d: { readonly title?: string; readonly name: string; readonly nameSpan: Span }, what: string) => {
    const i = d.title === undefined ? -1 : forbiddenCharacter(d.title, 'label');
    if (i < 0 || d.title === undefined) return;
    diagnostics.push(
      diag('DZ2206', `the title of ${what} '${d.name}' contains ${describeCharacter(String.fromCodePoint(d.title.codePointAt(i) ?? 0))}`, {
        span: d.nameSpan,
        hint: HINTS.label,
      }),
    );
  };

  for (const d of decls) {
    switch (d.kind) {
      case 'app':
        title(d, 'app');
        members(d.properties, `app '${d.name}'`);
        break;
      case 'entity':
      case 'archetype':
        title(d, d.kind);
        for (const f of d.fields) {
          // A default as written (`="n/a"`): escapes are printable here, a raw control character is not.
          const i = f.default === undefined ? -1 : forbiddenCharacter(f.default, 'label');
          if (i < 0 || f.default === undefined) continue;
          diagnostics.push(
            diag('DZ2206', `the default of field '${d.name}.${f.name}' contains ${describeCharacter(String.fromCodePoint(f.default.codePointAt(i) ?? 0))}`, {
              span: f.span,
              hint: 'remove it: a default value is one line of printable text',
            }),
          );
        }
        break;
      case 'enum':
        title(d, d.kind);
        break;
      case 'transaction':
        title(d, 'transaction');
        members(d.members, `transaction '${d.name}'`);
        for (const t of d.transfers) members(t.members, `transfer '${t.name}'`);
        break;
      case 'channel':
        title(d, 'channel');
        members(d.members, `channel '${d.name}'`);
        for (const op of d.operations) members(op.members, `${op.keyword} '${op.name}'`);
        break;
      case 'event_model':
        members(d.members, 'event_model');
        for (const b of [...d.topics, ...d.events]) members(b.members, `${b.keyword} '${b.name}'`);
        break;
      case 'tenancy':
      case 'llm_config':
        members(d.members, d.kind);
        break;
      case 'module':
      case 'use':
      case 'opaque':
        break;
      default:
        title(d, d.kind);
        members(d.members, `${d.kind} '${d.name}'`);
    }
  }
  return { diagnostics, flagged };
}

/** The character (or its escape) where it was written, when that can be placed; else the whole value. */
function at(p: Property, part: ValuePart, index: number): Span {
  const span = p.value.span ?? p.keySpan;
  const range = p.value.span ? writtenAt(p.value.text, p.value.parts, part, index) : null;
  return range ? narrow(span, p.value.text, range[0], range[1]) : span;
}
