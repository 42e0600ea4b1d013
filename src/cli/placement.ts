/**
 * Where the last generation put each unit (the version file's `placement`), for `deploy plan`,
 * `generate` and `preflight`. A module of its own, without the generator: `deploy plan` loads it
 * (and the version file's reader) only when there is a version file to read.
 */
import { diag, quote, type Diagnostic } from '../diagnostics/index.js';
import { VERSION_FILE } from '../emit/version-file-name.js';
import { recordedStack, SHARDED_STACKS, type Placement, type ShardedStackName, type StackName } from '../plan/index.js';
import { lineOf, readVersionFile } from './version-file.js';

/** The family a unit key belongs to (`queue:x` → Messaging). */
const UNIT_FAMILY: Readonly<Record<string, ShardedStackName>> = { queue: 'Messaging', schedule: 'Messaging', bus: 'Messaging', email: 'Messaging', bucket: 'Data', service: 'Compute' };

/**
 * Where the last generation in `outDir` put each queue, schedule, bus, email identity, bucket and
 * web service (its version file's \`placement\`), so that the plan keeps every one in its stack. Only
 * a version file of this app and environment counts; a damaged one is reported by the writer
 * (and places nothing here). An entry that names no stack of its family is DZ7050 and is placed
 * afresh.
 */
export function previousPlacement(outDir: string, shownDir: string, app: string, environment: string): { readonly placement: Placement; readonly diagnostics: readonly Diagnostic[] } {
  const none = { placement: new Map(), diagnostics: [] };
  const read = readVersionFile(outDir, shownDir);
  if (!read.value) return none;
  const { data, text } = read.value;
  if (data.app !== app || data.environment !== environment) return none;
  const recorded = (data as { placement?: unknown }).placement;
  if (recorded === null || typeof recorded !== 'object' || Array.isArray(recorded)) return none;
  const shown = shownDir === '.' ? VERSION_FILE : `${shownDir}/${VERSION_FILE}`;
  const placement = new Map<string, StackName>();
  const diagnostics: Diagnostic[] = [];
  for (const [key, stack] of Object.entries(recorded as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const family = UNIT_FAMILY[key.slice(0, key.indexOf(':'))];
    const valid = family && SHARDED_STACKS.includes(family) ? recordedStack(stack, family) : undefined;
    if (valid) placement.set(key, valid);
    else {
      const line = lineOf(text, key);
      diagnostics.push(
        diag('DZ7050', `${shown} places ${quote(key)} in ${quote(String(stack))}, which is not ${family ? `a ${family} stack (${family}, ${family}2, …)` : 'a queue, schedule, bus, email identity, bucket or web service'}; it is placed as if it were new`, {
          span: { file: shown, line, col: 1, endLine: line, endCol: 2, offset: 0, length: 0 },
          hint: 'the version file records where each resource went; restore the entry from version control, or remove it (a resource placed afresh may move to another stack, which replaces it)',
        }),
      );
    }
  }
  return { placement, diagnostics };
}
