/**
 * Where the tests find the shared folder: `../shared` beside the repository, or the
 * folder `DAZZLE_TEST_SHARED` names (a folder that does not exist hides it, as in a
 * clone of the repository alone). Read by the helpers and by the global setup.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const SHARED = resolve(REPO, process.env.DAZZLE_TEST_SHARED || join('..', 'shared'));

/** The key under which the global setup provides the file that collects skipped suites. */
export const SHARED_SKIPS = 'dazzleSharedSkips';

declare module 'vitest' {
  export interface ProvidedContext {
    dazzleSharedSkips: string;
  }
}
