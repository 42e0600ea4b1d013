/**
 * One app per supported region: the seed example in prod, over as many zones (up to 3) as the
 * region's table lists, passes CloudFormation template validation with zero errors and no
 * finding in its Network stack (no resource type the region lacks, no invented zone), and only
 * the known warnings of the other stacks (EXPECTED_WARNINGS).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AWS_REGIONS, regionZones } from '../../src/config/index.js';
import { exampleIn } from '../example-in.js';
import { EXPECTED_WARNINGS, findingKey, validateProject, type Validated } from '../validation-helpers.js';

const results: Validated[] = [];

beforeAll(async () => {
  for (const region of AWS_REGIONS) {
    const zones = Math.min(3, regionZones(region).length);
    const project = exampleIn(region, `[deploy.env.prod.network]\naz_count = ${zones}\nnat_gateways = ${zones}\n`);
    results.push(await validateProject(region, project, 'prod'));
  }
}, 900_000);

describe('CloudFormation template validation in every supported region', () => {
  it('covers every region', () => {
    expect(results.map((r) => r.name)).toEqual([...AWS_REGIONS]);
  });

  it('finds no error in any region', () => {
    expect(results.flatMap((r) => r.findings.filter((f) => f.severity === 'error').map((f) => `${r.name}: ${findingKey(f)}`))).toEqual([]);
  });

  it('finds nothing in the Network stack', () => {
    expect(results.flatMap((r) => r.findings.filter((f) => f.stack === 'Network').map((f) => `${r.name}: ${findingKey(f)}`))).toEqual([]);
  });

  it('finds only the known warnings of the other stacks', () => {
    expect([...new Set(results.flatMap((r) => r.findings.map(findingKey)))].sort()).toEqual([...EXPECTED_WARNINGS].sort());
  });
});
