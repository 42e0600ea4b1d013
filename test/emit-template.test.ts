import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InternalError } from '../src/diagnostics/index.js';
import { renderTemplate } from '../src/emit/template.js';
import { REPO } from './helpers.js';

describe('renderTemplate', () => {
  it('fills every placeholder', () => {
    expect(renderTemplate('t', 'a {{x}} b {{y}} {{x}}', { x: '1', y: '2' })).toBe('a 1 b 2 1');
  });

  it('fails on a placeholder without a value and on a value without a placeholder', () => {
    expect(() => renderTemplate('t', '{{x}} {{z}}', { x: '1' })).toThrow(/template t: no value for z/);
    expect(() => renderTemplate('t', '{{x}}', { x: '1', extra: '2' })).toThrow(/unused value extra/);
    expect(() => renderTemplate('t', '{{x}}', { x: '1', extra: '2' })).toThrow(InternalError);
  });

  it('fails on a malformed placeholder', () => {
    expect(() => renderTemplate('t', '{{ x }}', {})).toThrow(/malformed placeholder \{\{ x \}\}/);
  });

  it('every shipped template renders with exactly the placeholders it declares', () => {
    const dir = join(REPO, 'templates');
    const templates = readdirSync(dir).filter((f) => f.endsWith('.tmpl'));
    expect(templates.sort()).toEqual(['cdk.json.tmpl', 'package.json.tmpl', 'tsconfig.json.tmpl']);
    for (const f of templates) {
      const text = readFileSync(join(dir, f), 'utf8');
      const names = [...new Set([...text.matchAll(/\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g)].map((m) => m[1] as string))];
      const out = renderTemplate(f, text, Object.fromEntries(names.map((n) => [n, n === 'availabilityZones' ? '["us-east-1a"]' : 'x'])));
      if (f.endsWith('.json.tmpl')) expect(() => JSON.parse(out)).not.toThrow();
    }
  });
});
