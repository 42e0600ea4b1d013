/** The seed example deployed elsewhere: a copy of examples/ledger-app with another region and extra [deploy] tables. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectCopy } from './cdk-helpers.js';
import { REPO } from './helpers.js';

/** A copy of the seed example (three TigerBeetle replicas in staging and prod) deployed to `region`, with `extra` TOML appended. */
export function exampleIn(region: string, extra = ''): string {
  const dir = projectCopy(join(REPO, 'examples', 'ledger-app'));
  const toml = readFileSync(join(dir, 'dazzle.toml'), 'utf8');
  if (!toml.includes('region = "us-east-1"')) throw new Error('the example no longer sets its region');
  writeFileSync(join(dir, 'dazzle.toml'), `${toml.replace('region = "us-east-1"', `region = "${region}"`)}\n${extra}`);
  return dir;
}
