import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/diagnostics/index.js';
import { REPO } from '../helpers.js';

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

describe('README', () => {
  it('lists every diagnostic code with its severity, phase and title', () => {
    for (const [code, e] of Object.entries(CATALOGUE)) expect(readme).toContain(`| ${code} | ${e.severity} | ${e.phase} | ${e.title} |`);
  });

  it('has a Quick start of exactly two commands: run the example, run the tests', () => {
    const section = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const commands = block.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^npm ci && npx dazzle (\S+ )+-p examples\//);
    expect(commands[1]).toMatch(/^npm ci && npm test\s/);
  });
});
