/** Every check, in the order their findings are first reported. */
import { appChecks } from './app.js';
import type { Check } from './context.js';
import { encryption, retention } from './data.js';
import { nagFindings, schemaValidation, zones } from './external.js';
import { iamWildcards } from './iam.js';
import { cloudFormationLimits, physicalNames } from './names.js';
import { plainHttp, publicIngress } from './network.js';
import { tigerBeetleChecks } from './tigerbeetle.js';

export const CHECKS: readonly (readonly [string, Check])[] = [
  ['app', appChecks],
  ['tigerbeetle', tigerBeetleChecks],
  ['public ingress', publicIngress],
  ['plain http', plainHttp],
  ['encryption', encryption],
  ['retention', retention],
  ['iam wildcards', iamWildcards],
  ['physical names', physicalNames],
  ['cloudformation limits', cloudFormationLimits],
  ['availability zones', zones],
  ['schema validation', schemaValidation],
  ['cdk-nag', nagFindings],
];

export type { Check, CheckContext, Draft } from './context.js';
export { ZONES_BY_NAME, TYPE_NOT_IN_REGION } from './external.js';
export { PHYSICAL_NAMES, CFN_LIMITS } from './names.js';
