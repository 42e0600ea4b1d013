/** The generated grammar documents match the parser, and the grammar passes Chevrotain's self-check. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGRAM_ASSETS, grammarEbnf, railroadHtml as renderRailroad, type DiagramAssets } from '../../src/syntax/grammar-docs.js';
import { DslParser } from '../../src/syntax/parser.js';
import { REPO } from '../helpers.js';

const committed = (rel: string) => readFileSync(join(REPO, rel), 'utf8');
const assets = Object.fromEntries(DIAGRAM_ASSETS.map((f) => [f, readFileSync(join(REPO, 'node_modules', 'chevrotain', 'diagrams', f), 'utf8')])) as DiagramAssets;
const railroadHtml = () => renderRailroad(assets);

describe('grammar documents', () => {
  const ebnf = grammarEbnf();

  it('grammar/dazzle.ebnf is up to date', () => {
    expect(ebnf, 'grammar/dazzle.ebnf is out of date: run npm run grammar').toBe(committed('grammar/dazzle.ebnf'));
  });

  it('grammar/railroad.html is up to date', () => {
    expect(railroadHtml(), 'grammar/railroad.html is out of date: run npm run grammar').toBe(committed('grammar/railroad.html'));
  });

  it('the railroad page is self-contained: it loads nothing from the network', () => {
    const html = railroadHtml();
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
    expect(html).toContain('window.serializedGrammar');
  });

  it('is deterministic, LF-only and ends with a newline', () => {
    expect(grammarEbnf()).toBe(ebnf);
    expect(railroadHtml()).toBe(railroadHtml());
    for (const text of [ebnf, railroadHtml()]) {
      expect(text).not.toContain('\r');
      expect(text.endsWith('\n')).toBe(true);
    }
  });

  it.each([
    'spec',
    'entityDecl',
    'fieldLine',
    'typeSpec',
    'transactionDecl',
    'transferBlock',
    'channelDecl',
    'channelOperation',
    'eventModelDecl',
    'propertyConstruct',
    'line',
  ])('has a production for %s', (rule) => {
    expect(ebnf).toMatch(new RegExp(`^${rule} ::=(?: |\\n)`, 'm'));
  });

  it('has one production per parser rule', () => {
    const rules = new DslParser(false).getGAstProductions();
    const produced = [...ebnf.matchAll(/^(\w+) ::=/gm)].map((m) => m[1]);
    expect(produced).toEqual(Object.keys(rules));
  });

  it('shows terminals by their labels', () => {
    expect(ebnf).toContain("entityDecl ::= 'entity' declHeader entityBody ;");
    expect(ebnf).toMatch(/line ::= ATOM\+ NEWLINE lineBlock\? ;/);
    expect(ebnf).toMatch(/INDENT .* DEDENT/);
  });

  it('lists the properties of the typed constructs', () => {
    expect(ebnf).toContain('(* ledger (rule propertyConstruct; strict)');
    expect(ebnf).toContain('account_code: int (required)');
    expect(ebnf).toContain('kind: name, one of email | queue | stream (required)');
  });
});

describe('grammar self-check', () => {
  it('builds with Chevrotain validations on', () => {
    expect(() => new DslParser(true)).not.toThrow();
  });
});
