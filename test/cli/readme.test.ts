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

  it('is truthful about Docker: an image built from a Dockerfile needs Docker where `cdk deploy` runs', () => {
    // ContainerImage.fromAsset builds with Docker on the deploying machine; nothing about it is "no local Docker".
    expect(readme).not.toMatch(/no local docker/i);
    const compute = readme.split('\n').find((l) => l.startsWith('| Compute |')) ?? '';
    expect(compute).toMatch(/Dockerfile by `cdk deploy` \(`ContainerImage\.fromAsset`: `cdk deploy` runs `docker build` on the machine that deploys/);
    const quickStart = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    expect(quickStart).toMatch(/npx cdk deploy --all`,\non a machine with a running Docker engine/);
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
