/**
 * `dazzle deploy ci init` (loaded only for that command): writes the project's GitHub workflow
 * (`.github/workflows/dazzle.yml` at the root of its git repository) and, with `--aws-role`, the
 * CloudFormation template of the OIDC provider and the deploy roles
 * (`.github/dazzle/aws-deploy-roles.yml`). Each environment is planned first, so the workflow
 * knows the app's folder, region, stacks and images. Exit 0 when written (or already so), 2 on
 * bad input or a file it must not overwrite.
 */
import { spawnSync } from 'node:child_process';
import { isAbsolute, relative, resolve } from 'node:path';
import { deployRoleTemplate, renderWorkflow, workflowEnvironment, type WorkflowEnvironment } from '../ci/index.js';
import { ENVIRONMENTS, type Environment } from '../config/index.js';
import { diag, hasErrors, quote, type Diagnostic } from '../diagnostics/index.js';
import { lowerToRequirements } from '../lower/index.js';
import { buildPlan } from '../plan/index.js';
import { VERSION } from '../version.js';
import type { CommonOptions } from './commands.js';
import { withChecksum, writeOwnedFile } from './ci-write.js';
import { loadProject } from './front.js';
import { gitTop, pathInTree } from './git-tree.js';
import { displayPath } from './io.js';
import { printDiagnostics, type Io } from './output.js';

export interface CiInitOptions extends CommonOptions {
  /** Comma-separated, in deploy order. @default the project's environment */
  readonly environments?: string;
  /** @default 'main' */
  readonly branch?: string;
  readonly roleArn?: string;
  /** `owner/repo@ref`. @default `dazzle/dazzle@v<version>` */
  readonly action?: string;
  readonly awsRole?: boolean;
  readonly repository?: string;
  readonly force?: boolean;
}

export const WORKFLOW_PATH = '.github/workflows/dazzle.yml';
export const ROLES_PATH = '.github/dazzle/aws-deploy-roles.yml';
/** The Action of this dazzle version. */
export const DEFAULT_ACTION = `dazzle/dazzle@v${VERSION}`;

const BRANCH = /^(?!.*\.\.)(?!\/)(?!.*\/$)[A-Za-z0-9._/-]{1,200}$/;
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
const ACTION = /^(?:\.\/[A-Za-z0-9._/-]*|[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_./-]+)?@[A-Za-z0-9_./-]+)$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** What a path written into the workflow may hold: no `${{` (GitHub would evaluate it), no line breaks. */
const WORKFLOW_SAFE = /^[^\n\r$`"'\\]*$/;

function invalid(what: string, value: string, allowed: string, hint: string): Diagnostic {
  return diag('DZ8213', `${what} ${quote(value)} is not ${allowed}`, { hint });
}

/** The options that need no project, checked together. */
function checkOptions(o: CiInitOptions): { environments: Environment[] | undefined; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  let environments: Environment[] | undefined;
  if (o.environments !== undefined) {
    const names = o.environments.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = names.filter((n) => !(ENVIRONMENTS as readonly string[]).includes(n));
    if (!names.length || bad.length) out.push(invalid('--environments', o.environments, `a list of ${ENVIRONMENTS.join(', ')}`, 'e.g. --environments staging,prod (deployed in that order)'));
    else if (new Set(names).size !== names.length) out.push(invalid('--environments', o.environments, 'a list without repeats', 'name each environment once'));
    else environments = names as Environment[];
  }
  if (o.branch !== undefined && !BRANCH.test(o.branch)) out.push(invalid('--branch', o.branch, 'a branch name', 'e.g. --branch main'));
  if (o.roleArn !== undefined && !ROLE_ARN.test(o.roleArn)) out.push(invalid('--role-arn', o.roleArn, 'an IAM role ARN', 'e.g. --role-arn arn:aws:iam::123456789012:role/deploy (or leave it out: each GitHub environment\'s variable DAZZLE_AWS_ROLE_ARN)'));
  if (o.action !== undefined && !ACTION.test(o.action)) out.push(invalid('--action', o.action, 'an Action reference (owner/repo@ref, or ./path)', `e.g. --action ${DEFAULT_ACTION}`));
  if (o.repository !== undefined && !REPOSITORY.test(o.repository)) out.push(invalid('--repository', o.repository, 'a GitHub repository (owner/name)', 'e.g. --repository acme/shop'));
  return { environments, diagnostics: out };
}

/** `owner/name` from the origin remote's URL (https or ssh), or undefined. */
function originRepository(top: string): string | undefined {
  const r = spawnSync('git', ['-C', top, 'remote', 'get-url', 'origin'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const m = /github\.com[:/]([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(r.stdout.trim());
  return m?.[1];
}

/** `dazzle deploy ci init`. */
export function deployCiInit(opts: CiInitOptions, io: Io, cwd: string): number {
  const checked = checkOptions(opts);
  if (checked.diagnostics.length) {
    printDiagnostics(io, checked.diagnostics);
    return 2;
  }
  const first = loadProject(opts.project, cwd, checked.environments?.[0] ?? opts.env);
  if (!first.ok || !first.config) {
    printDiagnostics(io, first.diagnostics, first.sources);
    return 2;
  }
  const environments = checked.environments ?? [first.config.deploy.environment as Environment];
  const root = first.files.root;
  const top = gitTop(root) ?? root;
  const project = pathInTree(top, root) || '.';
  const inRepo = (p: string) => (project === '.' ? p : `${project}/${p}`);
  const several = environments.length > 1;

  const diagnostics: Diagnostic[] = [];
  const planned: WorkflowEnvironment[] = [];
  for (const env of environments) {
    const loaded = env === first.config.deploy.environment ? first : loadProject(opts.project, cwd, env);
    const spec = loaded.front?.spec;
    if (!loaded.ok || !spec || !loaded.config) {
      diagnostics.push(...loaded.diagnostics);
      continue;
    }
    const lowered = lowerToRequirements(spec, loaded.config);
    diagnostics.push(...lowered.diagnostics.filter((d) => d.severity === 'error'));
    if (!lowered.value) continue;
    const plan = buildPlan(lowered.value, loaded.config);
    // One folder per environment when there are several (generate refuses another environment's app in a folder).
    const output = loaded.config.deploy.output;
    const folder = relative(top, resolve(root, several ? `${output}/${env}` : output)).split('\\').join('/');
    if (isAbsolute(folder) || folder.startsWith('..') || !WORKFLOW_SAFE.test(folder)) {
      diagnostics.push(diag('DZ8213', `the app folder of ${env}, ${quote(folder)}, is outside the repository or holds characters a workflow cannot carry`, { hint: 'set [deploy] output to a folder inside the project' }));
      continue;
    }
    planned.push(workflowEnvironment(plan, project, folder, several ? folder : ''));
  }
  for (const e of planned) for (const b of e.images?.builds ?? []) if (!WORKFLOW_SAFE.test(b.dockerfile)) diagnostics.push(invalid('the Dockerfile', b.dockerfile, 'a path a workflow can carry (no quotes, $, backslashes or line breaks)', 'rename it, and set dockerfile in dazzle.toml'));
  if (!WORKFLOW_SAFE.test(project)) diagnostics.push(invalid('the project folder', project, 'a path a workflow can carry (no quotes, $, backslashes or line breaks)', 'rename the folder'));
  let repository = opts.repository;
  if (opts.awsRole && !repository) {
    repository = originRepository(top);
    if (!repository) diagnostics.push(diag('DZ8212', `--aws-role needs the GitHub repository the deploy roles trust, and the origin remote of ${quote(displayPath(top, cwd))} names none on github.com`, { hint: 'name it: --repository owner/name' }));
  }
  if (hasErrors(diagnostics)) {
    printDiagnostics(io, diagnostics, first.sources);
    return 2;
  }

  const header = (what: string) =>
    [
      `# ${what}, written by \`dazzle deploy ci init\` (dazzle ${VERSION}) for ${project === '.' ? 'the project at the repository root' : `the project ${project}`}.`,
      '# dazzle rewrites it only while it is exactly as written (the checksum above); once you edit it, it is yours.',
    ].join('\n');
  const command = `dazzle deploy ci init${opts.project !== '.' ? ` -p ${opts.project}` : ''}${checked.environments ? ` --environments ${environments.join(',')}` : ''}`;
  const files: [string, string][] = [
    [
      WORKFLOW_PATH,
      `${header('The pull request check and the deploy')}\n${renderWorkflow({ project, environments: planned, branch: opts.branch ?? 'main', action: opts.action ?? DEFAULT_ACTION, version: VERSION, ...(opts.roleArn ? { roleArn: opts.roleArn } : {}) })}`,
    ],
  ];
  if (opts.awsRole && repository) {
    files.push([
      ROLES_PATH,
      `${header('The OIDC provider and deploy roles, to deploy once per account')}\n# aws cloudformation deploy --stack-name dazzle-github-deploy --capabilities CAPABILITY_IAM --template-file ${ROLES_PATH}\n# (add --parameter-overrides CreateOidcProvider=false when the account has GitHub's OIDC provider), then set each\n# output as the variable DAZZLE_AWS_ROLE_ARN of its GitHub environment.\n${deployRoleTemplate({ repository, environments: planned.map((e) => ({ name: e.name, region: e.region, repository: e.images?.repository ?? null })) })}`,
    ]);
  }
  const results: string[] = [];
  for (const [rel, text] of files) {
    const shown = displayPath(resolve(top, rel), cwd);
    const r = writeOwnedFile(top, rel, withChecksum(text), { shown, force: Boolean(opts.force), command });
    if (!r.value) {
      printDiagnostics(io, [...diagnostics, ...r.diagnostics], first.sources);
      return 2;
    }
    results.push(`  ${r.value === 'written' ? 'wrote    ' : 'unchanged'} ${shown}`);
  }
  printDiagnostics(io, diagnostics, first.sources);
  io.stdout(`${results.join('\n')}\n`);
  const roleHint = opts.roleArn ? '' : `; set the variable DAZZLE_AWS_ROLE_ARN in each (${opts.awsRole ? `the outputs of ${ROLES_PATH} once deployed` : 'a role GitHub may assume through OIDC: see dazzle deploy ci init --aws-role'})`;
  io.stdout(`Next: create the GitHub environments ${environments.join(', ')}${environments.includes('prod') ? ' (give prod required reviewers)' : ''}${roleHint}; bootstrap CDK once in each account and region (npx cdk bootstrap).\n`);
  return 0;
}
