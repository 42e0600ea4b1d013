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

describe('secret reference problems', () => {
  const BAD: readonly (readonly [string, 'not-a-reference' | 'malformed', RegExp])[] = [
    ['hunter2', 'not-a-reference', /ssm:/],
    ['ssm:myapp/prod/key', 'malformed', /ssm:\//],
    ['ssm:/a//b', 'malformed', /ssm:\//],
    ['ssm:/has space', 'malformed', /spaces/],
    ['ssm:', 'malformed', /ssm:\//],
    ['ssm:arn:aws:ssm:eu-west-1:12345:parameter/x', 'malformed', /console/],
    ['ssm:arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123', 'malformed', /secretsmanager:/],
    ['secretsmanager:', 'malformed', /secretsmanager:myapp/],
    ['secretsmanager:a:b:c', 'malformed', /version stages/],
    ['secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:plainname', 'malformed', /console/],
    ['secretsmanager:arn:aws:ssm:us-east-1:123456789012:parameter/x', 'malformed', /ssm:/],
    ['secretsmanager:bad name', 'malformed', /spaces/],
    ['secretsmanager:db:pass word', 'malformed', /JSON value/],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC123', 'malformed', /secretsmanager: before/],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/x', 'malformed', /ssm: before/],
    ['SSM:/x', 'malformed', /lower case/],
    [' ssm:/x', 'malformed', /spaces/],
    ['/myapp/prod/key', 'malformed', /ssm: before a parameter path/],
  ];

  it.each(BAD)('%s: %s, with its own hint, never quoting the value', (ref, reason, hint) => {
    const r = parseSecretRef(ref);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe(reason);
    expect(r.hint).toMatch(hint);
    if (!/^(ssm|secretsmanager):$/.test(ref)) expect(`${r.problem} ${r.hint}`).not.toContain(ref.trim());
  });

  it('each kind of problem has its own message', () => {
    const problems = BAD.map(([ref]) => parseSecretRef(ref)).flatMap((r) => (r.ok ? [] : [r.problem]));
    // Only the two empty-segment spellings share one.
    expect(new Set(problems).size).toBeGreaterThanOrEqual(problems.length - 2);
  });
});
