/**
 * Which parts of dazzle.toml may hold a secret, so that no code frame shows
 * them (the renderer also hides anything shaped like a credential, wherever
 * it is; see diagnostics/redact.ts). Marked once, for every diagnostic that
 * points into the file: TOML syntax errors, schema errors and checks alike.
 *
 * A value may be a secret when it is written under `[deploy.secrets]` (or a
 * per-environment `secrets` table, which is an error but may still hold one),
 * or when any key on its path is named like a secret (`password`, `api_key`,
 * `token`, …), in any table: `[deploy.compute.env] DB_PASSWORD = "…"` or
 * Dazzle's own `[auth] session_secret = "…"`.
 */
import { credentialRanges, redactText, type Diagnostic, type Mask } from '../diagnostics/index.js';
import { tomlValueRanges } from './toml-positions.js';

/** Key names that say their value is a secret. */
const SECRET_NAME = /secret|passw(?:or)?d|passphrase|pwd|token|api_?key|apikey|access_?key|private_?key|signing_?key|encryption_?key|credential|dsn/i;

/** The value at this TOML key path may be a secret (see the module comment). */
export function isSecretPath(path: readonly (string | number)[]): boolean {
  const [a, b, , d] = path;
  if (a === 'deploy' && (b === 'secrets' || (b === 'env' && d === 'secrets'))) return true;
  return path.some((k) => typeof k === 'string' && SECRET_NAME.test(k));
}

/** The key name reads like a secret's (`DB_PASSWORD`, `api_key`). */
export function hasSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A value that could be a secret: not empty, not a number or a boolean, not a URL without credentials. */
export function couldBeSecret(value: string): boolean {
  const v = value.trim();
  if (v === '' || /^(?:true|false|yes|no|on|off|-?\d+(?:\.\d+)?)$/i.test(v)) return false;
  return !/^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(v);
}

/** The text shown for a plain variable: hidden when it is shaped like a credential or named like a secret. */
export const HIDDEN_VALUE = '(value not shown)';

/** A configuration value as printed (`config show`): credentials hidden, and plain variables named like secrets. */
export function shownValue(path: readonly string[], value: unknown): unknown {
  const name = path[path.length - 1] ?? '';
  if (typeof value === 'string') {
    if (path.includes('env') && (credentialRanges(value).length > 0 || (hasSecretName(name) && couldBeSecret(value)))) return HIDDEN_VALUE;
    return redactText(value);
  }
  if (Array.isArray(value)) return value.map((v) => shownValue(path, v));
  return value;
}

/** The ranges of a dazzle.toml text that may hold secrets. Never throws. */
export function secretMasks(text: string): readonly Mask[] {
  return tomlValueRanges(text)
    .filter((v) => v.unknownTable || isSecretPath(v.path))
    .map(({ line, col, endLine, endCol }) => ({ line, col, endLine, endCol }));
}

/** Each diagnostic in `file` with the masks that touch its lines (its own, if it had any, are kept). */
export function withSecretMasks(diagnostics: readonly Diagnostic[], file: string, masks: readonly Mask[]): Diagnostic[] {
  return diagnostics.map((d) => {
    if (!d.span || d.span.file !== file) return d;
    const { line, endLine } = d.span;
    const touching = masks.filter((m) => m.line <= Math.max(line, endLine) && m.endLine >= line);
    return touching.length ? { ...d, masks: [...(d.masks ?? []), ...touching] } : d;
  });
}
