/**
 * Property tests over generated programs (fast-check), the new forms included:
 * - a valid program parses to the same IR after pretty-printing its IR back to DSL;
 * - deleting any one token never crashes the front end, every diagnostic is located,
 *   and deleting a token the grammar requires always gives at least one diagnostic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import type { AppSpec, Field, FieldType } from '../../src/ir/index.js';
import { checkTexts } from '../helpers.js';

/** A piece of generated text; `required` marks a token whose deletion the grammar must reject. */
type Piece = readonly [text: string, required?: boolean];

const ident = fc.constantFrom('alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel');
const sp = fc.constantFrom(' ', '  ');

interface Program {
  readonly entities: readonly { readonly name: string; readonly fields: readonly (readonly Piece[])[] }[];
  readonly streams: readonly string[];
  readonly topics: readonly string[];
  readonly titled: boolean;
  readonly configs: number;
}

function fieldPieces(name: string, entities: readonly string[]): fc.Arbitrary<readonly Piece[]> {
  const other = fc.constantFrom(...entities);
  return fc.oneof(
    fc.constantFrom<readonly Piece[]>([[`${name}: str`], ['(', true], ['120'], [')', true], [' required']], [[`${name}: int`], ['=5']], [[`${name}: bool=true`]]),
    fc.tuple(fc.constantFrom('today', 'now'), fc.constantFrom('+', '-'), fc.integer({ min: 1, max: 400 }), fc.constantFrom('d', 'h', 'w', 'min', 'y', 'mo'), sp).map(
      ([base, op, n, unit, s]): readonly Piece[] => [[`${name}: ${base === 'today' ? 'date' : 'datetime'}`], [`=${base}${s}${op}${s}`], [`${n}${unit}`, true]],
    ),
    fc.tuple(fc.constantFrom('ref', 'has_many', 'has_one'), other).map(([kw, target]): readonly Piece[] => [[`${name}: ${kw} `], [target, true]]),
    fc.tuple(other, other).map(([target, junction]): readonly Piece[] => [[`${name}: has_many ${target} `], ['via'], [' '], [junction, true]]),
    fc.constantFrom<readonly Piece[]>([[`${name}: enum`], ['['], ['open, closed'], [']', true], ['=open']]),
  );
}

const program: fc.Arbitrary<Program> = fc
  .uniqueArray(ident.map((w) => w[0]?.toUpperCase() + w.slice(1)), { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc.record({
      entities: fc.tuple(
        ...names.map((name) =>
          fc.uniqueArray(ident, { minLength: 1, maxLength: 4 }).chain((fieldNames) => fc.tuple(...fieldNames.map((f) => fieldPieces(f, names))).map((fields) => ({ name, fields }))),
        ),
      ),
      streams: fc.uniqueArray(ident.map((w) => `${w}_stream`), { maxLength: 2 }),
      topics: fc.uniqueArray(ident.map((w) => `${w}_topic`), { maxLength: 2 }),
      titled: fc.boolean(),
      configs: fc.integer({ min: 0, max: 2 }),
    }),
  );

/** The program as DSL pieces. */
function render(p: Program): Piece[] {
  const out: Piece[] = [['module gen.app\napp gen_app "Generated"\n\n']];
  for (const e of p.entities) {
    out.push([`entity ${e.name} "${e.name} title"`], [':', true], ['\n  id: uuid pk\n']);
    for (const f of e.fields) out.push(['  '], ...f, ['\n']);
    out.push(['\n']);
  }
  for (const s of p.streams) out.push([`stream ${s}`], [':', true], ['\n  kind: '], ['FACT', true], ['\n  partition_key: id\n  schema Recorded:\n    id: uuid required\n\n']);
  if (p.topics.length) {
    out.push([p.titled ? 'event_model Gen "Generated events"' : 'event_model'], [':', true], ['\n']);
    for (const t of p.topics) out.push([`  topic ${t}:\n    retention: 7d\n`]);
    out.push(['\n']);
  }
  for (let i = 0; i < p.configs; i++) out.push(['llm_config:\n  artifact_store: local\n\n']);
  return out;
}

const text = (pieces: readonly Piece[]): string => pieces.map((x) => x[0]).join('');

// ---------------------------------------------------------------------------
// A pretty-printer from the IR back to DSL (for the constructs generated above)

function typeText(t: FieldType): string {
  switch (t.kind) {
    case 'scalar':
      return t.args.length ? `${t.name}(${t.args.join(',')})` : t.name;
    case 'enum':
      return `enum[${t.values.join(',')}]`;
    case 'enum_ref':
      return t.enum;
    case 'relation':
      return `${t.relation} ${t.target}${t.via !== undefined ? ` via ${t.via}` : ''}`;
    case 'computed':
      return `computed ${t.expression}`;
  }
}

function fieldText(f: Field): string {
  const e = f.defaultExpression;
  const dflt = e ? (e.kind === 'date_arithmetic' ? ` = ${e.base} ${e.operator} ${e.duration}` : ` = ${e.kind}`) : f.default !== undefined ? `=${f.default}` : '';
  return `  ${f.name}: ${typeText(f.type)}${f.modifiers.length ? ` ${f.modifiers.join(' ')}` : ''}${dflt}\n`;
}

function print(spec: AppSpec): string {
  let s = `module gen.app\napp ${spec.app.name} "${spec.app.title ?? ''}"\n`;
  for (const e of spec.entities) s += `entity ${e.name} "${e.title ?? ''}":\n${e.fields.map(fieldText).join('')}`;
  for (const st of spec.streams) {
    s += `stream ${st.name}:\n  kind: ${st.kind}\n`;
    for (const [k, v] of Object.entries(st.properties)) if (k !== 'kind') s += `  ${k}: ${v}\n`;
    for (const sc of st.schemas) s += `  schema ${sc.name}:\n${sc.fields.map((f) => `    ${f.name}: ${typeText(f.type)}${f.required ? ' required' : ''}\n`).join('')}`;
  }
  if (spec.eventTopics.length) {
    const model = spec.eventTopics[0]?.model;
    s += `event_model${model ? ` ${model} "t"` : ''}:\n`;
    for (const t of spec.eventTopics) s += `  topic ${t.name}:\n    retention: ${t.retention}\n`;
  }
  if (spec.llmConfig) s += `llm_config:\n${Object.entries(spec.llmConfig.properties).map(([k, v]) => `  ${k}: ${v}\n`).join('')}`;
  return s;
}

/** The IR without locations (what must survive printing). */
function comparable(spec: AppSpec): unknown {
  return JSON.parse(JSON.stringify(spec, (k, v) => (k === 'span' || k === 'files' || k === 'title' ? undefined : v)));
}

const errorsOf = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

describe('generated programs', () => {
  it('round-trip: the IR of the pretty-printed IR is the same IR', () => {
    fc.assert(
      fc.property(program, (p) => {
        const first = checkTexts({ 'dsl/app.dsl': text(render(p)) });
        expect(errorsOf(first.diagnostics)).toEqual([]);
        const spec = first.value.spec as AppSpec;
        const second = checkTexts({ 'dsl/app.dsl': print(spec) });
        expect(errorsOf(second.diagnostics)).toEqual([]);
        expect(comparable(second.value.spec as AppSpec)).toEqual(comparable(spec));
      }),
      { numRuns: 60 },
    );
  });

  it('deleting one token never crashes, every diagnostic is located, and a required token is missed', () => {
    fc.assert(
      fc.property(program, fc.nat(), (p, pick) => {
        const pieces = render(p);
        const required = pieces.map((x, i) => [x, i] as const).filter(([x]) => x[1] === true);
        const [, index] = required[pick % required.length] as readonly [Piece, number];
        const broken = text(pieces.map((x, i) => (i === index ? [''] : x)));
        const r = checkTexts({ 'dsl/app.dsl': broken });
        for (const d of r.diagnostics) {
          expect(d.span?.line, d.message).toBeGreaterThanOrEqual(1);
          expect(d.span?.col, d.message).toBeGreaterThanOrEqual(1);
        }
        expect(errorsOf(r.diagnostics).length, broken).toBeGreaterThan(0);
        expect(r.value.spec).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it('deleting any one token (required or not) never crashes and every diagnostic is located', () => {
    fc.assert(
      fc.property(program, fc.nat(), (p, pick) => {
        const src = text(render(p));
        const words = [...src.matchAll(/[A-Za-z_][A-Za-z0-9_]*|\d+[a-z]*|"[^"\n]*"|[^\sA-Za-z0-9_"]/g)];
        const m = words[pick % words.length] as RegExpMatchArray;
        const broken = src.slice(0, m.index) + src.slice((m.index as number) + m[0].length);
        const r = checkTexts({ 'dsl/app.dsl': broken });
        for (const d of r.diagnostics) expect(d.span?.line, d.message).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });
});
