/** The atomic writer: hand edits are kept and reported, --force overwrites, an interrupted write leaves the old tree. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST, sha256, writeTree } from '../../src/cli/write.js';

/** Generated files plus a manifest recording their checksums (as generate will build it). */
function tree(files: Record<string, string>): Map<string, string> {
  const manifest = { files: Object.entries(files).map(([path, content]) => ({ path, checksum: sha256(content) })) };
  return new Map([...Object.entries(files), [MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`]]);
}

const out = () => mkdtempSync(join(tmpdir(), 'dazzle-write-'));
const text = (dir: string, rel: string) => readFileSync(join(dir, rel), 'utf8');

describe('writeTree', () => {
  it('writes a fresh tree, then finds nothing to change', () => {
    const dir = out();
    const first = writeTree(dir, tree({ 'bin/app.ts': 'app v1\n', 'lib/network-stack.ts': 'net v1\n' }));
    expect(first.written).toBe(true);
    expect(first.plan.added).toEqual([MANIFEST, 'bin/app.ts', 'lib/network-stack.ts']);
    expect(text(dir, 'bin/app.ts')).toBe('app v1\n');
    const again = writeTree(dir, tree({ 'bin/app.ts': 'app v1\n', 'lib/network-stack.ts': 'net v1\n' }));
    expect(again.plan.unchanged).toHaveLength(3);
    expect(again.diagnostics).toEqual([]);
    expect(existsSync(join(dir, '.dazzle-staging'))).toBe(false);
  });

  it('keeps and reports a file edited by hand; --force overwrites it', () => {
    const dir = out();
    writeTree(dir, tree({ 'bin/app.ts': 'app v1\n', 'lib/data-stack.ts': 'data v1\n' }));
    writeFileSync(join(dir, 'lib/data-stack.ts'), 'data v1\n// my tweak\n');
    const next = tree({ 'bin/app.ts': 'app v2\n', 'lib/data-stack.ts': 'data v2\n' });
    const blocked = writeTree(dir, next);
    expect(blocked.written).toBe(false);
    expect(blocked.plan.edited).toEqual(['lib/data-stack.ts']);
    expect(blocked.diagnostics.map((d) => d.code)).toEqual(['DZ6001']);
    expect(blocked.diagnostics[0]?.message).toContain('lib/data-stack.ts');
    // Nothing was written: not even the files that were not edited.
    expect(text(dir, 'lib/data-stack.ts')).toBe('data v1\n// my tweak\n');
    expect(text(dir, 'bin/app.ts')).toBe('app v1\n');
    const forced = writeTree(dir, next, { force: true });
    expect(forced.written).toBe(true);
    expect(text(dir, 'lib/data-stack.ts')).toBe('data v2\n');
  });

  it('never overwrites a file of the user at a path it would generate', () => {
    const dir = out();
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    const r = writeTree(dir, tree({ 'README.md': 'generated\n' }));
    expect(r.plan.edited).toEqual(['README.md']);
    expect(text(dir, 'README.md')).toBe('mine\n');
  });

  it('keeps files the user added, and removes generated files no longer generated', () => {
    const dir = out();
    writeTree(dir, tree({ 'lib/messaging-stack.ts': 'msg\n', 'lib/data-stack.ts': 'data\n' }));
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const r = writeTree(dir, tree({ 'lib/data-stack.ts': 'data\n' }));
    expect(r.plan.removed).toEqual(['lib/messaging-stack.ts']);
    expect(existsSync(join(dir, 'lib/messaging-stack.ts'))).toBe(false);
    expect(text(dir, 'notes.txt')).toBe('mine\n');
  });

  it('an interrupted write leaves the previous tree as it was', () => {
    const dir = out();
    writeTree(dir, tree({ 'a.ts': 'a1\n', 'b.ts': 'b1\n', 'c.ts': 'c1\n' }));
    const manifestBefore = text(dir, MANIFEST);
    const r = writeTree(dir, tree({ 'a.ts': 'a2\n', 'b.ts': 'b2\n', 'c.ts': 'c2\n' }), { failAfter: 1 });
    expect(r.written).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ6002']);
    expect([text(dir, 'a.ts'), text(dir, 'b.ts'), text(dir, 'c.ts')]).toEqual(['a1\n', 'b1\n', 'c1\n']);
    expect(text(dir, MANIFEST)).toBe(manifestBefore);
    expect(existsSync(join(dir, '.dazzle-staging'))).toBe(false);
  });

  it('--dry-run reports what would change and writes nothing', () => {
    const dir = out();
    writeTree(dir, tree({ 'a.ts': 'a1\n' }));
    const r = writeTree(dir, tree({ 'a.ts': 'a2\n', 'b.ts': 'b\n' }), { dryRun: true });
    expect(r.written).toBe(false);
    expect(r.plan).toMatchObject({ added: ['b.ts'], changed: [MANIFEST, 'a.ts'], edited: [] });
    expect(text(dir, 'a.ts')).toBe('a1\n');
    expect(existsSync(join(dir, 'b.ts'))).toBe(false);
  });

  it('refuses to write outside the output folder', () => {
    const r = writeTree(out(), new Map([['../escape.ts', 'x']]));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ6002']);
  });
});
