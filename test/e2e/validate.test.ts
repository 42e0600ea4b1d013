/**
 * Every generated app (the example and every corpus project, in every environment, and one app
 * with what none of them configures: a domain, alarm email, two services) passes aws-cdk-lib's
 * CloudFormation template validation with zero errors, and its Network stack with no finding at
 * all. The findings that remain in other stacks are listed, exactly, in EXPECTED_WARNINGS
 * (validation-helpers.ts): the test fails when one appears and when one disappears, so the list
 * stays the truth. Every resource type the apps use is unavailable in exactly the regions the
 * region table says.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../src/config/index.js';
import { UNAVAILABLE_IN } from '../../src/lower/index.js';
import { exampleIn } from '../example-in.js';
import { corpusProjects, CORPUS, HAS_SHARED, REPO } from '../helpers.js';
import { EXPECTED_WARNINGS, findingKey, unavailableByValidation, validateProject, type Validated } from '../validation-helpers.js';

const PROJECTS: readonly [string, string][] = [['ledger-app', join(REPO, 'examples', 'ledger-app')], ...corpusProjects().map((p): [string, string] => [p, join(CORPUS, p)])];
/** What no example or corpus project configures: HTTPS on a domain, alarm email, two services with paths (in eu-west-1). */
const FEATURES = '[deploy.domain]\nname = "example.com"\nhosted_zone_id = "Z0123456789ABCDEFGHIJ"\n\n[deploy.alarms]\nemail = ["ops@example.com"]\n\n[deploy.services.web]\npaths = ["/"]\n\n[deploy.services.api]\npaths = ["/api/*"]\nport = 9000\n';
const CASES = [
  ...PROJECTS.flatMap(([name, dir]) => ENVIRONMENTS.map((env) => ({ key: `${name} ${env}`, dir: () => dir, env }))),
  { key: 'ledger-app with a domain, alarm email and two services, staging', dir: () => exampleIn('eu-west-1', FEATURES), env: 'staging' as const },
];
const results: Validated[] = [];

beforeAll(async () => {
  for (const c of CASES) results.push(await validateProject(c.key, c.dir(), c.env));
}, 900_000);

describe('CloudFormation template validation of every generated app', () => {
  it('covers the example and every corpus project in every environment', () => {
    expect(results.map((r) => r.name)).toEqual(CASES.map((c) => c.key));
    // Without ../shared (a clone on its own) only the example is there.
    expect(PROJECTS.length).toBeGreaterThanOrEqual(HAS_SHARED ? 6 : 1);
  });

  it('finds no error in any app', () => {
    const errors = results.flatMap((r) => r.findings.filter((f) => f.severity === 'error').map((f) => `${r.name}: ${findingKey(f)}`));
    expect(errors).toEqual([]);
  });

  it('finds nothing in the Network stack', () => {
    expect(results.flatMap((r) => r.findings.filter((f) => f.stack === 'Network').map((f) => `${r.name}: ${findingKey(f)}`))).toEqual([]);
  });

  it('finds exactly the known warnings of the other stacks', () => {
    const seen = [...new Set(results.flatMap((r) => r.findings.map(findingKey)))].sort();
    expect(seen).toEqual([...EXPECTED_WARNINGS].sort());
  });

  it("uses only resource types whose regions the region table knows (the validator's region data)", () => {
    const types = [...new Set(results.flatMap((r) => [...r.types]))].sort();
    expect(types.length).toBeGreaterThan(30);
    const table = UNAVAILABLE_IN as Readonly<Record<string, readonly string[]>>;
    expect(unavailableByValidation(types)).toEqual(Object.fromEntries(types.map((t) => [t, [...(table[t] ?? [])]])));
  }, 120_000);
});
