import { describe, expect, it } from 'vitest';
import { parseSecretRef } from '../../src/config/index.js';

describe('secret references', () => {
  it.each([
    ['ssm:/myapp/prod/api-key', { service: 'ssm', name: '/myapp/prod/api-key', arn: null }],
    ['ssm:api_key', { service: 'ssm', name: 'api_key', arn: null }],
    ['ssm:arn:aws:ssm:eu-west-1:123456789012:parameter/shared/key', { service: 'ssm', name: '/shared/key', arn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shared/key' }],
    ['secretsmanager:myapp/prod/stripe', { service: 'secretsmanager', name: 'myapp/prod/stripe', arn: null, jsonKey: null }],
    ['secretsmanager:myapp/prod/db:password', { service: 'secretsmanager', name: 'myapp/prod/db', arn: null, jsonKey: 'password' }],
    [
      'secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-AbC123',
      { service: 'secretsmanager', name: 'prod/stripe-AbC123', arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-AbC123', jsonKey: null },
    ],
    [
      'secretsmanager:arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbC123:password',
      { service: 'secretsmanager', name: 'db-AbC123', arn: 'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbC123', jsonKey: 'password' },
    ],
  ])('%s', (ref, value) => {
    expect(parseSecretRef(ref)).toEqual({ ok: true, value });
  });

  it.each([
    'sk_live_abcdef123456',
    'ssm:',
    'ssm:myapp/prod/key',
    'ssm:/a//b',
    'ssm:/aws/reserved',
    'ssm:/has space',
    'ssm:arn:aws:ssm:eu-west-1:12345:parameter/x',
    'secretsmanager:',
    'secretsmanager:a:b:c',
    'secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:plainname',
    'secretsmanager:bad name',
  ])('rejects %s without quoting it', (ref) => {
    const r = parseSecretRef(ref);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem).not.toContain(ref);
      expect(r.hint.length).toBeGreaterThan(10);
    }
  });
});
