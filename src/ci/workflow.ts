/**
 * The workflow `dazzle deploy ci init` writes (`.github/workflows/dazzle.yml`):
 * - on a pull request, a job per environment that runs the Action (offline: no AWS credentials)
 *   and uploads its SARIF to code scanning;
 * - on a push to the deploying branch, a job per environment, in order (each after the one
 *   before), in a GitHub environment of that name (its protection rules, such as required
 *   reviewers for prod, gate the job), with AWS credentials from OIDC (no access keys): the
 *   Action's checks again, then, when images are built from the project's Dockerfile, the Images
 *   stack, `docker buildx` on the runner and a push to its repository, and `cdk deploy --all`
 *   with that image's tag, so nothing is built where cdk deploy runs.
 *
 * Every value is written as a YAML double-quoted scalar (JSON's escaping), and the shell reads
 * user values only from `env:`, never from text spliced into a script.
 */
import { stackName } from '../lower/index.js';
import { IMAGE_TAG_CONTEXT, type DeploymentPlan } from '../plan/index.js';

/** One environment the workflow deploys, from its plan. */
export interface WorkflowEnvironment {
  readonly name: string;
  readonly region: string;
  /** The generated app's folder, relative to the repository root (`shop/infra`). */
  readonly appFolder: string;
  /** `--out` for the Action: empty when the project's own output folder is used. */
  readonly out: string;
  /** The Images stack's CloudFormation name and repository, when images are built. */
  readonly images: {
    readonly stack: string;
    readonly repository: string;
    /** Dockerfiles relative to the repository root, with the tag suffix of each. */
    readonly builds: readonly { readonly dockerfile: string; readonly tagSuffix: string }[];
  } | null;
}

export interface WorkflowOptions {
  /** The project folder relative to the repository root (`.` for the root). */
  readonly project: string;
  readonly environments: readonly WorkflowEnvironment[];
  /** The branch whose pushes deploy. */
  readonly branch: string;
  /** `owner/repo@ref` of the Action. */
  readonly action: string;
  /** The dazzle version the Action must be. */
  readonly version: string;
  /** The role to assume; else each GitHub environment's `DAZZLE_AWS_ROLE_ARN` variable. */
  readonly roleArn?: string;
}

/** The environment of a plan, for the workflow. `project` and `appFolder` relative to the repository root. */
export function workflowEnvironment(plan: DeploymentPlan, project: string, appFolder: string, out: string): WorkflowEnvironment {
  const im = plan.aws.images;
  const inProject = (p: string) => (project === '.' ? p : `${project}/${p}`);
  return {
    name: plan.environment,
    region: plan.region,
    appFolder,
    out,
    images: im ? { stack: stackName(plan.app, plan.environment, 'Images'), repository: im.repositoryName, builds: im.builds.map((b) => ({ dockerfile: inProject(b.dockerfile), tagSuffix: b.tagSuffix })) } : null,
  };
}

/** A YAML double-quoted scalar (JSON's escapes are YAML's). */
const q = (s: string) => JSON.stringify(s);

/** The job id of an environment's deploy. */
const deployJob = (env: string) => `deploy-${env}`;

function actionStep(o: WorkflowOptions, indent: string, environment: string, out: string, extra: readonly [string, string][]): string[] {
  const w = [
    ['project', q(o.project)],
    ['environment', environment],
    ...(out ? ([['out', out]] as [string, string][]) : []),
    ...extra,
    ['version', q(o.version)],
  ];
  return [`${indent}- name: ${q('dazzle (check, plan, generate, synth, preflight, diff)')}`, `${indent}  id: dazzle`, `${indent}  uses: ${o.action}`, `${indent}  with:`, ...w.map(([k, v]) => `${indent}    ${k}: ${v}`)];
}

/** The workflow's text (without the ownership header the writer adds). */
export function renderWorkflow(o: WorkflowOptions): string {
  const envs = o.environments;
  const several = envs.length > 1;
  const out: string[] = [
    'name: dazzle',
    '',
    'on:',
    '  pull_request:',
    '  push:',
    `    branches: [${q(o.branch)}]`,
    '  workflow_dispatch:',
    '',
    'permissions:',
    '  contents: read',
    '',
    'jobs:',
    '  # Every pull request: what changes, what it costs, what fails policy. Offline: no AWS credentials.',
    '  check:',
    `    name: Check (\${{ matrix.environment }})`,
    "    if: github.event_name == 'pull_request'",
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: read',
    '      pull-requests: write',
    '      security-events: write',
    '    concurrency:',
    '      group: dazzle-check-${{ github.ref }}-${{ matrix.environment }}',
    '      cancel-in-progress: true',
    '    strategy:',
    '      fail-fast: false',
    '      matrix:',
    `        environment: [${envs.map((e) => q(e.name)).join(', ')}]`,
    ...(several ? ['        include:', ...envs.flatMap((e) => [`          - environment: ${q(e.name)}`, `            out: ${q(e.out)}`])] : []),
    '    steps:',
    '      - uses: actions/checkout@v4',
    ...actionStep(o, '      ', '${{ matrix.environment }}', several ? '${{ matrix.out }}' : envs[0]?.out ? q(envs[0].out) : '', []),
    `      - name: ${q('Upload the preflight findings to code scanning')}`,
    "        if: always() && steps.dazzle.outputs.sarif != ''",
    '        uses: github/codeql-action/upload-sarif@v3',
    '        with:',
    '          sarif_file: ${{ steps.dazzle.outputs.sarif }}',
    '          category: dazzle-${{ matrix.environment }}',
  ];
  envs.forEach((e, i) => {
    const before = envs[i - 1];
    out.push(
      '',
      `  # ${e.name}: deployed on a push to ${o.branch}${before ? `, after ${before.name}` : ''}. The GitHub environment ${q(e.name)} holds its`,
      `  # protection rules${e.name === 'prod' ? ' (give prod required reviewers)' : ''} and the variable DAZZLE_AWS_ROLE_ARN: the role its deploy assumes through OIDC.`,
      `  ${deployJob(e.name)}:`,
      `    name: ${q(`Deploy ${e.name}`)}`,
      `    if: (github.event_name == 'push' || github.event_name == 'workflow_dispatch') && github.ref == 'refs/heads/${o.branch}'`,
      ...(before ? [`    needs: [${deployJob(before.name)}]`] : []),
      '    runs-on: ubuntu-latest',
      `    environment: ${q(e.name)}`,
      '    concurrency:',
      `      group: dazzle-deploy-${e.name}`,
      '      cancel-in-progress: false',
      '    permissions:',
      '      contents: read',
      '      id-token: write',
      '    steps:',
      '      - uses: actions/checkout@v4',
      ...actionStep(o, '      ', q(e.name), e.out ? q(e.out) : '', [
        ['comment', q('false')],
        // The pull request showed the diff; a deploy gates on preflight.
        ['fail-on-diff', q('none')],
      ]),
      `      - name: ${q('AWS credentials (OIDC; no access keys)')}`,
      '        uses: aws-actions/configure-aws-credentials@v4',
      '        with:',
      `          role-to-assume: ${o.roleArn ? q(o.roleArn) : '${{ vars.DAZZLE_AWS_ROLE_ARN }}'}`,
      `          aws-region: ${q(e.region)}`,
      `      - name: ${q('Install the app')}`,
      `        working-directory: ${q(e.appFolder)}`,
      '        run: npm install --no-audit --no-fund',
    );
    let context = '';
    if (e.images) {
      const im = e.images;
      out.push(
        `      - name: ${q('The image repository (the Images stack)')}`,
        `        working-directory: ${q(e.appFolder)}`,
        '        env:',
        `          STACK: ${q(im.stack)}`,
        '        run: npx cdk deploy "$STACK" --exclusively --require-approval never',
        `      - name: ${q('Log in to ECR')}`,
        '        id: ecr',
        '        uses: aws-actions/amazon-ecr-login@v2',
      );
      for (const b of im.builds) {
        out.push(
          `      - name: ${q(`Build and push ${b.dockerfile} (docker buildx on the runner)`)}`,
          '        env:',
          `          IMAGE: \${{ steps.ecr.outputs.registry }}/${im.repository}:\${{ github.sha }}${b.tagSuffix}`,
          `          DOCKERFILE: ${q(b.dockerfile)}`,
          `          CONTEXT: ${q(o.project)}`,
          // Tags are immutable: a re-run of the job finds the image of its commit pushed, and keeps it.
          '        run: docker manifest inspect "$IMAGE" > /dev/null 2>&1 || docker buildx build --platform linux/amd64 --push --tag "$IMAGE" --file "$DOCKERFILE" "$CONTEXT"',
        );
      }
      context = ` -c ${IMAGE_TAG_CONTEXT}="$IMAGE_TAG"`;
    }
    out.push(
      `      - name: ${q(`Deploy${e.images ? ' (the pushed image: nothing is built here)' : ''}`)}`,
      `        working-directory: ${q(e.appFolder)}`,
      ...(e.images ? ['        env:', '          IMAGE_TAG: ${{ github.sha }}'] : []),
      `        run: npx cdk deploy --all --require-approval never${context}`,
    );
  });
  return `${out.join('\n')}\n`;
}
