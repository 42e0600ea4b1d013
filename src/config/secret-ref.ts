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

export type SecretRefResult = { readonly ok: true; readonly value: SecretRef } | { readonly ok: false; readonly problem: string; readonly hint: string };

const PARTITION = '(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const ACCOUNT = '\\d{12}';
const SSM_NAME = /^[A-Za-z0-9_.\-/]+$/;
const SM_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
const JSON_KEY = /^[A-Za-z0-9_.-]+$/;
const SSM_ARN = new RegExp(`^arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:parameter(/.+)$`);
const SM_ARN = new RegExp(`^(arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:([A-Za-z0-9/_+=.@-]+))(?::([^:]*))?$`);

const FORMS_HINT = 'write "ssm:/path/name", "ssm:name", "secretsmanager:name", "secretsmanager:name:json-key", or the full ARN after ssm: or secretsmanager:';

const fail = (problem: string, hint = FORMS_HINT): SecretRefResult => ({ ok: false, problem, hint });

function ssmName(name: string): SecretRefResult | undefined {
  if (name.length > 2048) return fail('an SSM parameter name is at most 2048 characters');
  if (!SSM_NAME.test(name)) return fail('an SSM parameter name has only letters, digits and _ . - /');
  if (!name.startsWith('/') && name.includes('/')) return fail('a hierarchical SSM parameter name starts with /', 'write "ssm:/" followed by the path, e.g. ssm:/myapp/prod/api-key');
  if (name.includes('//') || name.endsWith('/')) return fail('an SSM parameter path has no empty segment');
  if (name.split('/').length - 1 > 15) return fail('an SSM parameter path is at most 15 levels deep');
  if (/^\/?(aws|ssm)/i.test(name)) return fail('SSM reserves parameter names that begin with "aws" or "ssm"', 'choose another name, e.g. under your app: ssm:/myapp/…');
  return undefined;
}

/** Parse a `[deploy.secrets]` value. */
export function parseSecretRef(ref: string): SecretRefResult {
  if (ref.startsWith('ssm:')) {
    const rest = ref.slice(4);
    if (rest.startsWith('arn:')) {
      const m = SSM_ARN.exec(rest);
      if (!m) return fail('an SSM parameter ARN has the form arn:aws:ssm:<region>:<12-digit account>:parameter/<name>');
      const name = m[1] as string;
      const bad = ssmName(name);
      return bad ?? { ok: true, value: { service: 'ssm', name, arn: rest } };
    }
    if (rest === '') return fail('the reference names no parameter');
    const bad = ssmName(rest);
    return bad ?? { ok: true, value: { service: 'ssm', name: rest, arn: null } };
  }
  if (ref.startsWith('secretsmanager:')) {
    const rest = ref.slice('secretsmanager:'.length);
    if (rest.startsWith('arn:')) {
      const m = SM_ARN.exec(rest);
      if (!m) return fail('a Secrets Manager ARN has the form arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 characters>');
      const arn = m[1] as string;
      const name = m[2] as string;
      const jsonKey = m[3] ?? null;
      if (!/-[A-Za-z0-9]{6}$/.test(name)) return fail('a Secrets Manager ARN ends with the secret name, a dash and six characters (the full ARN, as the console shows it)', 'copy the secret ARN from the console, or write "secretsmanager:name" to refer to it by name');
      if (jsonKey !== null && !JSON_KEY.test(jsonKey)) return fail('a JSON key has only letters, digits and _ . -');
      return { ok: true, value: { service: 'secretsmanager', name, arn, jsonKey } };
    }
    const [name = '', jsonKey, extra] = rest.split(':');
    if (name === '') return fail('the reference names no secret');
    if (extra !== undefined) return fail('a reference by name has at most one ":json-key" after the name');
    if (name.length > 512) return fail('a Secrets Manager secret name is at most 512 characters');
    if (!SM_NAME.test(name)) return fail('a Secrets Manager secret name has only letters, digits and / _ + = . @ -');
    if (jsonKey !== undefined && !JSON_KEY.test(jsonKey)) return fail('a JSON key has only letters, digits and _ . -');
    return { ok: true, value: { service: 'secretsmanager', name, arn: null, jsonKey: jsonKey ?? null } };
  }
  return fail('a secret must be a reference to SSM Parameter Store or Secrets Manager, not a value');
}
