/**
 * `dazzle deploy ci init`: the workflow it writes (validated against the GitHub workflow schema,
 * like action.yml against the Action schema), the deploy roles' template (validated by
 * CloudFormation's template validation), and the writer's rules: a file dazzle did not write is
 * never overwritten, one it wrote and that was edited only with --force.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTemplateValidation } from '../../src/cli/template-validation.js';
import { copyProject, itShared, REPO, runCli } from '../helpers.js';
import { readAction } from './runner.js';
import { schemaValidator } from './schemas.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');
const WORKFLOW = '.github/workflows/dazzle.yml';
const ROLES = '.github/dazzle/aws-deploy-roles.yml';

type Json = Record<string, any>;

/** A git repository with the example under shop/ and a GitHub origin. */
function repository(): string {
  const top = mkdtempSync(join(tmpdir(), 'dazzle-init-'));
  copyProject(EXAMPLE, join(top, 'shop'));
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: top });
  spawnSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/shop.git'], { cwd: top });
  return top;
}

const init = (top: string, ...args: string[]) => runCli(['deploy', 'ci', 'init', '-p', 'shop', ...args], { cwd: top });
const steps = (job: Json) => job.steps as Json[];
const runs = (w: Json) => Object.values(w.jobs as Json).flatMap((j) => steps(j).filter((s) => typeof s.run === 'string').map((s) => s.run as string));

describe('dazzle deploy ci init', () => {
  let top: string;
  let workflow: Json;
  let text: string;

  beforeAll(() => {
    top = repository();
    const r = init(top, '--environments', 'staging,prod', '--aws-role');
    expect(r.code, r.stderr).toBe(0);
    text = readFileSync(join(top, WORKFLOW), 'utf8');
    workflow = parse(text) as Json;
  });

  itShared('writes a workflow and an Action that GitHub accepts (their JSON schemas)', () => {
    const validate = schemaValidator();
    expect(validate('github-workflow', workflow)).toEqual([]);
    expect(validate('github-action', parse(readFileSync(join(REPO, 'action.yml'), 'utf8')))).toEqual([]);
    expect(validate('github-workflow', parse(readFileSync(join(REPO, '.github', 'workflows', 'ci.yml'), 'utf8')))).toEqual([]);
    // The schemas do refuse what GitHub refuses.
    expect(validate('github-workflow', { ...workflow, jobs: { check: { ...workflow.jobs.check, permissions: { 'pull-requests': 'sometimes' } } } }).length).toBeGreaterThan(0);
    expect(validate('github-action', { name: 'x', description: 'y', runs: { using: 'composite' } }).length).toBeGreaterThan(0);
  });

  itShared('writes a workflow GitHub accepts with every option: one environment or several, a role ARN, another branch and Action, a published image', () => {
    const validate = schemaValidator();
    const published = (top: string) => {
      const toml = join(top, 'shop', 'dazzle.toml');
      writeFileSync(toml, readFileSync(toml, 'utf8').replace('[deploy.compute]\n', '[deploy.compute]\nimage = "public.ecr.aws/acme/ledger:1.0"\n'));
    };
    const variants: readonly { readonly args: readonly string[]; readonly edit?: (top: string) => void }[] = [
      { args: [] },
      { args: ['--environments', 'dev,staging,prod', '--branch', 'release/2026', '--role-arn', 'arn:aws:iam::123456789012:role/deploy', '--action', 'acme/dazzle@v0'] },
      { args: ['--environments', 'prod', '--aws-role'], edit: published },
    ];
    for (const { args, edit } of variants) {
      const other = repository();
      edit?.(other);
      const r = init(other, ...args);
      expect(r.code, r.stderr).toBe(0);
      const written = parse(readFileSync(join(other, WORKFLOW), 'utf8')) as Json;
      expect(validate('github-workflow', written), args.join(' ')).toEqual([]);
      expect(Object.keys(written.jobs)).toEqual(['check', ...(args.includes('dev,staging,prod') ? ['deploy-dev', 'deploy-staging', 'deploy-prod'] : args.includes('prod') ? ['deploy-prod'] : ['deploy-staging'])]);
    }
  });

  it('checks every pull request with the Action, per environment, offline, and uploads the SARIF', () => {
    const check = workflow.jobs.check as Json;
    expect(check.if).toBe("github.event_name == 'pull_request'");
    expect(check.strategy.matrix.environment).toEqual(['staging', 'prod']);
    expect(check.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', 'security-events': 'write' });
    const action = steps(check).find((s) => s.id === 'dazzle') as Json;
    expect(action.uses).toBe('dazzle/dazzle@v0.1.0');
    expect(action.with).toMatchObject({ project: 'shop', environment: '${{ matrix.environment }}', out: '${{ matrix.out }}', version: '0.1.0' });
    // Every input it passes is one the Action declares.
    const inputs = Object.keys(readAction(join(REPO, 'action.yml')).inputs);
    for (const job of Object.values(workflow.jobs as Json)) for (const s of steps(job).filter((x) => x.id === 'dazzle')) expect(inputs).toEqual(expect.arrayContaining(Object.keys(s.with)));
    expect(steps(check).find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif'))?.with.sarif_file).toBe('${{ steps.dazzle.outputs.sarif }}');
    expect(JSON.stringify(check)).not.toMatch(/aws-actions|id-token/);
  });

  it('deploys on the default branch, environment by environment, through OIDC with no access keys', () => {
    const staging = workflow.jobs['deploy-staging'] as Json;
    const prod = workflow.jobs['deploy-prod'] as Json;
    expect(prod.needs).toEqual(['deploy-staging']);
    expect([staging.environment, prod.environment]).toEqual(['staging', 'prod']);
    expect(prod.if).toContain("github.ref == 'refs/heads/main'");
    for (const job of [staging, prod]) {
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      const creds = steps(job).find((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials')) as Json;
      expect(creds.with).toEqual({ 'role-to-assume': '${{ vars.DAZZLE_AWS_ROLE_ARN }}', 'aws-region': 'us-east-1' });
      expect(steps(job).at(-1)?.run).toBe('npx cdk deploy --all --require-approval never -c dazzle:imageTag="$IMAGE_TAG"');
    }
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
  });

  it('builds the image on the runner and pushes it to the Images stack before deploying: no Docker where cdk deploy runs', () => {
    const prod = steps(workflow.jobs['deploy-prod'] as Json);
    const names = prod.map((s) => s.name ?? s.uses);
    const at = (p: RegExp) => names.findIndex((n) => p.test(String(n)));
    expect(at(/Images stack/)).toBeLessThan(at(/Build and push/));
    expect(at(/Build and push/)).toBeLessThan(at(/^Deploy/));
    expect(prod[at(/Images stack/)]?.env).toEqual({ STACK: 'LedgerApp-prod-Images' });
    const build = prod[at(/Build and push/)] as Json;
    expect(build.env).toEqual({ IMAGE: '${{ steps.ecr.outputs.registry }}/ledger-app-prod:${{ github.sha }}', DOCKERFILE: 'shop/Dockerfile', CONTEXT: 'shop' });
    // Built once per commit: a re-run finds the image pushed (ECR refuses to push a tag again).
    expect(build.run).toMatch(/^docker manifest inspect "\$IMAGE" > \/dev\/null 2>&1 \|\| docker buildx build --platform linux\/amd64 --push --tag "\$IMAGE" /);
    // The shell of every step parses.
    for (const script of runs(workflow)) expect(spawnSync('bash', ['-n', '-c', script]).status, script).toBe(0);
  });

  it('leaves out the image steps when the images are published', () => {
    const other = repository();
    const toml = join(other, 'shop', 'dazzle.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('[deploy.compute]\n', '[deploy.compute]\nimage = "public.ecr.aws/acme/ledger:1.0"\n'));
    expect(init(other).code).toBe(0);
    const w = parse(readFileSync(join(other, WORKFLOW), 'utf8')) as Json;
    expect(Object.keys(w.jobs)).toEqual(['check', 'deploy-staging']);
    expect(JSON.stringify(w)).not.toMatch(/docker|ecr-login|Images/);
    expect(steps(w.jobs['deploy-staging']).at(-1)?.run).toBe('npx cdk deploy --all --require-approval never');
  });

  it('writes the deploy roles: trusted only by the repository in each GitHub environment, allowed only the CDK roles and the app repository', async () => {
    const template = parse(readFileSync(join(top, ROLES), 'utf8')) as Json;
    const role = template.Resources.DeployRoleProd.Properties as Json;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: { 'Fn::If': ['CreateProvider', { Ref: 'GitHubOidcProvider' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com' }] } },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/shop:environment:prod' } },
      },
    ]);
    const statements = role.Policies[0].PolicyDocument.Statement as Json[];
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      ['sts:AssumeRole', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-*-${AWS::AccountId}-us-east-1' }],
      ['ecr:GetAuthorizationToken', '*'],
      [expect.arrayContaining(['ecr:PutImage']), { 'Fn::Sub': 'arn:${AWS::Partition}:ecr:us-east-1:${AWS::AccountId}:repository/ledger-app-prod' }],
    ]);
    const validator = startTemplateValidation();
    try {
      const issues = await validator.validate([{ stack: 'dazzle-github-deploy', name: 'roles.json', text: JSON.stringify(template) }], 'us-east-1');
      expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    } finally {
      await validator.close();
    }
  }, 60_000);

  it('a second run writes nothing', () => {
    const r = init(top, '--environments', 'staging,prod', '--aws-role');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`unchanged ${WORKFLOW}`);
    expect(readFileSync(join(top, WORKFLOW), 'utf8')).toBe(text);
  });

  it('does not overwrite the workflow once edited (DZ8211), unless --force', () => {
    const path = join(top, WORKFLOW);
    const edited = text.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-24.04');
    writeFileSync(path, edited);
    const r = init(top, '--environments', 'staging,prod');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error DZ8211');
    expect(readFileSync(path, 'utf8')).toBe(edited);
    expect(init(top, '--environments', 'staging,prod', '--force').code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('never overwrites a workflow dazzle did not write (DZ8210), not even with --force; nor writes through a link', () => {
    const other = repository();
    const path = join(other, WORKFLOW);
    mkdirSync(join(other, '.github', 'workflows'), { recursive: true });
    writeFileSync(path, 'name: ours\n');
    for (const extra of [[], ['--force']]) {
      const r = init(other, ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error DZ8210');
      expect(readFileSync(path, 'utf8')).toBe('name: ours\n');
    }
    const linked = repository();
    const elsewhere = mkdtempSync(join(tmpdir(), 'dazzle-elsewhere-'));
    symlinkSync(elsewhere, join(linked, '.github'));
    const r = init(linked);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error DZ8210');
    expect(existsSync(join(elsewhere, 'workflows'))).toBe(false);
  });

  it('reports every bad option at once (DZ8213), and --aws-role without a GitHub origin (DZ8212)', () => {
    const r = init(top, '--environments', 'staging,qa', '--branch', 'a..b', '--role-arn', 'arn:aws:iam::12:role/x', '--action', 'not a ref');
    expect(r.code).toBe(2);
    expect(r.stderr.match(/error DZ8213/g)).toHaveLength(4);
    const bare = mkdtempSync(join(tmpdir(), 'dazzle-bare-'));
    copyProject(EXAMPLE, join(bare, 'shop'));
    const noOrigin = init(bare, '--aws-role');
    expect(noOrigin.code).toBe(2);
    expect(noOrigin.stderr).toContain('error DZ8212');
    expect(existsSync(join(bare, WORKFLOW))).toBe(false);
    expect(init(bare, '--aws-role', '--repository', 'acme/shop').code).toBe(0);
  });
});

describe('the Action file', () => {
  let action: ReturnType<typeof readAction>;
  beforeAll(() => {
    action = readAction(join(REPO, 'action.yml'));
  });
  afterAll(() => undefined);

  it('is a composite action of run steps on bash, reading inputs only through env (no ${{ }} spliced into a script)', () => {
    expect(action.runs.using).toBe('composite');
    for (const s of action.runs.steps) {
      expect(s.shell).toBe('bash');
      expect(s.run, s.name).not.toMatch(/\$\{\{/);
    }
  });

  it('expects the version of this dazzle, and has the inputs and outputs the README documents', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(action.inputs.version?.default).toBe(pkg.version);
    expect(Object.keys(action.inputs)).toEqual(['project', 'environment', 'out', 'fail-on', 'fail-on-diff', 'comment', 'sarif', 'base-ref', 'version', 'github-token']);
    expect(Object.keys(action.outputs)).toEqual(['has-changes', 'destructive', 'findings', 'cost-delta', 'sarif']);
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) expect(readme, name).toContain(`\`${name}\``);
  });
});
