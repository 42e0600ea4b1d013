/**
 * Resource types the region does not offer: what the app needs must exist in
 * the region it deploys to, or the deployment fails in CloudFormation
 * ("Unrecognized resource types"). Checked at plan, against the region data
 * aws-cdk-lib's template validation uses (resource-regions.ts).
 *
 * Each region-dependent type dazzle emits is either avoided where the region
 * lacks it, or is an error at the construct that needs it.
 */
import { AWS_REGIONS } from '../../config/index.js';
import { diag, quote } from '../../diagnostics/index.js';
import { configKey, relatedAt, spanOf, type Draft, type Pass } from '../context.js';
import type { Because } from '../requirements.js';
import { offersResourceType, UNAVAILABLE_IN, type RegionDependentType } from '../resource-regions.js';

/** A need that would put a resource of the type into a template. */
interface User {
  readonly what: string;
  readonly because: readonly Because[];
}

/**
 * For each region-dependent type: the needs that emit it, or `avoided` when the generated app
 * does without it where the region lacks it.
 */
const USERS: { readonly [T in RegionDependentType]: 'avoided' | { readonly resource: string; readonly users: (draft: Draft) => readonly User[] } } = {
  // The Network stack reserves TigerBeetle's fixed addresses only where the type exists;
  // elsewhere the replicas' network interfaces alone hold the addresses (see emit/stacks/network.ts).
  'AWS::EC2::SubnetCidrReservation': 'avoided',
  'AWS::SES::EmailIdentity': { resource: 'an SES email identity', users: (draft) => draft.emailSenders.map((e) => ({ what: `email channel ${quote(e.name)}`, because: e.because })) },
};

export const regionTypes: Pass = ({ config, draft, report }) => {
  const region = config.deploy.region;
  const regionCause = configKey(config, 'region');
  for (const type of Object.keys(USERS) as RegionDependentType[]) {
    const need = USERS[type];
    if (need === 'avoided' || offersResourceType(type, region)) continue;
    const lacking = UNAVAILABLE_IN[type] as readonly string[];
    const offering = AWS_REGIONS.filter((r) => !lacking.includes(r));
    for (const user of need.users(draft)) {
      const at = user.because.find((b) => spanOf(config, b).span) ?? regionCause;
      report(
        diag('DZ5070', `${user.what} needs ${need.resource} (${type}), which CloudFormation does not offer in ${quote(region)}`, {
          ...spanOf(config, at),
          keyPath: 'deploy.region',
          related: relatedAt(config, [regionCause], () => `the region is ${quote(region)}`),
          hint: `deploy to a region that offers it (${offering.slice(0, 4).join(', ')} and ${offering.length - 4} more), or remove what needs it`,
        }),
      );
    }
  }
};
