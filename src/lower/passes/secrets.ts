/**
 * Secrets the services receive as environment variables: every
 * [deploy.secrets] entry (NAME = the key upper-cased), credentials of
 * services with an auth profile, API keys of LLM providers, and values the
 * DSL reads with config("NAME") that are neither plain variables nor
 * variables dazzle generates.
 */
import { parseSecretRef } from '../../config/index.js';
import { diag, quote } from '../../diagnostics/index.js';
import { configKey, dsl, spanOf, type Pass } from '../context.js';
import type { SecretNeed } from '../requirements.js';
import { generatedVariables, VARIABLE_NAME } from './variables.js';

/** The environment variable each LLM provider's client reads its key from (providers using IAM need none). */
export const LLM_KEY_ENV: Readonly<Record<string, string>> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  azure_openai: 'AZURE_OPENAI_API_KEY',
  google: 'GOOGLE_API_KEY',
  mistral: 'MISTRAL_API_KEY',
};

export const secrets: Pass = ({ spec, config, draft, report }) => {
  const byEnv = new Map<string, SecretNeed>();
  const put = (s: SecretNeed) => {
    const existing = byEnv.get(s.env);
    if (existing) byEnv.set(s.env, { ...existing, because: [...existing.because, ...s.because] });
    else byEnv.set(s.env, s);
  };
  // Declared references first: a need below with the same name uses the reference.
  for (const [key, ref] of Object.entries(config.deploy.secrets)) {
    const because = configKey(config, `secrets.${key}`);
    const env = key.toUpperCase();
    if (draft.database && env === 'DATABASE_USER') {
      // Reported here, and left out: nothing after this pass sees a second source of the user.
      report(
        diag('DZ5040', `[deploy.secrets] ${key} cannot choose the database's user: the cluster's master user is dazzle_admin, fixed when the cluster is created (another name would replace the cluster)`, {
          ...spanOf(config, because),
          keyPath: `deploy.secrets.${key}`,
          sensitive: true,
          hint: 'remove it: the services receive DATABASE_USER = dazzle_admin; to choose the password, set database_password = "ssm:/…" or "secretsmanager:…"',
        }),
      );
      continue;
    }
    if (draft.database && env === 'DATABASE_PASSWORD') {
      const parsed = parseSecretRef(ref);
      if (parsed.ok && parsed.value.service === 'ssm' && parsed.value.arn !== null) {
        report(
          diag('DZ5041', `[deploy.secrets] ${key} names the SSM parameter ${quote(parsed.value.name)} by its ARN, but the database's master password is read by CloudFormation, which takes a SecureString parameter by name in the stack's own account and region`, {
            ...spanOf(config, because),
            keyPath: `deploy.secrets.${key}`,
            hint: `write ${key} = "ssm:${parsed.value.name}" for a parameter in this account and region, or use a Secrets Manager secret ("secretsmanager:<name or ARN>"), which CloudFormation reads across accounts`,
          }),
        );
        continue;
      }
    }
    put({ id: `secret:${env}`, env, from: { kind: 'reference', ref }, because: [because] });
  }
  const need = (env: string, description: string, because: SecretNeed['because']) => {
    put({ id: `secret:${env}`, env, from: byEnv.get(env)?.from ?? { kind: 'create', description }, because });
  };
  for (const s of spec.services) {
    if (!s.authProfile || s.authProfile.kind === 'none') continue;
    const env = `${s.name.toUpperCase()}_CREDENTIALS`;
    need(env, `credentials for service ${s.name} (${s.authProfile.kind})`, [dsl(`service (auth_profile: ${s.authProfile.kind})`, s)]);
  }
  for (const m of spec.llmModels) {
    const env = m.provider ? LLM_KEY_ENV[m.provider] : undefined;
    if (env) need(env, `API key for ${m.provider}`, [dsl(`llm_model (provider: ${m.provider})`, m)]);
  }
  const plain = new Set(Object.keys(config.deploy.compute.env));
  // What dazzle generates (DATABASE_HOST, QUEUE_<NAME>_URL, …) supplies config("X") too.
  const generated = new Set(generatedVariables(draft, config, 'web').map((v) => v.name));
  for (const ref of spec.configReferences) {
    if (!VARIABLE_NAME.test(ref.name)) {
      report(
        diag('DZ5014', `${ref.usedBy} reads config(${JSON.stringify(ref.name)}), which cannot be an environment variable name`, {
          span: ref.span,
          hint: 'config() names are environment variable names: letters, digits and underscores, not starting with a digit (e.g. config("HOOK_URL"))',
        }),
      );
      continue;
    }
    if (plain.has(ref.name) || generated.has(ref.name)) continue;
    if (!byEnv.has(ref.name)) {
      report(
        diag('DZ5005', `${ref.usedBy} reads config("${ref.name}"), which no setting supplies; a secret ${ref.name} is created for you to fill in`, {
          span: ref.span,
          hint: `supply it as ${ref.name.toLowerCase()} = "ssm:/…" in [deploy.secrets], or as a plain value in [deploy.compute.env] if it is not secret`,
        }),
      );
    }
    need(ref.name, `value of config("${ref.name}")`, [{ kind: 'dsl', construct: ref.usedBy.split(' ')[0] ?? 'construct', name: ref.usedBy.split(' ').slice(1).join(' '), span: ref.span }]);
  }
  draft.secrets = [...byEnv.values()].sort((a, b) => (a.env < b.env ? -1 : a.env > b.env ? 1 : 0));
};
