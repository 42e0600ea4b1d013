/**
 * Hiding secrets in what the compiler prints: which text is shaped like a
 * credential (and which is not), and the renderers (text and JSON) applying
 * both a diagnostic's masks and that heuristic to every frame and message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialRanges, diag, REDACTED, redactRanges, redactText, renderText, SourceText, toJson, type Diagnostic } from '../../src/diagnostics/index.js';

/** Documented examples or made-up values in each provider's shape (none is live). */
const CREDENTIALS: Readonly<Record<string, string>> = {
  'AWS access key ID': 'AKIAIOSFODNN7EXAMPLE',
  'AWS temporary key ID': 'ASIAY34FZKBOKMUTVV7A',
  'AWS secret access key': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'Stripe secret key': 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'Stripe test key': 'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'Stripe webhook secret': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  'GitHub token': 'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'GitHub fine-grained token': 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv',
  'Slack bot token': 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
  'GitLab token': 'glpat-x9Yz8AbCdEfGhIjKlMnO',
  'Google API key': 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe',
  'OpenAI key': 'sk-proj-Ab3dEf5hIj7kLm9nOp1qRs3tUv5wXy7z',
  'npm token': 'npm_abcdefghijklmnopqrstuvwxyz0123456789',
  JWT: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'PEM private key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n-----END RSA PRIVATE KEY-----',
  'a random base64 string': 'Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MEFiQ2RFZg',
  'a 40-digit hex key': '3f2a9c0b7d1e4f6a8b5c2d0e9f7a6b4c3d2e1f0a',
};

/** Text that is not a credential and stays readable in frames and messages. */
const NOT_CREDENTIALS = [
  'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/stripe-AbC123',
  'ssm:/myapp/prod/database-password',
  '/Company/Services/PaymentGateway/Production/ApiKeyV2',
  'MyCompanyProductionDatabase2024',
  '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:1.4.2',
  `nginx@sha256:${'0123456789abcdef'.repeat(4)}`,
  'Z0123456789ABCDEFGHIJ',
  'abcdefghijklmnopqrstuvwxyz0123456789',
  'https://auth.example.com/oauth/token',
  "field 'User.kind' has unknown type 'strng'",
  'tigerbeetle.volume_iops 20000 needs at least 40 GiB on gp3',
];

describe('credential-shaped text', () => {
  it.each(Object.entries(CREDENTIALS))('%s is hidden, alone and inside a sentence', (_kind, value) => {
    expect(redactText(value)).toBe(REDACTED);
    const sentence = `the value '${value}' is not allowed here`;
    const shown = redactText(sentence);
    expect(shown).toBe(`the value '${REDACTED}' is not allowed here`);
  });

  it('the password of a URL is hidden, the rest of it shown', () => {
    expect(redactText('postgres://app:s3cr3t-Pa55@db.internal:5432/shop')).toBe(`postgres://app:${REDACTED}@db.internal:5432/shop`);
  });

  it.each(NOT_CREDENTIALS)('%s is shown as it is', (text) => {
    expect(credentialRanges(text)).toEqual([]);
    expect(redactText(text)).toBe(text);
  });

  it('property: no credential survives redaction, wherever it is put in random text', () => {
    const credential = fc.constantFrom(...Object.values(CREDENTIALS));
    const filler = fc.string({ maxLength: 40 }).map((s) => s.replace(/[A-Za-z0-9+/=_-]/g, ' '));
    fc.assert(
      fc.property(filler, credential, filler, (before, secret, after) => {
        const out = redactText(`${before}${secret}${after}`);
        expect(out).not.toContain(secret);
        expect(out).toContain(REDACTED);
      }),
      { seed: 4242, numRuns: 200 },
    );
  });
});

describe('redactRanges', () => {
  it('replaces each range with the placeholder and maps positions to the text shown', () => {
    const r = redactRanges('key = "secret" # note', [[6, 14]]);
    expect(r.text).toBe(`key = ${REDACTED} # note`);
    expect(r.at(0, 'start')).toBe(0);
    expect(r.at(6, 'start')).toBe(6);
    expect(r.at(10, 'start')).toBe(6);
    expect(r.at(14, 'end')).toBe(6 + REDACTED.length);
    expect(r.at(15, 'start')).toBe(15 - 8 + REDACTED.length);
  });

  it('property: a hidden range never shows, and positions keep their order', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.array(fc.tuple(fc.nat(60), fc.nat(20)), { maxLength: 4 }), (text, raw) => {
        const ranges = raw.map(([a, n]) => [Math.min(a, text.length), Math.min(a + n, text.length)] as const);
        const r = redactRanges(text, ranges);
        let last = -1;
        for (let i = 0; i <= text.length; i++) {
          const p = r.at(i, 'start');
          expect(p).toBeGreaterThanOrEqual(last);
          expect(p).toBeLessThanOrEqual(r.text.length);
          last = p;
        }
        // Outside the hidden ranges, every character is where `at` says.
        for (let i = 0; i < text.length; i++) {
          if (ranges.some(([a, b]) => i >= a && i < b)) continue;
          expect(r.text[r.at(i, 'start')]).toBe(text[i]);
        }
      }),
      { seed: 99, numRuns: 300 },
    );
  });
});

describe('the renderers', () => {
  const file = 'dazzle.toml';
  const text = '[deploy.secrets]\nAPI_KEY = "correct horse battery staple" # rotated\n';
  const sources = new Map([[file, new SourceText(file, text)]]);
  const masked = (init: Partial<Diagnostic> = {}): Diagnostic => ({
    ...diag('DZ4005', "name 'API_KEY' in [deploy.secrets] must be lower_snake_case", {
      span: { file, line: 2, col: 11, endLine: 2, endCol: 12, offset: 0, length: 0 },
      masks: [{ line: 2, col: 11, endLine: 2, endCol: 41 }],
      hint: 'rename it',
    }),
    ...init,
  });

  it('a masked range is shown as <redacted> in the code frame, with the caret under it', () => {
    const out = renderText([masked()], { sources });
    expect(out).not.toContain('correct horse');
    expect(out).toContain(`  2 | API_KEY = ${REDACTED} # rotated\n`);
    expect(out).toContain(`    |           ${'^'.repeat(REDACTED.length)}\n`);
  });

  it('a caret after a masked range moves with the text', () => {
    const out = renderText([masked({ span: { file, line: 2, col: 42, endLine: 2, endCol: 43, offset: 0, length: 0 } })], { sources });
    const lines = out.split('\n');
    const frame = lines.findIndex((l) => l.startsWith('  2 | '));
    const caret = (lines[frame + 1] as string).indexOf('^') - '    | '.length;
    expect((lines[frame] as string).slice('  2 | '.length)[caret]).toBe('#');
  });

  it('a credential in a line is hidden without a mask, and in messages, hints and related locations', () => {
    const token = CREDENTIALS['GitHub token'] as string;
    const src = new Map([[file, new SourceText(file, `[deploy.compute]\nimage = "${token}"\n`)]]);
    const d = diag('DZ4005', `deploy.compute.image '${token}' is not an image`, {
      span: { file, line: 2, col: 9, endLine: 2, endCol: 10, offset: 0, length: 0 },
      hint: `remove ${token}`,
      related: [{ message: `first seen as ${token}`, span: { file, line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, length: 0 } }],
    });
    const out = renderText([d], { sources: src });
    expect(out).not.toContain(token);
    expect(out).toContain(`2 | image = "${REDACTED}"`);
    const json = JSON.stringify(toJson(d));
    expect(json).not.toContain(token);
    expect((toJson(d) as { message: string }).message).toBe(`deploy.compute.image '${REDACTED}' is not an image`);
  });

  it('control characters and bidirectional overrides in a message are escaped, not sent to the terminal', () => {
    const d = diag('DZ4005', 'value "a\u202eb\u001b[2Jc" is bad');
    const out = renderText([d]);
    expect(out).toContain('a\\u202eb\\u001b[2Jc');
    expect(out).not.toMatch(/[\u202e\u001b]/);
  });
});
