/**
 * References to secrets kept outside the app: `[deploy.secrets]` values.
 * One parser for the config checks, the plan and the generated code, so all
 * three agree on what a reference names.
 *
 * Accepted forms:
 * - `ssm:/path/to/name`: an SSM Parameter Store SecureString, by hierarchical name;
 * - `ssm:name`: a parameter with a plain (non-hierarchical) name;
 * - `ssm:arn:<partition>:ssm:<region>:<account>:parameter/<name>`: by ARN (another
 *   account or region);
 * - `secretsmanager:name` and `secretsmanager:name:json-key`: a Secrets Manager
 *   secret by name, optionally one key of its JSON value;
 * - `secretsmanager:arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`
 *   and the same with `:json-key`: by ARN (the full ARN, with its six-character suffix).
 *
 * Pure; never quotes the reference in messages, because a value written here by
 * mistake may be the secret itself.
 */

export type SecretRef =
  | {
      readonly service: 'ssm';
      /** The parameter's name as SSM writes it: `/path/to/name` or `name`. */
      readonly name: string;
      /** The parameter's ARN when the reference gave one, else null (same account and region). */
      readonly arn: string | null;
    }
  | {
      readonly service: 'secretsmanager';
      /** The secret's name (for a reference by ARN: the name in the ARN, with its suffix). */
      readonly name: string;
      /** The secret's complete ARN when the reference gave one, else null. */
      readonly arn: string | null;
      /** One key of the secret's JSON value, or null for the whole value. */
      readonly jsonKey: string | null;
    };

/**
 * A parsed reference, or what is wrong with it: `not-a-reference` when the
 * value does not start with `ssm:` or `secretsmanager:` (it may be the secret
 * itself), `malformed` when it does but names nothing AWS accepts.
 */
export type SecretRefResult =
  | { readonly ok: true; readonly value: SecretRef }
  | { readonly ok: false; readonly reason: 'not-a-reference' | 'malformed'; readonly problem: string; readonly hint: string };

const PARTITION = '(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const ACCOUNT = '\\d{12}';
const SSM_NAME = /^[A-Za-z0-9_.\-/]+$/;
const SM_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
const JSON_KEY = /^[A-Za-z0-9_.-]+$/;
const SSM_ARN = new RegExp(`^arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:parameter(/.+)$`);
const SM_ARN = new RegExp(`^(arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:([A-Za-z0-9/_+=.@-]+))(?::([^:]*))?$`);

const FORMS_HINT = 'write "ssm:/path/name", "ssm:name", "secretsmanager:name", "secretsmanager:name:json-key", or the full ARN after ssm: or secretsmanager:';

const fail = (problem: string, hint = FORMS_HINT): SecretRefResult => ({ ok: false, reason: 'malformed', problem, hint });
const notReference = (problem: string, hint: string): SecretRefResult => ({ ok: false, reason: 'not-a-reference', problem, hint });

function ssmName(name: string): SecretRefResult | undefined {
  if (name.length > 2048) return fail('an SSM parameter name is at most 2048 characters', 'shorten the parameter name');
  if (/\s/.test(name)) return fail('an SSM parameter name has no spaces', 'remove the spaces: a reference is the parameter name alone, e.g. ssm:/myapp/prod/api-key');
  if (!SSM_NAME.test(name)) return fail('an SSM parameter name has only letters, digits and _ . - /', 'rename the parameter with only those characters, e.g. ssm:/myapp/prod/api-key');
  if (!name.startsWith('/') && name.includes('/')) return fail('a hierarchical SSM parameter name starts with /', 'write "ssm:/" followed by the path, e.g. ssm:/myapp/prod/api-key');
  if (name.includes('//') || name.endsWith('/')) return fail('an SSM parameter path has no empty segment (no // and no / at the end)', 'write ssm:/ followed by the path, e.g. ssm:/myapp/prod/api-key');
  if (name.split('/').length - 1 > 15) return fail('an SSM parameter path is at most 15 levels deep', 'use a shorter hierarchy');
  if (/^\/?(aws|ssm)/i.test(name)) return fail('SSM reserves parameter names that begin with "aws" or "ssm"', 'choose another name, e.g. under your app: ssm:/myapp/…');
  return undefined;
}

/** Parse a `[deploy.secrets]` value. */
export function parseSecretRef(ref: string): SecretRefResult {
  if (ref.startsWith('ssm:')) {
    const rest = ref.slice(4);
    if (rest.startsWith('arn:')) {
      const m = SSM_ARN.exec(rest);
      if (/^arn:[^:]*:secretsmanager:/.test(rest)) return fail('an ssm: reference names an SSM parameter, but this ARN is a Secrets Manager secret', 'write secretsmanager: before a Secrets Manager ARN');
      if (!m) return fail('an SSM parameter ARN has the form arn:aws:ssm:<region>:<12-digit account>:parameter/<name>', 'copy the parameter ARN from the console, or write ssm:/<name> for a parameter in the same account and region');
      const name = m[1] as string;
      const bad = ssmName(name);
      return bad ?? { ok: true, value: { service: 'ssm', name, arn: rest } };
    }
    if (rest === '') return fail('the reference names no parameter', 'write ssm:/ followed by the parameter name, e.g. ssm:/myapp/prod/api-key');
    const bad = ssmName(rest);
    return bad ?? { ok: true, value: { service: 'ssm', name: rest, arn: null } };
  }
  if (ref.startsWith('secretsmanager:')) {
    const rest = ref.slice('secretsmanager:'.length);
    if (rest.startsWith('arn:')) {
      const m = SM_ARN.exec(rest);
      if (/^arn:[^:]*:ssm:/.test(rest)) return fail('a secretsmanager: reference names a Secrets Manager secret, but this ARN is an SSM parameter', 'write ssm: before an SSM parameter ARN');
      if (!m) return fail('a Secrets Manager ARN has the form arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 characters>', 'copy the secret ARN from the console, or write secretsmanager:<name> for a secret in the same account and region');
      const arn = m[1] as string;
      const name = m[2] as string;
      const jsonKey = m[3] ?? null;
      if (!/-[A-Za-z0-9]{6}$/.test(name)) return fail('a Secrets Manager ARN ends with the secret name, a dash and six characters (the full ARN, as the console shows it)', 'copy the secret ARN from the console, or write "secretsmanager:name" to refer to it by name');
      if (jsonKey !== null && !JSON_KEY.test(jsonKey)) return fail('a JSON key has only letters, digits and _ . -', 'write the key of the secret\'s JSON value after the ARN, e.g. …:secret:db-AbC123:password');
      return { ok: true, value: { service: 'secretsmanager', name, arn, jsonKey } };
    }
    const [name = '', jsonKey, extra] = rest.split(':');
    if (name === '') return fail('the reference names no secret', 'write secretsmanager: followed by the secret name, e.g. secretsmanager:myapp/prod/stripe');
    if (extra !== undefined) return fail('a reference by name has at most one ":json-key" after the name', 'write secretsmanager:name or secretsmanager:name:json-key (version stages are not supported)');
    if (name.length > 512) return fail('a Secrets Manager secret name is at most 512 characters', 'shorten the secret name');
    if (/\s/.test(name)) return fail('a Secrets Manager secret name has no spaces', 'remove the spaces: a reference is the secret name alone, e.g. secretsmanager:myapp/prod/stripe');
    if (!SM_NAME.test(name)) return fail('a Secrets Manager secret name has only letters, digits and / _ + = . @ -', 'rename the secret with only those characters, e.g. secretsmanager:myapp/prod/stripe');
    if (jsonKey !== undefined && !JSON_KEY.test(jsonKey)) return fail('a JSON key has only letters, digits and _ . -', 'write the key of the secret\'s JSON value after the name, e.g. secretsmanager:myapp/prod/db:password');
    return { ok: true, value: { service: 'secretsmanager', name, arn: null, jsonKey: jsonKey ?? null } };
  }
  if (/^(ssm|secretsmanager):/i.test(ref)) return fail('the prefix is lower case', 'write ssm: or secretsmanager: in lower case');
  if (/^\s+(ssm|secretsmanager):/.test(ref)) return fail('a reference has no spaces before it', 'remove the spaces before the reference');
  if (/^arn:[^:]*:secretsmanager:/.test(ref)) return fail('a Secrets Manager ARN needs the secretsmanager: prefix', 'write secretsmanager: before the ARN');
  if (/^arn:[^:]*:ssm:/.test(ref)) return fail('an SSM parameter ARN needs the ssm: prefix', 'write ssm: before the ARN');
  if (/^(ssm|secretsmanager)\/|^\/[A-Za-z0-9_.-]+\//.test(ref)) return fail('a reference starts with ssm: or secretsmanager:', 'write ssm: before a parameter path, e.g. ssm:/myapp/prod/api-key');
  return notReference('a secret must be a reference to SSM Parameter Store or Secrets Manager, not a value', FORMS_HINT);
}
