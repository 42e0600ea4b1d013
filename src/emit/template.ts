/**
 * A strict template renderer: `{{name}}` placeholders, filled from a record.
 * A placeholder without a value, or a value without a placeholder, is a broken
 * invariant of dazzle itself (the templates ship with it), not a user mistake.
 */
import { InternalError } from '../diagnostics/index.js';

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

export function renderTemplate(name: string, template: string, values: Readonly<Record<string, string>>): string {
  for (const m of template.matchAll(/\{\{([^}]*)\}\}/g)) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(m[1] as string)) throw new InternalError(`template ${name}: malformed placeholder ${m[0]}`);
  }
  const used = new Set<string>();
  const missing = new Set<string>();
  const out = template.replace(PLACEHOLDER, (_, key: string) => {
    const v = values[key];
    if (v === undefined) {
      missing.add(key);
      return '';
    }
    used.add(key);
    return v;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (missing.size || unused.length) {
    const parts = [missing.size ? `no value for ${[...missing].sort().join(', ')}` : '', unused.length ? `unused value${unused.length === 1 ? '' : 's'} ${unused.sort().join(', ')}` : ''];
    throw new InternalError(`template ${name}: ${parts.filter(Boolean).join('; ')}`);
  }
  return out;
}
