/**
 * Secrets never reach the output. A dazzle.toml mistake on a line under
 * [deploy.secrets] (or on a line that holds something shaped like a key or a
 * token anywhere) is reported at its line, but neither the code frame nor the
 * message shows the value: through the real CLI, on stderr and with
 * `--format json`, for every kind of error the file can have (TOML syntax from
 * the parser, schema errors, checks on the merged configuration).
 */
import { describe, expect, it } from 'vitest';
import type { DiagnosticCode } from '../../src/diagnostics/index.js';
import { runCli, STACK_TRACE, tempProject } from '../helpers.js';

/** Values shaped like real credentials (none is live: each is the provider's documented example or made up). */
const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const GITHUB = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
const SLACK = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const PLAIN = 'correct horse battery staple';

interface Row {
  readonly name: string;
  readonly toml: string;
  readonly code: DiagnosticCode;
  readonly line: number;
  readonly col: number;
  /** Text that must not appear anywhere in the output. */
  readonly secrets: readonly string[];
  /** Text the code frame still shows (the key), so the user sees where to look. */
  readonly shows?: string;
}

const ROWS: readonly Row[] = [
  { name: 'an unterminated string under [deploy.secrets]', toml: `[deploy.secrets]\napi_key = "${STRIPE}\n`, code: 'DZ0006', line: 2, col: 11, secrets: [STRIPE, '4eC39Hq'], shows: 'api_key' },
  { name: 'a duplicate key under [deploy.secrets]', toml: `[deploy.secrets]\napi_key = "ssm:/shop/api"\napi_key = "${PLAIN}"\n`, code: 'DZ0006', line: 3, col: 1, secrets: [PLAIN], shows: 'api_key' },
  { name: 'a key in the wrong case under [deploy.secrets]', toml: `[deploy.secrets]\nAPI_KEY = "${PLAIN}"\n`, code: 'DZ4005', line: 2, col: 1, secrets: [PLAIN], shows: 'API_KEY' },
  { name: 'a bare word as a secret value', toml: `[deploy.secrets]\ntoken = ${GITHUB}\n`, code: 'DZ0006', line: 2, col: 9, secrets: [GITHUB, '16C7e42F'] },
  { name: 'an unterminated multi-line string under [deploy.secrets]', toml: `[deploy.secrets]\nkey = """\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n`, code: 'DZ0006', line: 2, col: 7, secrets: ['MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi'] },
  { name: 'a literal value as a secret (not a reference)', toml: `[deploy.secrets]\ndatabase_password = "${PLAIN}"\n`, code: 'DZ4019', line: 2, col: 21, secrets: [PLAIN], shows: 'database_password' },
  { name: 'a secret per environment (not allowed) with its value', toml: `[deploy.env.prod.secrets]\napi_key = "${PLAIN}"\n`, code: 'DZ4001', line: 1, col: 2, secrets: [PLAIN] },
  { name: 'a secret in a dotted key of [deploy]', toml: `[deploy]\nsecrets.Api_Key = "${PLAIN}"\n`, code: 'DZ4005', line: 2, col: 1, secrets: [PLAIN] },
  { name: 'a secret in an inline table of [deploy]', toml: `[deploy]\nsecrets = { api_key = "${PLAIN}", x = 1 }\n`, code: 'DZ4002', line: 2, col: 59, secrets: [PLAIN] },
  { name: 'an AWS key pair pasted into a plain env value, with a bad name', toml: `[deploy.compute.env]\naws_secret = "${AWS_SECRET}"\nAWS_KEY = "${AWS_KEY}"\n`, code: 'DZ4005', line: 2, col: 1, secrets: [AWS_SECRET, AWS_KEY] },
  { name: 'a Slack token as an image (wrong form, quoted in the message)', toml: `[deploy.compute]\nimage = "${SLACK}"\n`, code: 'DZ4005', line: 2, col: 9, secrets: [SLACK, '17653672481-19874698323'] },
  { name: 'a JWT in a key-pair name with an unterminated string', toml: `[deploy.compute]\nkey_name = "${JWT}\n`, code: 'DZ0006', line: 2, col: 12, secrets: [JWT, 'dozjgNryP4J3jVmNHl0w5N'] },
  { name: 'a password in a plain env value, on a line with a wrong type', toml: `[deploy.compute.env]\nDB_PASSWORD = ["${PLAIN}"]\n`, code: 'DZ4002', line: 2, col: 15, secrets: [PLAIN] },
];

describe('no secret in any output', () => {
  it.each(ROWS.map((r) => [`${r.name} → ${r.code} at ${r.line}:${r.col}`, r] as const))('%s', (_title, row) => {
    const dir = tempProject({ 'dazzle.toml': row.toml, 'dsl/app.dsl': 'app t "T"\n' });
    for (const command of [['check'], ['config', 'show'], ['deploy', 'plan']]) {
      const what = command.join(' ');
      const text = runCli([...command, '-p', dir]);
      expect(text.code, what).toBe(2);
      expect(text.stderr, what).not.toMatch(STACK_TRACE);
      expect(text.stderr, what).toContain(`dazzle.toml:${row.line}:${row.col} - error ${row.code}`);
      // The code frame is there, with the line number and (where the key is on the line) the key.
      expect(text.stderr, `${what}: a code frame`).toMatch(new RegExp(`\\n  ${row.line} \\| `));
      if (row.shows) expect(text.stderr, `${what}: the key is still shown`).toMatch(new RegExp(`${row.line} \\| .*${row.shows}`));
      const json = runCli([...command, '-p', dir, '--format', 'json']);
      expect(json.code, `${what} --format json`).toBe(2);
      const parsed = JSON.parse(json.stdout) as { diagnostics: { code: string; line: number; col: number }[] };
      expect(parsed.diagnostics.map((d) => [d.code, d.line, d.col])).toContainEqual([row.code, row.line, row.col]);
      for (const s of row.secrets) {
        expect(text.stdout + text.stderr, `${what} prints ${s}`).not.toContain(s);
        expect(json.stdout + json.stderr, `${what} --format json prints ${s}`).not.toContain(s);
      }
    }
  });
});
