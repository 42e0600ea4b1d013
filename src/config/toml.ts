/** TOML text → a plain object, or a DZ0006 diagnostic at the line and column of the syntax error. */
import { parse, TomlError } from 'smol-toml';
import { diag, type Result } from '../diagnostics/index.js';
import { secretMasks, withSecretMasks } from './redact.js';

/**
 * Parse dazzle.toml. A syntax error is one DZ0006 at smol-toml's position,
 * except that a string left open at the end of its line is reported at its
 * opening quote (smol-toml reports the line break as a control character).
 * Values that may be secrets are masked in the error's code frame.
 */
export function parseTomlText(path: string, text: string): Result<Record<string, unknown> | undefined> {
  try {
    return { value: parse(text) as Record<string, unknown>, diagnostics: [] };
  } catch (e) {
    let line = e instanceof TomlError ? e.line : 1;
    let col = e instanceof TomlError ? e.column : 1;
    let message = (e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)).replace(/^Invalid TOML document: /, '');
    const lineText = text.split('\n')[line - 1]?.replace(/\r$/, '') ?? '';
    const open = /control characters/.test(message) && col > lineText.length ? openStringColumn(lineText) : undefined;
    if (open !== undefined) {
      col = open;
      message = 'a string is not closed before the end of its line';
    }
    line = Math.max(1, line);
    const d = diag('DZ0006', `dazzle.toml is not valid TOML: ${message}`, {
      span: { file: path, line, col, endLine: line, endCol: col + 1, offset: 0, length: 0 },
      hint: open !== undefined ? 'close the string with the quote it opened with; a multi-line value needs """ … """' : 'fix the syntax at this position (https://toml.io)',
    });
    return { value: undefined, diagnostics: withSecretMasks([d], path, secretMasks(text)) };
  }
}

/** The 1-based column of the quote that opens a single-line string still open at the end of `line`, if any. */
function openStringColumn(line: string): number | undefined {
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === undefined) {
      if (c === '#') return undefined;
      if (c === '"' || c === "'") {
        if (line.startsWith(c.repeat(3), i)) return undefined;
        quote = c;
        start = i;
      }
    } else if (c === '\\' && quote === '"') i++;
    else if (c === quote) quote = undefined;
  }
  return quote === undefined ? undefined : start + 1;
}
