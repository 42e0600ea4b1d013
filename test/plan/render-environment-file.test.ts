/**
 * The text plan marks the variables a service receives from its Compute stack's environment file
 * (services[].environmentFile) and says once where they come from, instead of listing them as if
 * they were in the task definition; a service without a file shows every variable unmarked.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaleProject, writeProject } from '../../bench/project.mjs';
import { planText } from '../../src/plan/index.js';
import { planWith } from '../emit/in-process.js';

/** The lines of one service's block in the text plan. */
function serviceBlock(text: string, header: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(header);
  expect(start, header).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end);
}

describe('the text plan of services that receive variables from an environment file', () => {
  it('marks each of them [file], says once which stack writes the file, and leaves the others unmarked', () => {
    const project = mkdtempSync(join(tmpdir(), 'dazzle-render-file-'));
    writeProject(project, scaleProject({ queues: 270, buckets: 2, services: 1 }));
    const plan = planWith(project, 'prod');
    const text = planText(plan);
    for (const s of plan.services.filter((x) => x.role !== 'nodes')) {
      const file = new Set(s.environmentFile?.variables ?? []);
      expect(file.size, s.name).toBe(272);
      const block = serviceBlock(text, `Service ${s.name} (${s.role}) receives:`);
      const stack = plan.aws.services.find((a) => a.name === s.name && a.role === s.role)?.stack;
      expect(block.filter((l) => l.startsWith('  [file]:'))).toEqual([`  [file]: 272 variables from the environment file ${stack} writes to S3 when it deploys (ECS environmentFiles), not inline in the task definition`]);
      const listed = block.filter((l) => !l.startsWith('  [file]:'));
      expect(listed).toHaveLength(s.variables.length);
      for (const [i, v] of s.variables.entries()) expect(listed[i]?.endsWith('  [file]'), v.name).toBe(file.has(v.name));
    }
  });

  it('marks nothing for a service whose variables are all in its task definition', () => {
    const project = mkdtempSync(join(tmpdir(), 'dazzle-render-file-'));
    writeProject(project, scaleProject({ queues: 3, services: 1 }));
    const plan = planWith(project, 'prod');
    expect(plan.services.filter((s) => s.environmentFile)).toEqual([]);
    expect(planText(plan)).not.toContain('[file]');
  });
});
