/**
 * The `dazzle` command line. The only place that touches process, the file
 * system's working directory, the environment and exit codes. Heavy modules
 * are loaded per command.
 *
 * Exit codes: 0 success, 1 the answer is "no", 2 invalid input or usage, 3 internal error.
 */
import { Command, CommanderError, Option } from 'commander';
import { nodeIo, type Format, type Io } from './output.js';
import { VERSION } from '../version.js';

export const EXIT = { ok: 0, no: 1, invalid: 2, internal: 3 } as const;

interface RawOptions {
  project: string;
  env?: 'dev' | 'staging' | 'prod';
  format: Format | 'markdown';
  debug?: boolean;
}

function common(cmd: Command, formats: readonly string[] = ['text', 'json']): Command {
  return cmd
    .addOption(new Option('-p, --project <dir>', 'project directory (holds dazzle.toml)').default('.'))
    .addOption(new Option('-e, --env <name>', 'deployment environment').choices(['dev', 'staging', 'prod']))
    .addOption(new Option('--format <format>', 'output format').choices([...formats]).default('text'))
    .addOption(new Option('--debug', 'show the stack trace of an internal error or of a failed synthesis'));
}

export async function run(argv: readonly string[], io: Io, cwd: string): Promise<number> {
  let code: number = EXIT.ok;
  let debug = argv.includes('--debug');
  const program = new Command('dazzle')
    .description('Compile Dazzle DSL projects and dazzle.toml into AWS infrastructure (a CDK app you own).')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s), outputError: (s, write) => write(`dazzle: ${s.replace(/^error: /, 'error DZ0101: ')}`) });

  const action =
    (fn: (o: RawOptions) => number | Promise<number>) =>
    async (o: RawOptions): Promise<void> => {
      debug = Boolean(o.debug);
      code = await fn(o);
    };

  common(program.command('check').argument('[files...]', 'check only these .dsl files (default: the project\'s module paths)'))
    .description('read the DSL files and dazzle.toml and report problems (exit 0 or 2)')
    .action(async (files: string[], o: RawOptions) => {
      debug = Boolean(o.debug);
      code = (await import('./commands.js')).check({ ...o, files }, io, cwd);
    });
  common(program.command('inspect').description('print the AppSpec IR the later stages consume (--format json)')).action(
    action(async (o) => (await import('./commands.js')).inspect(o, io, cwd)),
  );

  const config = program.command('config').description('the deployment configuration from dazzle.toml');
  common(config.command('show').description('print the resolved [deploy] configuration, each value with its source')).action(
    action(async (o) => (await import('./commands.js')).configShow(o as never, io, cwd)),
  );
  config.exitOverride();

  const deploy = program.command('deploy').description('plan, generate, synthesize, check and diff the AWS deployment');
  common(deploy.command('plan').description('what will be built and why, with a monthly cost estimate (offline)'), ['text', 'json', 'markdown']).action(
    action(async (o) => (await import('./plan-command.js')).deployPlan(o as never, io, cwd)),
  );
  common(deploy.command('generate').description('write the CDK app (infra/) and .dazzle-infra-version.json'))
    .option('-o, --out <dir>', 'output folder (default: [deploy] output, "infra" in the project)')
    .option('--force', 'overwrite generated files that were edited by hand')
    .option('--allow-out-anywhere', 'allow the output folder at the project root, in a module folder or outside the project (it must still be empty or hold a generated app)')
    .option('--dry-run', 'list what would change; write nothing')
    .action(action(async (o) => (await import('./generate-command.js')).deployGenerate(o as never, io, cwd, new Date())));
  common(deploy.command('synth').description('synthesize the generated app offline into cdk.out/ and run cdk-nag'))
    .option('-o, --out <dir>', 'the generated app folder (default: [deploy] output, "infra" in the project)')
    .option('--validate', "also run aws-cdk-lib's CloudFormation template validation (resource schemas, the region's resource types); CDK_VALIDATION=true does the same")
    .action(action(async (o) => (await import('./generate-command.js')).deploySynth(o as never, io, cwd)));
  common(deploy.command('preflight').description('check the generated app before deploying: TigerBeetle, network, data, IAM, names, limits, CloudFormation schemas and cdk-nag (exit 1 on a finding at --fail-on or above)'), ['text', 'json', 'sarif', 'markdown'])
    .option('-o, --out <dir>', 'the generated app folder (default: [deploy] output, "infra" in the project)')
    .addOption(new Option('--fail-on <level>', 'fail on an unacknowledged finding at this severity or above').choices(['critical', 'high', 'medium', 'low', 'info']).default('high'))
    .option('--rules <packs>', 'further cdk-nag rule packs, comma-separated: hipaa, nist-800-53-r4, nist-800-53-r5, pci-dss-321, serverless')
    .option('--output <file>', 'write the report (in --format) to this file; the text report still goes to the terminal')
    .action(
      action(async (o) =>
        (await import('./preflight-command.js')).deployPreflight(o as never, io, cwd, { now: new Date(), githubActions: process.env.GITHUB_ACTIONS === 'true' }),
      ),
    );
  common(deploy.command('diff').description('what the change does to the deployed infrastructure, compared offline (exit 0: no change, 1: changes)'), ['text', 'json', 'markdown'])
    .option('-o, --out <dir>', 'the generated app folder (default: [deploy] output, "infra" in the project)')
    .addOption(new Option('--base <dir>', 'compare with this folder: a generated app, a cdk.out or a folder of templates').conflicts('baseRef'))
    .option('--base-ref <ref>', 'compare with the project as it was at this git ref (e.g. the pull request\'s base)')
    .addOption(new Option('--fail-on <what>', 'exit 1 only for: destructive (data destroyed), replacement (a stateful resource replaced or removed, a deploy that breaks, a service interrupted), any change (default)').choices(['destructive', 'replacement', 'any']).default('any'))
    .action(action(async (o) => (await import('./diff-command.js')).deployDiff(o as never, io, cwd, new Date(), Boolean(process.stdout.isTTY))));
  const ci = deploy.command('ci').description('GitHub Actions: the pull request report and the deploy workflow');
  common(ci.command('report').description('write the job summary, step outputs, annotations and pull request comment from the reports of check, plan, preflight and diff (exit 1 when a gate fails)'), ['text'])
    .option('--check <file>', 'the output of `dazzle check --format json`')
    .option('--plan <file>', 'the output of `dazzle deploy plan --format json`')
    .option('--preflight <file>', 'the SARIF of `dazzle deploy preflight --format sarif --output FILE`')
    .option('--diff <file>', 'the output of `dazzle deploy diff --format json`')
    .addOption(new Option('--fail-on <level>', 'fail on an unacknowledged preflight finding at this severity or above').choices(['critical', 'high', 'medium', 'low', 'info']).default('high'))
    .addOption(new Option('--fail-on-diff <what>', 'fail on a change of this class: destructive (data destroyed), replacement, any, or none').choices(['destructive', 'replacement', 'any', 'none']).default('destructive'))
    .option('--comment', 'create or update the pull request comment (gh, with GH_TOKEN or GITHUB_TOKEN)')
    .action(action(async (o) => (await import('./ci-command.js')).deployCiReport(o as never, io, cwd, { env: process.env, gh: (await import('./ci-github.js')).gh })));
  common(ci.command('init').description('write .github/workflows/dazzle.yml: the pull request check with the Action, and the deploy on the default branch through OIDC'), ['text'])
    .option('--environments <names>', 'the environments to deploy, in order, comma-separated (default: the project\'s environment)')
    .option('--branch <name>', 'the branch that deploys', 'main')
    .option('--role-arn <arn>', 'the IAM role the deploy assumes (default: the DAZZLE_AWS_ROLE_ARN variable of each GitHub environment)')
    .option('--action <ref>', 'the Action to use, owner/repo@ref (default: dazzle/dazzle@v<this version>)')
    .option('--aws-role', 'also write the CloudFormation template of the OIDC provider and the deploy roles, scoped to the repository')
    .option('--repository <owner/name>', 'the GitHub repository the deploy roles trust (default: from the origin remote)')
    .option('--force', 'overwrite the workflow dazzle wrote even if it was edited by hand (never a file dazzle did not write)')
    .action(action(async (o) => (await import('./ci-init-command.js')).deployCiInit(o as never, io, cwd)));
  ci.exitOverride();
  deploy.exitOverride();

  if (argv.length === 0) {
    io.stderr(program.helpInformation());
    return EXIT.invalid;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      if (e.code === 'commander.help') {
        // `dazzle help` asked for it; `dazzle deploy` alone is a usage mistake (commander has printed its usage to stderr).
        if (e.exitCode === 0) return EXIT.ok;
        const cmd = commandOf(program, argv);
        const subs = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
        io.stderr(`dazzle: error DZ0101: '${['dazzle', ...commandPath(cmd)].join(' ')}' needs a command: ${subs.join(', ')}\n`);
        return EXIT.invalid;
      }
      if (e.code === 'commander.executeSubCommandAsync') return EXIT.ok;
      return EXIT.invalid;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr(`dazzle: internal error DZ9001: ${err.message}\n`);
    io.stderr(debug && err.stack ? `${err.stack}\n` : 'This is a bug in dazzle, not in your project. Run again with --debug for details and report it.\n');
    return EXIT.internal;
  }
  return code;
}

/** The (sub)command the leading words of `argv` name: `deploy` for `dazzle deploy --format json`. */
function commandOf(program: Command, argv: readonly string[]): Command {
  let cmd = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    cmd = sub;
  }
  return cmd;
}

/** The names from below the program down to `cmd`: `['deploy', 'plan']`. */
function commandPath(cmd: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}

/** Run as the `dazzle` command (bin/dazzle calls this): real streams, process exit code. */
export function main(): void {
  const io = nodeIo();
  // A reader that goes away (`dazzle check | head -1`) is not an error: stop quietly.
  const closed = (e: NodeJS.ErrnoException) => e?.code === 'EPIPE' || e?.code === 'ERR_STREAM_DESTROYED';
  const onStreamError = (e: NodeJS.ErrnoException) => {
    if (closed(e)) process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  };
  process.stdout.on('error', onStreamError);
  process.stderr.on('error', onStreamError);
  let failing = false;
  const fail = (e: unknown) => {
    if (closed(e as NodeJS.ErrnoException)) process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
    if (failing) process.exit(EXIT.internal);
    failing = true;
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`dazzle: internal error DZ9001: ${err.message}\n`);
    if (process.argv.includes('--debug') && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = EXIT.internal;
  };
  process.on('uncaughtException', fail);
  run(process.argv.slice(2), io, process.cwd()).then((c) => {
    process.exitCode = c;
  }, fail);
}
