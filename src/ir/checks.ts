/**
 * What `dazzle check` finds beyond names and references, so that nothing that
 * would fail at synth or deploy is first found there: control characters in
 * values, settings AWS rejects, TigerBeetle's limits, and names that collide
 * once they become AWS names. Each check reads the syntax trees (for the
 * values' locations) and reports at the value.
 */
import type { Diagnostic } from '../diagnostics/index.js';
import type { Decl } from '../syntax/index.js';
import type { ConfigReference } from './appspec.js';
import { checkLedgers } from './check-ledgers.js';
import { checkGeneratedNames } from './check-names.js';
import { checkSettings } from './check-settings.js';
import { checkText } from './check-text.js';

/** Every check over the project's declarations (in file order), with the `config("…")` references the linker found. */
export function checkDeclarations(decls: readonly Decl[], configReferences: readonly ConfigReference[]): Diagnostic[] {
  // A value holding a control character is reported once, and not checked further (no cascade).
  const text = checkText(decls);
  return [...text.diagnostics, ...checkSettings(decls, text.flagged), ...checkLedgers(decls, text.flagged), ...checkGeneratedNames(decls, configReferences, text.flagged)];
}
