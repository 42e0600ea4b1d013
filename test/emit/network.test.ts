import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { REPO } from '../helpers.js';
import { synthProject, typecheckApp } from '../cdk-helpers.js';

describe('smoke', () => {
  it('ledger-app prod synthesizes and type-checks', async () => {
    const s = await synthProject(join(REPO, 'examples/ledger-app'), 'prod');
    expect(s.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(typecheckApp(s.dir)).toBe('');
  });
});
