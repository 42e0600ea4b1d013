/**
 * What the front end keeps per DSL line: the syntax trees and the IR live until the command ends,
 * so their size per line is most of the memory `dazzle check` needs on a large project (issue 11:
 * at most 0.5 kB of peak memory per line).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { frontEnd } from '../../src/project/index.js';
import { parseSource, type Decl, type EntityDecl } from '../../src/syntax/index.js';
import { SourceText } from '../../src/diagnostics/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The bench's scaling case (bench/run.mjs entitiesDsl): `n` small entities, 4 lines each. */
function entities(n: number): string {
  const out = ['module big', '', 'app big "Big"', ''];
  for (let i = 0; i < n; i++) out.push(`entity Thing${i}:`, '  id: uuid pk', '  n: str(9)', '');
  return out.join('\n');
}

describe('front-end memory', () => {
  it('keeps under 450 bytes of heap per line of the scaling case (syntax trees, IR and sources)', () => {
    const text = entities(20_000);
    const bytes = new TextEncoder().encode(text);
    const lines = text.split('\n').length;
    gc();
    const before = process.memoryUsage().heapUsed;
    const out = frontEnd([{ path: 'dsl/app.dsl', bytes }]);
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(out.value.spec?.entities.length).toBe(20_000);
    // 568 bytes per line before repeated types, names and lists were shared.
    expect(kept / lines).toBeLessThan(450);
  });

  it('shares repeated field types, field and modifier names and empty lists, in the tree and in the IR', () => {
    const src = 'module m\napp a "A"\nentity A:\n  id: uuid pk\n  n: str(9)\nentity B:\n  id: uuid pk\n  n: str(9)\n  m: str(10)\n  k: decimal(10,2)\n  j: decimal(10,2)\nentity C:\n  a: money(GBP)\n  b: money(GBP)\n  s: enum[draft, open]=draft\n  t: enum[draft, open]\n  u: enum[draft, open, closed]\n';
    const ast = parseSource(new SourceText('a.dsl', src)).value;
    const [a, b, c] = (ast?.decls ?? []).filter((d: Decl): d is EntityDecl => d.kind === 'entity');
    if (!a || !b || !c) throw new Error('three entities expected');
    expect(b.fields[0]?.type).toBe(a.fields[0]?.type);
    expect(b.fields[1]?.type).toBe(a.fields[1]?.type);
    expect(b.fields[2]?.type).not.toBe(a.fields[1]?.type);
    expect(b.fields[2]?.type).toEqual({ kind: 'scalar', name: 'str', args: [10] });
    expect(b.fields[4]?.type).toBe(b.fields[3]?.type);
    expect(b.fields[4]?.type).toEqual({ kind: 'scalar', name: 'decimal', args: [10, 2] });
    // A string argument: its own.
    expect(c.fields[1]?.type).not.toBe(c.fields[0]?.type);
    expect(c.fields[1]?.type).toEqual(c.fields[0]?.type);
    expect(c.fields[2]?.type).toBe(c.fields[3]?.type);
    expect(c.fields[2]?.type).toEqual({ kind: 'enum', values: ['draft', 'open'] });
    expect(c.fields[4]?.type).toEqual({ kind: 'enum', values: ['draft', 'open', 'closed'] });
    expect(a.directives).toBe(b.directives);
    expect(a.fields[1]?.modifiers).toBe(b.fields[1]?.modifiers);
    expect(Object.isFrozen(a.directives)).toBe(true);

    const spec = frontEnd([{ path: 'a.dsl', bytes: new TextEncoder().encode(src) }]).value.spec;
    const [ia, ib, ic] = spec?.entities ?? [];
    if (!ia || !ib || !ic) throw new Error('three entities expected');
    expect(ib.fields[0]?.modifiers).toBe(ia.fields[0]?.modifiers);
    expect(ib.fields[0]?.modifiers).toEqual(['pk']);
    expect(ib.fields[1]?.modifiers).toBe(ia.fields[1]?.modifiers);
    expect(ib.directives).toBe(ia.directives);
    expect(ib.fields[0]?.type).toBe(ia.fields[0]?.type);
    // A field with a default is one literal too, its keys in the IR's order.
    expect(Object.keys(ic.fields[2] ?? {})).toEqual(['name', 'type', 'required', 'primaryKey', 'unique', 'sensitive', 'default', 'modifiers', 'span']);
  });
});
