/**
 * CloudFormation logical IDs from aws-cdk (construct path words and an 8-digit hex hash) are
 * shown in messages, as validation findings need them; random strings that merely end in
 * upper-case hex are still hidden.
 */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactText } from '../../src/diagnostics/index.js';

describe('logical IDs in messages', () => {
  it('are shown', () => {
    for (const id of ['LoadBalancerSecurityGroup3036A0FC', 'VpcPrivateSubnet1RouteTableAssociation8BA9A1DA', 'ServiceWebTaskDefinitionExecutionRoleDefaultPolicyA6B1E2C3', 'Replica0DataB681FA74']) {
      expect(redactText(`on X (logical ID ${id})`)).toBe(`on X (logical ID ${id})`);
    }
  });

  it('do not let a random string with a hex tail through', () => {
    for (const secret of ['aB3dE5fG7hI9jK1lM3nO5pQ7A1B2C3D4', 'Xk9PqR2sT4uV6wY8zA0bC1D2E3F4A5B6', 'wJalrXUtnFEMIK7MDENGbPxRfiCY0123ABCD']) {
      expect(redactText(`value ${secret}`), secret).toBe(`value ${REDACTED}`);
    }
  });
});
