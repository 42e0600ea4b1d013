/** Source positions of TOML keys: exact lines and columns, fallbacks, and robustness on any input. */
import fc from 'fast-check';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { keyOf, type KeyPosition, pointerToPath, positionOf, tomlKeyPositions } from '../../src/config/toml-positions.js';

const REALISTIC = `# comment
[project]
name = "x"

[deploy]
enabled = true
environment = "staging"  # dev, staging, prod
region = "us-east-1"

[deploy.compute]
cpu = 512
memory = 1024

[deploy.env.prod.compute]
desired_count = 4

[deploy.services.api]
port = 8000
health = { path = "/health", interval = 30 }

[[deploy.alarms.email]]
to = "a@example.com"
[[deploy.alarms.email]]
to = "b@example.com"

[deploy.secrets]
"api.key" = "ssm:/x"
description = """
region = "not a key"
"""
list = [
  "a",  # comment
  "b = c",
]
after = 1
`;

/** The entry for a path, which must exist. */
function pos(text: string, ...path: (string | number)[]): KeyPosition {
  const hit = tomlKeyPositions(text).get(keyOf(path));
  if (hit === undefined) throw new Error(`no position for ${JSON.stringify(path)}`);
  return hit;
}

/** [line, col, valueLine, valueCol] of a path, for compact assertions. */
function lc(text: string, ...path: (string | number)[]): [number, number, number, number] {
  const p = pos(text, ...path);
  return [p.line, p.col, p.valueLine, p.valueCol];
}

/** All recorded paths, decoded. */
function paths(text: string): string[][] {
  return [...tomlKeyPositions(text).keys()].map((k) => JSON.parse(k) as string[]);
}

/** The text of a document from a 1-based line and column (BOM removed) to the end of that line. */
function textAt(text: string, line: number, col: number): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return (body.split('\n')[line - 1] ?? '').slice(col - 1).replace(/\r$/, '');
}

/** Every path in a parsed TOML value (tables, keys and array elements), excluding the root. */
function parsedPaths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, String(i)]);
      parsedPaths(v, [...prefix, String(i)], out);
    });
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      parsedPaths(v, [...prefix, k], out);
    }
  }
  return out;
}

/** Whether a path (segments as strings) exists in a parsed TOML value. */
function existsIn(value: unknown, path: readonly string[]): boolean {
  let cur: unknown = value;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(seg) || Number(seg) >= cur.length) return false;
      cur = cur[Number(seg)];
    } else if (cur !== null && typeof cur === 'object' && !(cur instanceof Date) && Object.hasOwn(cur, seg)) {
      cur = (cur as Record<string, unknown>)[seg];
    } else return false;
  }
  return true;
}

describe('keyOf', () => {
  it('is JSON of the segments as strings, so numeric and string indices agree', () => {
    expect(keyOf(['deploy', 'services', 0, 'port'])).toBe('["deploy","services","0","port"]');
    expect(keyOf(['a', 0])).toBe(keyOf(['a', '0']));
    expect(keyOf([])).toBe('[]');
    expect(JSON.parse(keyOf(['a.b', 'c"d', '', 3]))).toEqual(['a.b', 'c"d', '', '3']);
  });

  it('keeps segments that contain dots or separators apart', () => {
    expect(keyOf(['a.b'])).not.toBe(keyOf(['a', 'b']));
    expect(keyOf(['a', 'b\u0000c'])).not.toBe(keyOf(['a', 'b', 'c']));
  });
});

describe('pointerToPath', () => {
  it('splits a JSON pointer into string segments', () => {
    expect(pointerToPath('/deploy/compute/memory')).toEqual(['deploy', 'compute', 'memory']);
    expect(pointerToPath('/deploy/services/0/port')).toEqual(['deploy', 'services', '0', 'port']);
  });

  it('unescapes ~1 and ~0 in that order', () => {
    expect(pointerToPath('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
    expect(pointerToPath('/~01')).toEqual(['~1']);
    expect(pointerToPath('/~10')).toEqual(['/0']);
  });

  it('treats the empty pointer as the root and keeps empty segments', () => {
    expect(pointerToPath('')).toEqual([]);
    expect(pointerToPath('/')).toEqual(['']);
    expect(pointerToPath('/a//b')).toEqual(['a', '', 'b']);
  });

  it('reads a pointer without the leading slash as if it had one', () => {
    expect(pointerToPath('a/b')).toEqual(['a', 'b']);
  });
});

describe('tomlKeyPositions on a realistic dazzle.toml', () => {
  it('records every key, table and array element, and nothing inside strings', () => {
    expect(paths(REALISTIC).map((p) => p.join('.'))).toEqual([
      'project',
      'project.name',
      'deploy',
      'deploy.enabled',
      'deploy.environment',
      'deploy.region',
      'deploy.compute',
      'deploy.compute.cpu',
      'deploy.compute.memory',
      'deploy.env',
      'deploy.env.prod',
      'deploy.env.prod.compute',
      'deploy.env.prod.compute.desired_count',
      'deploy.services',
      'deploy.services.api',
      'deploy.services.api.port',
      'deploy.services.api.health',
      'deploy.services.api.health.path',
      'deploy.services.api.health.interval',
      'deploy.alarms',
      'deploy.alarms.email',
      'deploy.alarms.email.0',
      'deploy.alarms.email.0.to',
      'deploy.alarms.email.1',
      'deploy.alarms.email.1.to',
      'deploy.secrets',
      'deploy.secrets.api.key',
      'deploy.secrets.description',
      'deploy.secrets.list',
      'deploy.secrets.list.0',
      'deploy.secrets.list.1',
      'deploy.secrets.after',
    ]);
  });

  it('gives exact lines and columns of keys and values', () => {
    expect(lc(REALISTIC, 'deploy', 'compute', 'memory')).toEqual([12, 1, 12, 10]);
    expect(lc(REALISTIC, 'deploy', 'compute', 'cpu')).toEqual([11, 1, 11, 7]);
    expect(lc(REALISTIC, 'project', 'name')).toEqual([3, 1, 3, 8]);
    expect(lc(REALISTIC, 'deploy', 'environment')).toEqual([7, 1, 7, 15]);
    expect(lc(REALISTIC, 'deploy', 'region')).toEqual([8, 1, 8, 10]);
    expect(lc(REALISTIC, 'deploy', 'env', 'prod', 'compute', 'desired_count')).toEqual([15, 1, 15, 17]);
    expect(lc(REALISTIC, 'deploy', 'secrets', 'api.key')).toEqual([27, 1, 27, 13]);
    expect(lc(REALISTIC, 'deploy', 'secrets', 'description')).toEqual([28, 1, 28, 15]);
    expect(lc(REALISTIC, 'deploy', 'secrets', 'list')).toEqual([31, 1, 31, 8]);
    expect(lc(REALISTIC, 'deploy', 'secrets', 'after')).toEqual([35, 1, 35, 9]);
  });

  it('marks table headers, pointing at the first key segment', () => {
    expect(pos(REALISTIC, 'project')).toEqual({ line: 2, col: 2, valueLine: 2, valueCol: 2, isTable: true });
    expect(pos(REALISTIC, 'deploy', 'compute')).toEqual({ line: 10, col: 2, valueLine: 10, valueCol: 2, isTable: true });
    expect(pos(REALISTIC, 'deploy', 'compute', 'memory').isTable).toBe(false);
  });

  it('gives implicit parent tables the position of the header that implies them', () => {
    const header = { line: 14, col: 2, valueLine: 14, valueCol: 2, isTable: true };
    expect(pos(REALISTIC, 'deploy', 'env')).toEqual(header);
    expect(pos(REALISTIC, 'deploy', 'env', 'prod')).toEqual(header);
    expect(pos(REALISTIC, 'deploy', 'env', 'prod', 'compute')).toEqual(header);
    expect(pos(REALISTIC, 'deploy', 'services')).toEqual({ line: 17, col: 2, valueLine: 17, valueCol: 2, isTable: true });
    // `deploy` itself was declared earlier: its own header wins.
    expect(lc(REALISTIC, 'deploy')).toEqual([5, 2, 5, 2]);
  });

  it('numbers the elements of an array of tables and puts their keys under the index', () => {
    expect(lc(REALISTIC, 'deploy', 'alarms', 'email', 0)).toEqual([21, 3, 21, 3]);
    expect(lc(REALISTIC, 'deploy', 'alarms', 'email', 1)).toEqual([23, 3, 23, 3]);
    expect(lc(REALISTIC, 'deploy', 'alarms', 'email', 0, 'to')).toEqual([22, 1, 22, 6]);
    expect(lc(REALISTIC, 'deploy', 'alarms', 'email', 1, 'to')).toEqual([24, 1, 24, 6]);
    // The array as a whole: its first header.
    expect(lc(REALISTIC, 'deploy', 'alarms', 'email')).toEqual([21, 3, 21, 3]);
    expect(pos(REALISTIC, 'deploy', 'alarms', 'email', 1).isTable).toBe(true);
  });

  it('records the keys of an inline table at their own columns', () => {
    expect(lc(REALISTIC, 'deploy', 'services', 'api', 'health')).toEqual([19, 1, 19, 10]);
    expect(lc(REALISTIC, 'deploy', 'services', 'api', 'health', 'path')).toEqual([19, 12, 19, 19]);
    expect(lc(REALISTIC, 'deploy', 'services', 'api', 'health', 'interval')).toEqual([19, 30, 19, 41]);
  });

  it('records array elements spanning lines, ignoring comments and strings that look like keys', () => {
    expect(lc(REALISTIC, 'deploy', 'secrets', 'list', 0)).toEqual([32, 3, 32, 3]);
    expect(lc(REALISTIC, 'deploy', 'secrets', 'list', 1)).toEqual([33, 3, 33, 3]);
    const all = tomlKeyPositions(REALISTIC);
    expect(all.has(keyOf(['deploy', 'secrets', 'region']))).toBe(false);
    expect(all.has(keyOf(['deploy', 'region']))).toBe(true);
    expect(pos(REALISTIC, 'deploy', 'region').line).toBe(8);
    expect(all.has(keyOf(['deploy', 'secrets', 'b']))).toBe(false);
  });

  it('points at the text of the key and of the value', () => {
    const memory = pos(REALISTIC, 'deploy', 'compute', 'memory');
    expect(textAt(REALISTIC, memory.line, memory.col)).toBe('memory = 1024');
    expect(textAt(REALISTIC, memory.valueLine, memory.valueCol)).toBe('1024');
    const env = pos(REALISTIC, 'deploy', 'environment');
    expect(textAt(REALISTIC, env.valueLine, env.valueCol)).toBe('"staging"  # dev, staging, prod');
    const header = pos(REALISTIC, 'deploy', 'env', 'prod');
    expect(textAt(REALISTIC, header.line, header.col)).toBe('deploy.env.prod.compute]');
  });

  it('agrees with smol-toml: every recorded path exists and every parsed path is recorded', () => {
    const parsed = parse(REALISTIC);
    const recorded = paths(REALISTIC);
    for (const p of recorded) expect(existsIn(parsed, p), p.join('.')).toBe(true);
    expect(new Set(recorded.map((p) => keyOf(p)))).toEqual(new Set(parsedPaths(parsed).map((p) => keyOf(p))));
  });
});

describe('positionOf', () => {
  const positions = tomlKeyPositions(REALISTIC);

  it('returns the exact entry when there is one', () => {
    expect(positionOf(positions, ['deploy', 'compute', 'memory'])).toEqual(pos(REALISTIC, 'deploy', 'compute', 'memory'));
  });

  it('falls back to the nearest ancestor for a path that is not in the document', () => {
    expect(positionOf(positions, ['deploy', 'compute', 'gpu'])).toEqual(pos(REALISTIC, 'deploy', 'compute'));
    expect(positionOf(positions, ['deploy', 'compute', 'gpu', 'kind', 3])).toEqual(pos(REALISTIC, 'deploy', 'compute'));
    expect(positionOf(positions, ['deploy', 'services', 'worker', 'port'])).toEqual(pos(REALISTIC, 'deploy', 'services'));
    expect(positionOf(positions, ['deploy', 'secrets', 'list', 7])).toEqual(pos(REALISTIC, 'deploy', 'secrets', 'list'));
  });

  it('returns undefined when no ancestor is recorded, and for the root', () => {
    expect(positionOf(positions, ['nope', 'deeper'])).toBeUndefined();
    expect(positionOf(positions, [])).toBeUndefined();
    expect(positionOf(new Map(), ['deploy'])).toBeUndefined();
  });

  it('accepts array indices as numbers or strings', () => {
    const byNumber = positionOf(positions, ['deploy', 'alarms', 'email', 1, 'to']);
    expect(byNumber).toEqual({ line: 24, col: 1, valueLine: 24, valueCol: 6, isTable: false });
    expect(positionOf(positions, ['deploy', 'alarms', 'email', '1', 'to'])).toEqual(byNumber);
  });

  it('works with paths from JSON pointers', () => {
    expect(positionOf(positions, pointerToPath('/deploy/compute/memory'))).toMatchObject({ line: 12, col: 1, valueCol: 10 });
    expect(positionOf(positions, pointerToPath('/deploy/alarms/email/0/to'))).toMatchObject({ line: 22, col: 1 });
    expect(positionOf(positions, pointerToPath('/deploy/secrets/api.key'))).toMatchObject({ line: 27, col: 1 });
    expect(positionOf(positions, pointerToPath('/deploy/services/api/health/timeout'))).toMatchObject({ line: 19, col: 1 });
  });

  it('finds keys containing a slash through an escaped pointer', () => {
    const doc = '[paths]\n"/health" = 1\n';
    expect(positionOf(tomlKeyPositions(doc), pointerToPath('/paths/~1health'))).toMatchObject({ line: 2, col: 1, valueCol: 13 });
  });
});

describe('table headers', () => {
  it('reads whitespace and quoted segments, basic and literal', () => {
    const doc = '[ a . "b.c" ]\nx = 1\n[ \'lit.x\' . y ]\nz = 2\n';
    expect(lc(doc, 'a', 'b.c')).toEqual([1, 3, 1, 3]);
    expect(lc(doc, 'a')).toEqual([1, 3, 1, 3]);
    expect(lc(doc, 'a', 'b.c', 'x')).toEqual([2, 1, 2, 5]);
    expect(lc(doc, 'lit.x', 'y')).toEqual([3, 3, 3, 3]);
    expect(lc(doc, 'lit.x', 'y', 'z')).toEqual([4, 1, 4, 5]);
    expect(tomlKeyPositions(doc).has(keyOf(['a', 'b', 'c']))).toBe(false);
  });

  it('decodes escapes in quoted segments', () => {
    const doc = '["a\\u0041\\tb"]\n"q\\"x" = 1\n["\\U0001F600"]\n';
    expect(lc(doc, 'aA\tb')).toEqual([1, 2, 1, 2]);
    expect(lc(doc, 'aA\tb', 'q"x')).toEqual([2, 1, 2, 10]);
    expect(lc(doc, '\u{1F600}')).toEqual([3, 2, 3, 2]);
    expect(parse(doc)).toHaveProperty(['aA\tb', 'q"x'], 1);
  });

  it('accepts comments after headers', () => {
    const doc = '[a] # the a table\n[[b]] # first b\nk = 1\n';
    expect(lc(doc, 'a')).toEqual([1, 2, 1, 2]);
    expect(lc(doc, 'b', 0, 'k')).toEqual([3, 1, 3, 5]);
  });

  it('lets an explicit header win over an earlier implicit parent', () => {
    const doc = '[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = 3\n';
    expect(pos(doc, 'a')).toEqual({ line: 3, col: 2, valueLine: 3, valueCol: 2, isTable: true });
    expect(pos(doc, 'a', 'b')).toEqual({ line: 5, col: 2, valueLine: 5, valueCol: 2, isTable: true });
    expect(lc(doc, 'a', 'b', 'c')).toEqual([1, 2, 1, 2]);
  });

  it('keeps the first of several implicit occurrences of a parent', () => {
    const doc = '[x.one]\nk = 1\n[x.two]\nk = 2\n';
    expect(lc(doc, 'x')).toEqual([1, 2, 1, 2]);
    expect(lc(doc, 'x', 'two')).toEqual([3, 2, 3, 2]);
  });
});

describe('arrays of tables', () => {
  it('numbers each occurrence and resolves sub-tables to the latest element', () => {
    const doc = [
      '[[fruits]]', // 1
      'name = "apple"', // 2
      '[fruits.physical]', // 3
      'color = "red"', // 4
      '[[fruits.varieties]]', // 5
      'name = "red delicious"', // 6
      '[[fruits.varieties]]', // 7
      'name = "granny smith"', // 8
      '[[fruits]]', // 9
      'name = "banana"', // 10
      '[[fruits.varieties]]', // 11
      'name = "plantain"', // 12
      '',
    ].join('\n');
    expect(lc(doc, 'fruits', 0)).toEqual([1, 3, 1, 3]);
    expect(lc(doc, 'fruits', 0, 'name')).toEqual([2, 1, 2, 8]);
    expect(lc(doc, 'fruits', 0, 'physical')).toEqual([3, 2, 3, 2]);
    expect(lc(doc, 'fruits', 0, 'physical', 'color')).toEqual([4, 1, 4, 9]);
    expect(lc(doc, 'fruits', 0, 'varieties')).toEqual([5, 3, 5, 3]);
    expect(lc(doc, 'fruits', 0, 'varieties', 0, 'name')).toEqual([6, 1, 6, 8]);
    expect(lc(doc, 'fruits', 0, 'varieties', 1, 'name')).toEqual([8, 1, 8, 8]);
    expect(lc(doc, 'fruits', 1)).toEqual([9, 3, 9, 3]);
    expect(lc(doc, 'fruits', 1, 'name')).toEqual([10, 1, 10, 8]);
    expect(lc(doc, 'fruits', 1, 'varieties', 0)).toEqual([11, 3, 11, 3]);
    expect(lc(doc, 'fruits', 1, 'varieties', 0, 'name')).toEqual([12, 1, 12, 8]);
    expect(tomlKeyPositions(doc).has(keyOf(['fruits', 2]))).toBe(false);
    const parsed = parse(doc);
    for (const p of paths(doc)) expect(existsIn(parsed, p), p.join('.')).toBe(true);
  });

  it('handles an array of tables with whitespace in the brackets', () => {
    const doc = '[[ deploy . "services" ]]\nport = 1\n';
    expect(lc(doc, 'deploy', 'services', 0)).toEqual([1, 4, 1, 4]);
    expect(lc(doc, 'deploy', 'services', 0, 'port')).toEqual([2, 1, 2, 8]);
  });
});

describe('key = value', () => {
  it('reads dotted keys relative to the current table', () => {
    const doc = '[deploy]\ncompute.cpu = 256\ncompute . memory=512\n';
    expect(lc(doc, 'deploy', 'compute', 'cpu')).toEqual([2, 1, 2, 15]);
    expect(lc(doc, 'deploy', 'compute', 'memory')).toEqual([3, 1, 3, 18]);
    // The table a dotted key creates points at its first use.
    expect(pos(doc, 'deploy', 'compute')).toEqual({ line: 2, col: 1, valueLine: 2, valueCol: 1, isTable: false });
  });

  it('reads quoted keys, basic and literal, including empty and dotted ones', () => {
    const doc = '"my key" = 1\n\'x\' = 2\n"" = 3\n\'a.b\'.c = 4\n"a\\"b" = 5\n';
    expect(lc(doc, 'my key')).toEqual([1, 1, 1, 12]);
    expect(lc(doc, 'x')).toEqual([2, 1, 2, 7]);
    expect(lc(doc, '')).toEqual([3, 1, 3, 6]);
    expect(lc(doc, 'a.b', 'c')).toEqual([4, 1, 4, 11]);
    expect(lc(doc, 'a"b')).toEqual([5, 1, 5, 10]);
  });

  it('reads bare keys with dashes, underscores and digits', () => {
    const doc = 'desired-count = 1\n_private_1 = 2\n1234 = 3\n3.14 = 4\n  indented = 5\n\tx-y_z = 6\n';
    expect(lc(doc, 'desired-count')).toEqual([1, 1, 1, 17]);
    expect(lc(doc, '_private_1')).toEqual([2, 1, 2, 14]);
    expect(lc(doc, '1234')).toEqual([3, 1, 3, 8]);
    expect(lc(doc, '3', '14')).toEqual([4, 1, 4, 8]);
    expect(lc(doc, 'indented')).toEqual([5, 3, 5, 14]);
    expect(lc(doc, 'x-y_z')).toEqual([6, 2, 6, 10]);
    expect(parse(doc)).toHaveProperty(['3', '14'], 4);
  });

  it('keeps keys before the first header at the root', () => {
    const doc = 'title = "t"\n[a]\nb = 1\n';
    expect(lc(doc, 'title')).toEqual([1, 1, 1, 9]);
    expect(tomlKeyPositions(doc).has(keyOf(['a', 'title']))).toBe(false);
  });

  it('does not treat # inside strings as a comment', () => {
    const doc = 'a = "x # y" # real\nb = \'#\'\nc = "\\"#" # q\nd = 1\n';
    expect(lc(doc, 'a')).toEqual([1, 1, 1, 5]);
    expect(lc(doc, 'b')).toEqual([2, 1, 2, 5]);
    expect(lc(doc, 'c')).toEqual([3, 1, 3, 5]);
    expect(lc(doc, 'd')).toEqual([4, 1, 4, 5]);
  });

  it('skips all the kinds of bare values, including date-times written with a space', () => {
    const doc = [
      'a = 1979-05-27 07:32:00Z # date-time',
      'b = 1979-05-27',
      'c = 07:32:00',
      'd = -inf',
      'e = 0x_dead_beef',
      'f = 1e-3',
      'g = true',
      'h = 1979-05-27T07:32:00.999-07:00',
      'i = 1_000',
      '',
    ].join('\n');
    expect(paths(doc).map((p) => p.join('.'))).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    expect(lc(doc, 'i')).toEqual([9, 1, 9, 5]);
    // The whole date-time is one value: what follows it is still read.
    const inline = 't = { d = 1979-05-27 07:32:00, e = 1 }\n';
    expect(parse(inline)).toHaveProperty(['t', 'e'], 1);
    expect(lc(inline, 't', 'e')).toEqual([1, 32, 1, 36]);
  });
});

describe('values spanning lines', () => {
  it('skips multi-line basic strings, escaped quotes and all', () => {
    const doc = ['a = """', 'b = 1', '[not.a.table]', 'escaped \\""" still inside', 'c = 2"""', 'd = 3', ''].join('\n');
    expect(paths(doc)).toEqual([['a'], ['d']]);
    expect(lc(doc, 'd')).toEqual([6, 1, 6, 5]);
  });

  it('skips multi-line literal strings, with up to two quotes before the delimiter', () => {
    const doc = ["a = '''", 'b = 1', "it''s ''''' # still a string", 'c = 2', "x = '''one line''' # c", 'd = 4', ''].join('\n');
    expect(parse(doc)).toHaveProperty('a', "b = 1\nit''s ''");
    expect(paths(doc)).toEqual([['a'], ['c'], ['x'], ['d']]);
    expect(lc(doc, 'c')).toEqual([4, 1, 4, 5]);
  });

  it('handles quotes that end a multi-line basic string', () => {
    const doc = 'a = """x"""""\nb = """ "q" """\nc = 1\n';
    expect(parse(doc)).toMatchObject({ a: 'x""', b: ' "q" ', c: 1 });
    expect(paths(doc)).toEqual([['a'], ['b'], ['c']]);
    // Inside an inline table the value must end exactly, or the next key is lost.
    const inline = "t = { a = \"\"\"x\"\"\"\"\", b = '''y''''', c = 1 }\n";
    expect(parse(inline)).toEqual({ t: { a: 'x""', b: "y''", c: 1 } });
    expect(lc(inline, 't', 'c')).toEqual([1, 37, 1, 41]);
  });

  it('records array elements across lines, skipping comments and bracket characters in strings', () => {
    const doc = ['ports = [', '  80, # http', '  "]", # a bracket', "  '[',", '  [1, [2, 3]],', ']', 'after = 1', ''].join('\n');
    expect(lc(doc, 'ports')).toEqual([1, 1, 1, 9]);
    expect(lc(doc, 'ports', 0)).toEqual([2, 3, 2, 3]);
    expect(lc(doc, 'ports', 1)).toEqual([3, 3, 3, 3]);
    expect(lc(doc, 'ports', 2)).toEqual([4, 3, 4, 3]);
    expect(lc(doc, 'ports', 3)).toEqual([5, 3, 5, 3]);
    expect(lc(doc, 'ports', 3, 1)).toEqual([5, 7, 5, 7]);
    expect(lc(doc, 'ports', 3, 1, 1)).toEqual([5, 11, 5, 11]);
    expect(lc(doc, 'after')).toEqual([7, 1, 7, 9]);
    expect(paths(doc)).toHaveLength(10);
  });

  it('records an empty array but no elements', () => {
    const doc = 'a = []\nb = [\n]\nc = 1\n';
    expect(paths(doc)).toEqual([['a'], ['b'], ['c']]);
  });
});

describe('inline tables', () => {
  it('records nested inline tables at their own columns', () => {
    const doc = 'a = { b = 1, c = { d = 2 } }\n';
    expect(lc(doc, 'a')).toEqual([1, 1, 1, 5]);
    expect(lc(doc, 'a', 'b')).toEqual([1, 7, 1, 11]);
    expect(lc(doc, 'a', 'c')).toEqual([1, 14, 1, 18]);
    expect(lc(doc, 'a', 'c', 'd')).toEqual([1, 20, 1, 24]);
  });

  it('records dotted and quoted keys inside inline tables', () => {
    const doc = '[t]\nhealth = { check.path = "/h", "x y" = 1 }\n';
    expect(lc(doc, 't', 'health', 'check', 'path')).toEqual([2, 12, 2, 25]);
    expect(lc(doc, 't', 'health', 'check')).toEqual([2, 12, 2, 12]);
    expect(lc(doc, 't', 'health', 'x y')).toEqual([2, 31, 2, 39]);
  });

  it('records arrays of inline tables element by element', () => {
    const doc = 'x = [ { y = 1 }, { y = 2 } ]\n';
    expect(lc(doc, 'x', 0)).toEqual([1, 7, 1, 7]);
    expect(lc(doc, 'x', 0, 'y')).toEqual([1, 9, 1, 13]);
    expect(lc(doc, 'x', 1)).toEqual([1, 18, 1, 18]);
    expect(lc(doc, 'x', 1, 'y')).toEqual([1, 20, 1, 24]);
  });

  it('records arrays of inline tables spread over lines', () => {
    const doc = 'x = [\n  { y = 1 },\n  { y = 2, z = [3] },\n]\n';
    expect(lc(doc, 'x', 1, 'y')).toEqual([3, 5, 3, 9]);
    expect(lc(doc, 'x', 1, 'z', 0)).toEqual([3, 17, 3, 17]);
  });

  it('accepts the multi-line inline tables of TOML 1.1', () => {
    const doc = 'a = {\n  b = 1, # one\n  c = 2,\n}\nd = 3\n';
    expect(() => parse(doc)).not.toThrow();
    expect(lc(doc, 'a', 'c')).toEqual([3, 3, 3, 7]);
    expect(lc(doc, 'd')).toEqual([5, 1, 5, 5]);
  });

  it('records an empty inline table', () => {
    expect(paths('a = {}\nb = { }\n')).toEqual([['a'], ['b']]);
  });
});

describe('line endings and byte-order mark', () => {
  const lf = '[deploy]\nregion = "eu-west-1"\n\n[deploy.compute]\nmemory = 1024 # MiB\n';

  it('gives the same positions for CRLF as for LF', () => {
    const crlf = lf.replace(/\n/g, '\r\n');
    expect([...tomlKeyPositions(crlf)]).toEqual([...tomlKeyPositions(lf)]);
    expect(lc(crlf, 'deploy', 'compute', 'memory')).toEqual([5, 1, 5, 10]);
  });

  it('counts columns after removing a leading BOM', () => {
    const bom = `\uFEFF${lf}`;
    expect([...tomlKeyPositions(bom)]).toEqual([...tomlKeyPositions(lf)]);
    expect(lc(bom, 'deploy')).toEqual([1, 2, 1, 2]);
    expect(lc(`\uFEFFa = 1`, 'a')).toEqual([1, 1, 1, 5]);
  });

  it('handles BOM and CRLF together, and a last line without a line break', () => {
    const doc = '\uFEFF# c\r\n[a]\r\nb = [\r\n  1,\r\n]\r\nc = "x"';
    expect(lc(doc, 'a', 'b', 0)).toEqual([4, 3, 4, 3]);
    expect(lc(doc, 'a', 'c')).toEqual([6, 1, 6, 5]);
  });

  it('counts columns in UTF-16 code units', () => {
    const doc = 'a = { "é😀" = 1, b = 2 }\n';
    expect(lc(doc, 'a', 'é😀')).toEqual([1, 7, 1, 15]);
    expect(lc(doc, 'a', 'b')).toEqual([1, 18, 1, 22]);
  });
});

describe('invalid input', () => {
  it('never throws and yields no entries for empty or blank documents', () => {
    expect(tomlKeyPositions('').size).toBe(0);
    expect(tomlKeyPositions('\uFEFF').size).toBe(0);
    expect(tomlKeyPositions('\n\r\n  \t\n# only a comment').size).toBe(0);
  });

  it('drops a broken line and keeps going', () => {
    const doc = 'a = 1\n= 2\nb c = 3\nd = "unterminated\ne = 5\nf = 1 2\ng = 7\n';
    expect(paths(doc).map((p) => p.join('.'))).toEqual(['a', 'd', 'e', 'f', 'g']);
    expect(lc(doc, 'g')).toEqual([7, 1, 7, 5]);
  });

  it('does not attribute keys to a malformed header', () => {
    const doc = '[good]\na = 1\n[bad\nb = 2\n[[also bad]\nc = 3\n[better]\nd = 4\n';
    expect(paths(doc).map((p) => p.join('.'))).toEqual(['good', 'good.a', 'better', 'better.d']);
  });

  it('survives unterminated multi-line strings, arrays and inline tables', () => {
    expect(() => tomlKeyPositions('a = """\nb = 1\n')).not.toThrow();
    expect(() => tomlKeyPositions("a = '''")).not.toThrow();
    expect(() => tomlKeyPositions('a = [1, 2,\n[b]\nc = 1')).not.toThrow();
    expect(() => tomlKeyPositions('a = { b = 1,')).not.toThrow();
    expect(() => tomlKeyPositions('a = "\\u')).not.toThrow();
    expect(() => tomlKeyPositions('"\\UFFFFFFFF" = 1\n"\\uD800" = 2\n')).not.toThrow();
    expect(tomlKeyPositions('"\\UFFFFFFFF" = 1\nok = 2\n').has(keyOf(['ok']))).toBe(true);
  });

  it('survives very deep nesting and very long lines', () => {
    expect(() => tomlKeyPositions(`a = ${'['.repeat(100_000)}`)).not.toThrow();
    expect(() => tomlKeyPositions(`a = ${'{ b = '.repeat(50_000)}1`)).not.toThrow();
    expect(() => tomlKeyPositions(`[${'a.'.repeat(50_000)}a]`)).not.toThrow();
    const deep = `a = ${'['.repeat(20)}1${']'.repeat(20)}\nb = 2\n`;
    expect(pos(deep, 'a', ...Array<number>(20).fill(0))).toMatchObject({ line: 1, col: 25 });
    expect(lc(deep, 'b')).toEqual([2, 1, 2, 5]);
  });

  it('never throws on arbitrary strings', () => {
    const tomlish = fc.string({
      unit: fc.constantFrom('[', ']', '{', '}', '"', "'", '"""', "'''", '=', '.', ',', '#', '\\', '\n', '\r\n', ' ', 'a', '1', '\uFEFF', '\\u', 'x = ', '[[', ']]'),
      maxLength: 80,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), tomlish), (text) => {
        const positions = tomlKeyPositions(text);
        for (const [key, p] of positions) {
          expect(Array.isArray(JSON.parse(key))).toBe(true);
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.col).toBeGreaterThanOrEqual(1);
          expect(p.valueLine).toBeGreaterThanOrEqual(p.line);
        }
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

// ---- documents from a small grammar, checked against smol-toml ----

const bareKey = fc.constantFrom('a', 'b', 'c', 'x-y', '_1', '42', 'deploy');
const quotedKey = fc.constantFrom('"a.b"', '"sp ace"', '"\\u0041"', "'lit'", "'a'", '""');
const simpleKey = fc.oneof({ weight: 3, arbitrary: bareKey }, { weight: 1, arbitrary: quotedKey });
const dottedKey = fc
  .tuple(fc.array(simpleKey, { minLength: 1, maxLength: 3 }), fc.constantFrom('.', ' . ', '. '))
  .map(([segs, dot]) => segs.join(dot));

const scalar = fc.constantFrom(
  '1',
  '-3.5',
  'true',
  'inf',
  '"s # not a comment"',
  "'lit = x'",
  '"[not.a.table]"',
  '1979-05-27 07:32:00Z',
  '07:32:00',
  '"""\nml = 1\n[x]\n"""',
  "'''\n[[y]]\nz = 2 '''",
  '"""a\\"""b"""',
);

const { value } = fc.letrec<{ value: string; array: string; inline: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('inline')),
  array: fc
    .tuple(fc.array(tie('value'), { maxLength: 3 }), fc.constantFrom(', ', ',\n  ', ', # c\n', ','), fc.boolean())
    .map(([items, sep, trailing]) => `[${items.join(sep)}${trailing && items.length > 0 ? ',' : ''}]`),
  inline: fc
    .array(fc.tuple(dottedKey, tie('value')), { maxLength: 3 })
    .map((pairs) => `{ ${pairs.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
}));

const line = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(dottedKey, value, fc.boolean()).map(([k, v, c]) => `${k} = ${v}${c ? ' # note' : ''}`) },
  { weight: 2, arbitrary: dottedKey.map((k) => `[${k}]`) },
  { weight: 2, arbitrary: dottedKey.map((k) => `[[ ${k} ]]`) },
  { weight: 1, arbitrary: fc.constantFrom('', '# comment', '   ') },
);

const document = fc
  .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, bom]) => `${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`);

describe('agreement with smol-toml on generated documents', () => {
  it('records only paths that exist in the parsed document, and all of them', () => {
    let accepted = 0;
    fc.assert(
      fc.property(document, (text) => {
        let parsed: unknown;
        try {
          parsed = parse(text);
        } catch {
          return; // not TOML: nothing to compare
        }
        accepted++;
        const positions = tomlKeyPositions(text);
        const recorded = [...positions.keys()].map((k) => JSON.parse(k) as string[]);
        for (const p of recorded) expect(existsIn(parsed, p), `${p.join('.')} in\n${text}`).toBe(true);
        for (const p of parsedPaths(parsed)) expect(positions.has(keyOf(p)), `${p.join('.')} in\n${text}`).toBe(true);
        // Every position points at a key, a header's first segment, or an array element.
        for (const [, p] of positions) {
          const at = textAt(text, p.line, p.col);
          expect(at).toMatch(/^[^\s#=,\]}]/);
          if (p.isTable) expect(textAt(text, p.line, 1).trimStart().startsWith('[')).toBe(true);
        }
      }),
      { seed: 7, numRuns: 500 },
    );
    // The property must not hold vacuously.
    expect(accepted).toBeGreaterThan(100);
  });
});
