/**
 * The writer, in-process: hand edits are kept and reported, --force overwrites only what dazzle
 * generated, nothing is written or deleted through a link or outside the folder, and a failure
 * at any step leaves the previous tree exactly as it was.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST, sha256, writeTree } from '../../src/cli/write.js';
import { generatedTree, snapshot, versionFileText } from './tree-helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'dazzle-write-'));
const text = (dir: string, rel: string) => readFileSync(join(dir, rel), 'utf8');
const codes = (r: { diagnostics: readonly { code: string }[] }) => r.diagnostics.map((d) => d.code);

const V1 = { 'bin/app.ts': 'app v1\n', 'lib/data-stack.ts': 'data v1\n', 'lib/messaging-stack.ts': 'msg v1\n', 'README.md': 'readme v1\n' };
const V2 = { 'bin/app.ts': 'app v2\n', 'lib/data-stack.ts': 'data v2\n', 'lib/tigerbeetle-stack.ts': 'tb v2\n', 'lib/extra/deep.ts': 'deep v2\n', 'README.md': 'readme v1\n' };

describe('writeTree', () => {
  it('writes a fresh tree, then finds nothing to change, and leaves no lock or staging behind', () => {
    const dir = join(tmp(), 'infra');
    const first = writeTree(dir, generatedTree(V1));
    expect(codes(first)).toEqual([]);
    expect(first.written).toBe(true);
    expect(first.plan.added).toEqual([MANIFEST, 'README.md', 'bin/app.ts', 'lib/data-stack.ts', 'lib/messaging-stack.ts']);
    expect(text(dir, 'bin/app.ts')).toBe('app v1\n');
    const again = writeTree(dir, generatedTree(V1));
    expect(again.plan.unchanged).toHaveLength(5);
    expect(again.plan.added.length + again.plan.changed.length + again.plan.removed.length).toBe(0);
    expect(again.diagnostics).toEqual([]);
    expect(Object.keys(snapshot(dir)).filter((p) => p.startsWith('.dazzle-') && p !== MANIFEST)).toEqual([]);
  });

  it('keeps and reports a file edited by hand (names it, with both checksums); --force overwrites it', () => {
    const dir = tmp();
    writeTree(dir, generatedTree(V1));
    writeFileSync(join(dir, 'lib/data-stack.ts'), 'data v1\n// my tweak\n');
    const before = snapshot(dir);
    const blocked = writeTree(dir, generatedTree(V2), { shown: 'infra' });
    expect(blocked.written).toBe(false);
    expect(blocked.plan.edited).toEqual(['lib/data-stack.ts']);
    expect(codes(blocked)).toEqual(['DZ6001']);
    const d = blocked.diagnostics[0];
    expect(d?.message).toContain('infra/lib/data-stack.ts');
    expect(d?.message).toContain(sha256('data v1\n').slice(0, 12));
    expect(d?.message).toContain(sha256('data v1\n// my tweak\n').slice(0, 12));
    expect(d?.hint).toContain('git diff -- infra/lib/data-stack.ts');
    expect(d?.hint).toContain('--dry-run');
    expect(d?.hint).toContain('--force');
    // Nothing was written: not even the files that were not edited.
    expect(snapshot(dir)).toEqual(before);
    const forced = writeTree(dir, generatedTree(V2), { force: true });
    expect(codes(forced)).toEqual([]);
    expect(text(dir, 'lib/data-stack.ts')).toBe('data v2\n');
  });

  it('never overwrites a file dazzle did not generate, not even with --force (DZ6011)', () => {
    const dir = tmp();
    writeTree(dir, generatedTree({ 'bin/app.ts': 'app\n' }));
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    for (const force of [false, true]) {
      const r = writeTree(dir, generatedTree({ 'bin/app.ts': 'app\n', 'README.md': 'generated\n' }), { force });
      expect(codes(r)).toEqual(['DZ6011']);
      expect(r.plan.foreign).toEqual(['README.md']);
      expect(text(dir, 'README.md')).toBe('mine\n');
    }
  });

  it('a folder in the way (EISDIR) or a file where a folder goes (ENOTDIR) is DZ6011, and nothing is written', () => {
    const dir = tmp();
    writeTree(dir, generatedTree(V1));
    rmSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'bin'), 'a file of mine\n');
    mkdirSync(join(dir, 'lib', 'tigerbeetle-stack.ts'));
    const before = snapshot(dir);
    const r = writeTree(dir, generatedTree(V2), { force: true });
    expect(codes(r)).toEqual(['DZ6011']);
    expect(r.plan.foreign).toEqual(['bin', 'lib/tigerbeetle-stack.ts']);
    expect(snapshot(dir)).toEqual(before);
  });

  it('keeps files the user added, and removes generated files no longer generated', () => {
    const dir = tmp();
    writeTree(dir, generatedTree(V1));
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    writeFileSync(join(dir, 'lib', 'my-construct.ts'), 'mine\n');
    const r = writeTree(dir, generatedTree(V2));
    expect(codes(r)).toEqual([]);
    expect(r.plan.removed).toEqual(['lib/messaging-stack.ts']);
    expect(existsSync(join(dir, 'lib/messaging-stack.ts'))).toBe(false);
    expect(text(dir, 'notes.txt')).toBe('mine\n');
    expect(text(dir, 'lib/my-construct.ts')).toBe('mine\n');
    expect(text(dir, 'lib/extra/deep.ts')).toBe('deep v2\n');
  });

  it('a version file naming ../dsl/app.dsl (with its true checksum) never deletes the user’s file (DZ6006)', () => {
    const project = tmp();
    mkdirSync(join(project, 'dsl'));
    writeFileSync(join(project, 'dsl', 'app.dsl'), 'module a\napp a "A"\n');
    const dir = join(project, 'infra');
    writeTree(dir, generatedTree(V1));
    const listed = Object.entries(V1).map(([path, c]) => ({ path, checksum: sha256(c) }));
    writeFileSync(join(dir, MANIFEST), versionFileText([...listed, { path: '../dsl/app.dsl', checksum: sha256('module a\napp a "A"\n') }]));
    const before = snapshot(project);
    for (const force of [false, true]) {
      const r = writeTree(dir, generatedTree(V2), { force });
      expect(codes(r)).toEqual(['DZ6006']);
      expect(snapshot(project)).toEqual(before);
    }
  });

  it('never writes or deletes through a symbolic link that leads out of the folder (DZ6012)', () => {
    const base = tmp();
    const outside = join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'data-stack.ts'), 'data v1\n');
    writeFileSync(join(outside, 'precious.txt'), 'keep\n');
    const dir = join(base, 'infra');
    writeTree(dir, generatedTree(V1));
    rmSync(join(dir, 'lib'), { recursive: true });
    symlinkSync(outside, join(dir, 'lib'));
    const before = snapshot(base);
    for (const force of [false, true]) {
      const r = writeTree(dir, generatedTree(V2), { force });
      expect(codes(r)).toEqual(['DZ6012']);
      expect(snapshot(base)).toEqual(before);
    }
  });

  it('a generated file replaced by a link is the user’s: never deleted when no longer generated, never overwritten', () => {
    const base = tmp();
    writeFileSync(join(base, 'target.ts'), 'msg v1\n');
    const dir = join(base, 'infra');
    writeTree(dir, generatedTree(V1));
    unlinkSync(join(dir, 'lib/messaging-stack.ts'));
    symlinkSync(join(base, 'target.ts'), join(dir, 'lib/messaging-stack.ts'));
    // No longer generated: the link is left alone, and so is what it points to.
    const r = writeTree(dir, generatedTree(V2));
    expect(codes(r)).toEqual([]);
    expect(r.plan.removed).toEqual([]);
    expect(text(base, 'target.ts')).toBe('msg v1\n');
    expect(snapshot(dir)['lib/messaging-stack.ts']).toBe(`-> ${join(base, 'target.ts')}`);
    // Still generated: a link where the app needs a file is not ours (DZ6011), even with --force.
    const back = writeTree(dir, generatedTree({ ...V2, 'lib/messaging-stack.ts': 'msg v3\n' }), { force: true });
    expect(codes(back)).toEqual(['DZ6011']);
    expect(text(base, 'target.ts')).toBe('msg v1\n');
  });

  it('refuses a folder that holds files it did not generate (DZ6009) and creates nothing there, not even a lock', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'package.json'), '{"name":"mine"}\n');
    const before = snapshot(dir);
    const r = writeTree(dir, generatedTree(V1), { force: true });
    expect(codes(r)).toEqual(['DZ6009']);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a refused first run leaves no empty folder behind', () => {
    const dir = join(tmp(), 'infra');
    const r = writeTree(dir, generatedTree({ '../escape.ts': 'x' }));
    expect(codes(r)).toEqual(['DZ6002']);
    expect(existsSync(dir)).toBe(false);
  });

  it('--dry-run reports what would change and writes nothing (no lock, no staging)', () => {
    const dir = tmp();
    writeTree(dir, generatedTree({ 'a.ts': 'a1\n' }));
    const before = snapshot(dir);
    const r = writeTree(dir, generatedTree({ 'a.ts': 'a2\n', 'b.ts': 'b\n' }), { dryRun: true });
    expect(r.written).toBe(false);
    expect(r.plan).toMatchObject({ added: ['b.ts'], changed: [MANIFEST, 'a.ts'], edited: [] });
    expect(snapshot(dir)).toEqual(before);
  });

  it('keeps the version file byte for byte when the version is the same (generated_at included)', () => {
    const dir = tmp();
    writeTree(dir, generatedTree(V1));
    const first = text(dir, MANIFEST);
    const again = generatedTree(V1);
    again.set(MANIFEST, (again.get(MANIFEST) as string).replace('2025-01-01T00:00:00Z', '2026-06-01T00:00:00Z'));
    const r = writeTree(dir, again);
    expect(r.plan.unchanged).toContain(MANIFEST);
    expect(text(dir, MANIFEST)).toBe(first);
  });
});

describe('writeTree: a failure at any step leaves the previous tree exactly as it was', () => {
  /** The previous tree (with user files), and the labels of every step a V1 → V2 write takes. */
  function setup(): { dir: string; steps: string[] } {
    const dir = tmp();
    writeTree(dir, generatedTree(V1));
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    writeFileSync(join(dir, 'lib', 'my-construct.ts'), 'mine\n');
    return { dir, steps: [] };
  }

  const probe = setup();
  const steps: string[] = [];
  writeTree(probe.dir, generatedTree(V2), { step: (_, label) => steps.push(label) });

  it('the write has a step for each stage, rename, delete and purge', () => {
    for (const kind of ['lock', 'prepare', 'stage', 'journal', 'mkdir lib/extra', 'backup', 'place', 'delete lib/messaging-stack.ts', 'commit', 'purge', 'cleanup', 'unlock']) {
      expect(steps.some((s) => s.startsWith(kind)), kind).toBe(true);
    }
  });

  // Steps that change the tree; a failure there must be undone in-process.
  const failing = steps.map((label, i) => ({ n: i + 1, label })).filter(({ label }) => !['commit', 'unlock'].includes(label) && !label.startsWith('purge') && label !== 'cleanup');
  it.each(['ENOSPC', 'EACCES', 'EISDIR', 'ENOTDIR'])('%s at each step: DZ6002 naming it, and the old tree exactly', (code) => {
    for (const { n, label } of failing) {
      const { dir } = setup();
      const before = snapshot(dir);
      const r = writeTree(dir, generatedTree(V2), {
        step: (i) => {
          if (i === n) throw Object.assign(new Error(`${code}: injected`), { code });
        },
      });
      expect(r.written, label).toBe(false);
      expect(codes(r), label).toEqual(['DZ6002']);
      expect(r.diagnostics[0]?.message, label).toContain(`(${code})`);
      expect(snapshot(dir), label).toEqual(before);
    }
  });

  it('a failure after the commit (while deleting the staging folder) keeps the new tree', () => {
    for (const { n, label } of steps.map((l, i) => ({ n: i + 1, label: l })).filter(({ label }) => label.startsWith('purge') || label === 'cleanup')) {
      const { dir } = setup();
      const r = writeTree(dir, generatedTree(V2), {
        step: (i) => {
          if (i === n) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
        },
      });
      expect(codes(r), label).toEqual([]);
      expect(text(dir, 'lib/data-stack.ts'), label).toBe('data v2\n');
      // The next run removes the leftover staging folder and finds nothing to change.
      const next = writeTree(dir, generatedTree(V2));
      expect(codes(next), label).toEqual([]);
      expect(next.plan.unchanged, label).toHaveLength(Object.keys(V2).length + 1);
      expect(existsSync(join(dir, '.dazzle-staging')), label).toBe(false);
    }
  });
});
