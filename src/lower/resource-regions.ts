/**
 * CloudFormation resource types that dazzle emits and that are not available in
 * every supported region, by the region data aws-cdk-lib's template validation
 * uses (the resource schemas per region bundled in @aws/cloudformation-validate,
 * a dependency of aws-cdk-lib). A template with such a type fails to deploy
 * there ("Unrecognized resource types"), and validation reports it as F3006.
 *
 * Every other type dazzle emits is available in every region of AWS_REGIONS.
 * test/lower/resource-regions.test.ts asks the installed validator about every
 * type the example and corpus apps synthesize, and fails when this table and
 * the validator's data differ (after an aws-cdk-lib upgrade): update the table
 * from its message, and handle any new type in passes/region-types.ts.
 */
import type { Region } from '../config/index.js';

/** Where the table comes from. */
export const RESOURCE_REGIONS_SOURCE = 'aws-cdk-lib 2.273.0 (@aws/cloudformation-validate 1.12.1)';

/** Resource type → the supported regions that do not offer it. */
export const UNAVAILABLE_IN = {
  'AWS::EC2::SubnetCidrReservation': [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'mx-central-1',
    'sa-east-1',
    'us-east-2',
    'us-gov-east-1',
    'us-gov-west-1',
    'us-west-1',
  ],
  'AWS::SES::EmailIdentity': ['ap-east-1', 'ap-east-2', 'ap-southeast-4', 'ap-southeast-7', 'eu-south-2', 'mx-central-1'],
} as const satisfies Readonly<Record<string, readonly Region[]>>;

/** A resource type that some supported region does not offer. */
export type RegionDependentType = keyof typeof UNAVAILABLE_IN;

/** Whether CloudFormation offers `type` in `region` (every type not in the table is offered everywhere). */
export function offersResourceType(type: string, region: string): boolean {
  if (!Object.hasOwn(UNAVAILABLE_IN, type)) return true;
  return !(UNAVAILABLE_IN[type as RegionDependentType] as readonly string[]).includes(region);
}
