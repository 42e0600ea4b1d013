/** The version file is untrusted input: every damaged or hostile form is a diagnostic, never an exception. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVersionFile, readVersionFile, unsafePathReason } from '../../src/cli/version-file.js';
import { sha256 } from '../../src/cli/write.js';
import { versionFileText } from './tree-helpers.js';

const versionFile = versionFileText;
const SUM = sha256('x');

const codes = (text: string) => parseVersionFile(text, 'infra/.dazzle-infra-version.json').diagnostics.map((d) => d.code);

describe('parseVersionFile', () => {
  it('reads a valid version file, keeping its exact text', () => {
    const text = versionFile([{ path: 'lib/app.ts' }, { path: '.gitignore' }]);
    const r = parseVersionFile(text, 'v.json');
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.text).toBe(text);
    expect(r.value?.data.files.map((f) => f.path)).toEqual(['lib/app.ts', '.gitignore']);
  });

  it.each([
    ['null', 'null'],
    ['a number', '42'],
    ['a list', '[]'],
    ['a string', '"files"'],
    ['files with a null path', '{"files":[{"path":null}]}'],
    ['not JSON', '{"files": ['],
    ['empty', ''],
  ])('%s is DZ6005', (_, text) => {
    expect(codes(text)).toEqual(['DZ6005']);
  });

  it('wrong types in a complete file are DZ6005', () => {
    expect(codes(versionFile([{ path: 42 }]))).toEqual(['DZ6005']);
    expect(codes(versionFile([{ path: 'a.ts', checksum: 'not-a-sum' }]))).toEqual(['DZ6005']);
    expect(codes(versionFile([{ path: 'a.ts' }], { files: 'all' }))).toEqual(['DZ6005']);
    expect(codes(versionFile([{ path: 'a.ts' }], { inputs: null }))).toEqual(['DZ6005']);
    expect(codes(versionFile([{ path: 'a.ts' }], { format_version: '1' }))).toEqual(['DZ6005']);
  });

  it('a JSON syntax error points at its line (a missing comma, as a hand edit leaves it)', () => {
    const r = parseVersionFile('{\n  "version": "0123456789ab"\n  "files": []\n}\n', 'v.json');
    expect(r.diagnostics.map((d) => [d.code, d.span?.file, d.span?.line])).toEqual([['DZ6005', 'v.json', 3]]);
  });

  it('a path listed twice is DZ6005 at the second occurrence', () => {
    const text = versionFile([{ path: 'lib/app.ts' }, { path: 'README.md' }, { path: 'lib/app.ts' }]);
    const r = parseVersionFile(text, 'v.json');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ6005']);
    const lines = text.split('\n');
    const second = lines.findIndex((l, i) => l.includes('"lib/app.ts"') && lines.slice(0, i).some((x) => x.includes('"lib/app.ts"')));
    expect(r.diagnostics[0]?.span?.line).toBe(second + 1);
  });

  it.each(['../dsl/app.dsl', '/etc/passwd', 'lib/../../x', '..', 'lib\\..\\..\\x', 'C:/x', 'lib//app.ts', './lib/app.ts', 'lib/./app.ts', 'lib/', 'a\nb', '.dazzle-staging/journal.json', '.dazzle.lock', '.dazzle-infra-version.json'])(
    'a path %j that could leave the folder or touch dazzle’s own files is DZ6006, at its line',
    (path) => {
      const text = versionFile([{ path: 'README.md' }, { path }]);
      const r = parseVersionFile(text, 'v.json');
      expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ6006']);
      expect(r.value).toBeUndefined();
      expect(r.diagnostics[0]?.span?.line).toBeGreaterThan(1);
    },
  );

  it('stack files are paths too', () => {
    expect(codes(versionFile([{ path: 'a.ts' }], { stacks: [{ name: 'Network', id: 'X', file: '../x.ts', checksum: SUM }] }))).toEqual(['DZ6006']);
  });

  it('a newer format is DZ6007 (upgrade), not "damaged"', () => {
    expect(codes(versionFile([{ path: 'a.ts' }], { format_version: 2, files: 'changed shape' }))).toEqual(['DZ6007']);
  });

  it('plain relative paths are accepted', () => {
    for (const p of ['README.md', '.gitignore', 'lib/app.ts', 'a/b/c/d.ts', 'lib/..x', 'lib/x..ts']) expect(unsafePathReason(p), p).toBeUndefined();
  });
});

describe('readVersionFile', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'dazzle-vf-'));

  it('a folder without one: no value, no diagnostics', () => {
    expect(readVersionFile(dir(), 'infra')).toEqual({ value: undefined, exists: false, diagnostics: [] });
  });

  it('a symbolic link, a folder or a FIFO in its place is DZ6005, and is not followed or opened', () => {
    const outside = join(dir(), 'outside.json');
    writeFileSync(outside, versionFile([{ path: 'a.ts' }]));
    const linked = dir();
    symlinkSync(outside, join(linked, '.dazzle-infra-version.json'));
    expect(readVersionFile(linked, 'infra').diagnostics.map((d) => d.code)).toEqual(['DZ6005']);
    const folder = dir();
    mkdirSync(join(folder, '.dazzle-infra-version.json'));
    expect(readVersionFile(folder, 'infra').diagnostics.map((d) => d.code)).toEqual(['DZ6005']);
    const fifo = dir();
    expect(spawnSync('mkfifo', [join(fifo, '.dazzle-infra-version.json')]).status).toBe(0);
    expect(readVersionFile(fifo, 'infra').diagnostics.map((d) => d.code)).toEqual(['DZ6005']);
  });
});
