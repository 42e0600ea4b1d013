/** Helpers for the writer's tests: version files, generated trees, and exact snapshots of folders. */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST, sha256 } from '../../src/cli/write.js';

const SUM = sha256('inputs');

/** A valid version file (the shape emitApp writes) listing `files`, with overrides. */
export function versionFileText(files: readonly { path: unknown; checksum?: unknown }[], extra: Record<string, unknown> = {}): string {
  const body = {
    version: sha256(JSON.stringify(files)).slice(0, 12),
    dazzle_version: '0.1.0',
    generated_at: '2025-01-01T00:00:00Z',
    environment: 'dev',
    format_version: 1,
    app: 'test_app',
    region: 'eu-west-2',
    inputs: { checksum: SUM },
    stacks: [],
    files: files.map((f) => ({ checksum: SUM, ...f })),
    ...extra,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** Generated files plus the version file recording their checksums (as generate builds it). */
export function generatedTree(files: Record<string, string>): Map<string, string> {
  const listed = Object.entries(files).map(([path, content]) => ({ path, checksum: sha256(content) }));
  return new Map([...Object.entries(files), [MANIFEST, versionFileText(listed)]]);
}

/**
 * Everything under `dir`, exactly: each file's content, each folder (`dir/`),
 * each symbolic link (`-> target`). Two snapshots are equal only for equal trees.
 */
export function snapshot(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const n of readdirSync(abs).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      if (skip(r)) continue;
      const p = join(abs, n);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${r}/`] = '';
        walk(p, r);
      } else out[r] = readFileSync(p, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}
