/**
 * A need whose CloudFormation resource type the region does not offer is an error at plan, at the
 * construct that needs it (DZ5070), not a failed deployment; a type the generated app avoids where
 * the region lacks it (the subnet CIDR reservation) is no error. The table of such types agrees with
 * the region data of aws-cdk-lib's template validation.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { lowerToRequirements, UNAVAILABLE_IN } from '../../src/lower/index.js';
import { APP, checkTexts } from '../helpers.js';
import { unavailableByValidation } from '../validation-helpers.js';

const MAIL = `${APP}\nchannel mail "Mail":\n  kind: email\n\n  config:\n    from_address: "shop@example.com"\n`;

function lower(dsl: string, toml: string) {
  const front = checkTexts({ 'dsl/app.dsl': dsl });
  const config = loadConfig({ path: 'dazzle.toml', text: toml, environment: 'dev' });
  if (!front.value.spec || !config.value) throw new Error(`bad fixture: ${[...front.diagnostics, ...config.diagnostics].map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return lowerToRequirements(front.value.spec, config.value);
}

describe('resource types the region lacks', () => {
  it('an email channel in ap-east-1 (no SES identities there) is DZ5070 at the channel, with the region as related', () => {
    const r = lower(MAIL, '[deploy]\nregion = "ap-east-1"\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.file, d.span?.line, d.related?.[0]?.span.line])).toEqual([['DZ5070', 'dsl/app.dsl', 4, 2]]);
    expect(r.diagnostics[0]?.keyPath).toBe('deploy.region');
  });

  it('the same channel in us-east-1 plans', () => {
    const r = lower(MAIL, '[deploy]\nregion = "us-east-1"\n');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.value?.emailSenders.map((e) => e.name)).toEqual(['mail']);
  });

  it('a ledger in a region without subnet CIDR reservations plans: the app does without them there', () => {
    const r = lower(`${APP}\nledger Cash "Cash":\n  account_code: 1000\n  ledger_id: 1\n  account_type: asset\n  currency: GBP\n`, '[deploy]\nregion = "eu-west-1"\n');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.value?.ledgerCluster).not.toBeNull();
  });
});

describe('the table of region-dependent types', () => {
  it("is the validator's region data for each type in it", () => {
    const types = Object.keys(UNAVAILABLE_IN);
    expect(unavailableByValidation(types)).toEqual(Object.fromEntries(types.map((t) => [t, [...UNAVAILABLE_IN[t as keyof typeof UNAVAILABLE_IN]]])));
  }, 120_000);
});
