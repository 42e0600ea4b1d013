/** TOML text → a plain object, or a DZ0006 diagnostic at the line and column of the syntax error. */
import { parse, TomlError } from 'smol-toml';
import { diag, type Result } from '../diagnostics/index.js';

export function parseTomlText(path: string, text: string): Result<Record<string, unknown> | undefined> {
  try {
    return { value: parse(text) as Record<string, unknown>, diagnostics: [] };
  } catch (e) {
    const line = e instanceof TomlError ? e.line : 1;
    const col = e instanceof TomlError ? e.column : 1;
    const first = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    return {
      value: undefined,
      diagnostics: [
        diag('DZ0006', `dazzle.toml is not valid TOML: ${first.replace(/^Invalid TOML document: /, '')}`, {
          span: { file: path, line, col, endLine: line, endCol: col + 1, offset: 0, length: 0 },
          hint: 'fix the syntax at this position (https://toml.io)',
        }),
      ],
    };
  }
}
