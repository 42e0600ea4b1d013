/**
 * Bad dazzle.toml documents, one per row: each is refused with the right code at
 * the line (and column) of dazzle.toml where the user has to look, and nothing
 * throws. Then a few documents that load with only a note, and the same
 * problems as the user sees them through the real CLI.
 *
 * Positions are 1-based; a key error points at the key, a value error at the
 * value, a table-header error at the header's first key segment (col 2).
 */
import { describe, expect, it } from 'vitest';
import { BASE_DEFAULTS, loadConfig, tigerBeetleRelease, type Environment, type ResolvedConfig } from '../../src/config/index.js';
import type { Diagnostic, DiagnosticCode, Result } from '../../src/diagnostics/index.js';
import { runCli, STACK_TRACE, tempProject } from '../helpers.js';

const FILE = 'dazzle.toml';

interface BadRow {
  readonly name: string;
  readonly toml: string;
  /** `--env`, when the problem depends on the environment. */
  readonly env?: Environment;
  /** The first error's code, line and column. */
  readonly code: DiagnosticCode;
  readonly line: number;
  readonly col: number;
  /** Text or pattern the first error's hint must contain. */
  readonly hint?: string | RegExp;
  /** Text the first error's hint must not contain. */
  readonly hintNot?: string;
  /** A value from the file that no diagnostic may repeat (it may be a secret). */
  readonly secret?: string;
  /** The document has exactly one error (no second diagnostic restating it elsewhere). */
  readonly single?: boolean;
  /** Text the first error's message must not contain (a wrong description of the value). */
  readonly messageNot?: string;
}

/** loadConfig must return, never throw. */
function load(toml: string | undefined, environment?: Environment): Result<ResolvedConfig | undefined> {
  let r: Result<ResolvedConfig | undefined> | undefined;
  expect(() => {
    r = loadConfig({ path: FILE, text: toml, ...(environment ? { environment } : {}) });
  }).not.toThrow();
  if (r === undefined) throw new Error('loadConfig returned nothing');
  return r;
}

const errorsOf = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

const ROWS: readonly BadRow[] = [
  // ---- TOML syntax (DZ0006): smol-toml's position ----
  { name: 'syntax: a bare word as a value', toml: '[deploy]\nenabled = tru\n', code: 'DZ0006', line: 2, col: 11, hint: 'toml.io', single: true },
  { name: 'syntax: a table header without its ]', toml: '[deploy\nregion = "us-east-1"\n', code: 'DZ0006', line: 1, col: 8, single: true },
  { name: 'syntax: a key defined twice', toml: '[deploy]\nregion = "us-east-1"\nregion = "us-east-2"\n', code: 'DZ0006', line: 3, col: 1, single: true },
  { name: 'syntax: an integer beyond 64 bits', toml: '[deploy.compute]\ncpu = 99999999999999999999\n', code: 'DZ0006', line: 2, col: 7, single: true },

  // ---- unknown keys and tables (DZ4001): at the key ----
  { name: 'unknown key memroy in [deploy.compute]', toml: '[deploy.compute]\ncpu = 512\nmemroy = 1024\n', code: 'DZ4001', line: 3, col: 1, hint: "did you mean 'memory'", single: true },
  { name: 'unknown key directly in [deploy]', toml: '[deploy]\nenabled = true\nfoo = 1\n', code: 'DZ4001', line: 3, col: 1, hint: 'dazzle.toml.example', single: true },
  { name: 'unknown table [deploy.computer]', toml: '[deploy.computer]\ncpu = 512\n', code: 'DZ4001', line: 1, col: 2, hint: "did you mean 'compute'", single: true },
  { name: 'unknown key as a dotted key in [deploy]', toml: '[deploy]\ncompute.memroy = 1\n', code: 'DZ4001', line: 2, col: 1, hint: "did you mean 'memory'", single: true },
  { name: 'unknown key after CRLF line ends', toml: '[deploy]\r\nregion = "us-east-1"\r\n\r\n[deploy.compute]\r\nmemroy = 1\r\n', code: 'DZ4001', line: 5, col: 1, hint: "did you mean 'memory'" },
  { name: 'environment cannot be overridden per environment', toml: '[deploy.env.prod]\nenvironment = "dev"\n', code: 'DZ4001', line: 2, col: 1, single: true },
  { name: 'secrets cannot be overridden per environment', toml: '[deploy.env.prod.secrets]\napi_key = "ssm:/x"\n', code: 'DZ4001', line: 1, col: 2, single: true },

  // ---- wrong type (DZ4002): at the value ----
  { name: 'cpu as a string', toml: '[deploy.compute]\ncpu = "512"\n', code: 'DZ4002', line: 2, col: 7, hint: '256, 512' },
  { name: 'enabled = "yes"', toml: '[deploy]\nenabled = "yes"\n', code: 'DZ4002', line: 2, col: 11, single: true },
  { name: 'deploy = 5 instead of a table', toml: 'deploy = 5\n', code: 'DZ4002', line: 1, col: 10, single: true },
  { name: '[[deploy.compute]] as an array of tables', toml: '[[deploy.compute]]\ncpu = 512\n', code: 'DZ4002', line: 1, col: 3, single: true },
  { name: 'node_count = 3.5', toml: '[deploy.tigerbeetle]\nnode_count = 3.5\n', code: 'DZ4002', line: 2, col: 14, single: true },
  {
    name: 'a secret of the wrong type does not echo its value',
    toml: '[deploy.secrets]\ndatabase_password = 12345678\n',
    code: 'DZ4002',
    line: 2,
    col: 21,
    secret: '12345678',
    single: true,
  },

  // ---- out of range (DZ4004) ----
  { name: 'tigerbeetle.volume_size_gb = 20', toml: '[deploy.tigerbeetle]\nvolume_size_gb = 20\n', code: 'DZ4004', line: 2, col: 18, hint: '50-1000', single: true },
  { name: 'tigerbeetle.volume_iops = 70000', toml: '[deploy.tigerbeetle]\nvolume_iops = 70000\n', code: 'DZ4004', line: 2, col: 15, single: true },
  { name: 'tigerbeetle.node_count = 0', toml: '[deploy.tigerbeetle]\nnode_count = 0\n', code: 'DZ4004', line: 2, col: 14, single: true },
  { name: 'tigerbeetle.cluster_id = 0', toml: '[deploy.tigerbeetle]\ncluster_id = 0\n', code: 'DZ4004', line: 2, col: 14, single: true },
  { name: 'database.backup_retention_days = 40', toml: '[deploy.database]\nbackup_retention_days = 40\n', code: 'DZ4004', line: 2, col: 25, hint: '1-35', single: true },
  { name: 'database.min_acu not a multiple of 0.5', toml: '[deploy.database]\nmin_acu = 0.3\n', code: 'DZ4004', line: 2, col: 11, single: true },
  { name: '[modules] paths = []', toml: '[modules]\npaths = []\n', code: 'DZ4004', line: 2, col: 9, single: true },

  // ---- not an allowed value (DZ4003) ----
  { name: 'tigerbeetle.size = "m5.large"', toml: '[deploy.tigerbeetle]\nsize = "m5.large"\n', code: 'DZ4003', line: 2, col: 8, hint: 'm6i.large', single: true },
  { name: 'environment = "production"', toml: '[deploy]\nenvironment = "production"\n', code: 'DZ4003', line: 2, col: 15, hint: /\bprod\b/, single: true },
  { name: 'logs.retention_days = 10', toml: '[deploy.logs]\nretention_days = 10\n', code: 'DZ4003', line: 2, col: 18, hint: /\b1, 3, 5\b/, hintNot: 'one of one of', single: true },
  { name: 'region us-east-7', toml: '[deploy]\nregion = "us-east-7"\n', code: 'DZ4003', line: 2, col: 10, hint: "did you mean 'us-east-1'", single: true },
  {
    name: 'region us-east-7 after a multi-line string in another table',
    toml: '# shop\n[project]\nname = "shop"\ndescription = """\nregion = "not a key"\n"""\n\n[deploy]\nenabled = true\nregion = "us-east-7"\n',
    code: 'DZ4003',
    line: 10,
    col: 10,
    single: true,
  },
  { name: 'cpu = 300, not a Fargate size', toml: '[deploy.compute]\ncpu = 300\n', code: 'DZ4003', line: 2, col: 7, single: true },
  { name: 'a date where a region belongs is called a date, not a table', toml: '[deploy]\nregion = 1979-05-27\n', code: 'DZ4003', line: 2, col: 10, messageNot: 'a table', single: true },

  // ---- wrong form (DZ4005) ----
  { name: 'vpc_cidr = "10.0.0.0/8"', toml: '[deploy.network]\nvpc_cidr = "10.0.0.0/8"\n', code: 'DZ4005', line: 2, col: 12, hint: '10.0.0.0/16', single: true },
  { name: 'health_check_path without /', toml: '[deploy.compute]\nhealth_check_path = "health"\n', code: 'DZ4005', line: 2, col: 21, single: true },
  { name: 'a bad email in alarms.email', toml: '[deploy.alarms]\nemail = ["ops@example.com", "not-an-email"]\n', code: 'DZ4005', line: 2, col: 29, single: true },
  { name: 'a secret name with capitals', toml: '[deploy.secrets]\nApiKey = "ssm:/x"\n', code: 'DZ4005', line: 2, col: 1, hint: 'environment variable', single: true },
  { name: 'a service name with capitals', toml: '[deploy.services.Api]\nport = 80\n', code: 'DZ4005', line: 1, col: 2, single: true },
  { name: 'a lower-case env variable name', toml: '[deploy.compute.env]\nlog_level = "debug"\n', code: 'DZ4005', line: 2, col: 1, hint: 'rename', single: true },

  // ---- duplicate list items (DZ4007) ----
  { name: 'the same address twice in alarms.email', toml: '[deploy.alarms]\nemail = ["a@example.com", "a@example.com"]\n', code: 'DZ4007', line: 2, col: 9, single: true },
  { name: 'the same path twice in a service', toml: '[deploy.services.api]\npaths = ["/a", "/a"]\n', code: 'DZ4007', line: 2, col: 9, single: true },

  // ---- environments (DZ4006) and per-environment overrides ----
  { name: 'unknown environment [deploy.env.production.compute]', toml: '[deploy.env.production.compute]\ncpu = 512\n', code: 'DZ4006', line: 1, col: 2, hint: /\bprod\b/, single: true },
  { name: 'an override with a bad value, at the override', toml: '[deploy.compute]\nmemory = 1024\n\n[deploy.env.prod.compute]\nmemory = 3\n', code: 'DZ4004', line: 5, col: 10, single: true },
  {
    name: 'an override that conflicts only after merging (prod)',
    toml: '[deploy.compute]\ncpu = 256\n\n[deploy.env.prod.compute]\nmemory = 4096\n',
    env: 'prod',
    code: 'DZ4010',
    line: 5,
    col: 10,
    hint: '512, 1024, 2048',
    single: true,
  },
  { name: 'a per-environment service override with an impossible cpu (prod)', toml: '[deploy.env.prod.services.api]\ncpu = 4096\n', env: 'prod', code: 'DZ4010', line: 2, col: 7, single: true },
  { name: 'a prod override of az_count below the prod NAT gateways', toml: '[deploy.env.prod.network]\naz_count = 2\n', env: 'prod', code: 'DZ4012', line: 2, col: 12, single: true },

  // ---- rules across keys ----
  { name: 'Fargate cpu 256 with memory 4096', toml: '[deploy.compute]\ncpu = 256\nmemory = 4096\n', code: 'DZ4010', line: 3, col: 10, hint: '512, 1024, 2048', single: true },
  { name: 'Fargate pair in an inline table', toml: '[deploy]\ncompute = { cpu = 256, memory = 4096 }\n', code: 'DZ4010', line: 2, col: 33, single: true },
  { name: 'Fargate pair as top-level dotted keys', toml: 'deploy.compute.cpu = 256\ndeploy.compute.memory = 4096\n', code: 'DZ4010', line: 2, col: 25, single: true },
  { name: 'min_count above max_count', toml: '[deploy.compute]\nmin_count = 5\nmax_count = 3\n', code: 'DZ4011', line: 2, col: 13, single: true },
  { name: 'desired_count outside [min, max]', toml: '[deploy.compute]\nmin_count = 2\nmax_count = 4\ndesired_count = 9\n', code: 'DZ4011', line: 4, col: 17, single: true },
  { name: 'a named service with min above max', toml: '[deploy.services.worker]\nmin_count = 3\nmax_count = 2\n', code: 'DZ4011', line: 2, col: 13, single: true },
  {
    name: 'a service desired_count below the min_count it inherits from [deploy.compute]',
    toml: '[deploy.compute]\nmin_count = 3\nmax_count = 6\ndesired_count = 3\n\n[deploy.services.api]\ndesired_count = 1\n',
    code: 'DZ4011',
    line: 7,
    col: 17,
    single: true,
  },
  { name: 'nat_gateways above az_count', toml: '[deploy.network]\naz_count = 2\nnat_gateways = 3\n', code: 'DZ4012', line: 3, col: 16, single: true },
  { name: 'nat_gateways above the dev profile az_count', toml: '[deploy.network]\nnat_gateways = 3\n', code: 'DZ4012', line: 2, col: 16, single: true },
  { name: 'min_acu above max_acu', toml: '[deploy.database]\nmin_acu = 8\nmax_acu = 4\n', code: 'DZ4013', line: 2, col: 11, single: true },
  { name: 'io2 IOPS per GiB exceeded (50 GiB, 60000 IOPS)', toml: '[deploy.tigerbeetle]\nvolume_size_gb = 50\nvolume_iops = 60000\n', code: 'DZ4014', line: 3, col: 15, hint: '1000 IOPS per GiB', single: true },
  { name: 'gp3 throughput above 0.25 MiB/s per IOPS', toml: '[deploy.tigerbeetle]\nvolume_iops = 3000\nvolume_throughput = 1000\n', code: 'DZ4014', line: 3, col: 21, hint: '0.25 MiB/s per IOPS', single: true },
  { name: 'Kafka brokers not a multiple of the dev AZs', toml: '[deploy.kafka]\nenabled = true\nbroker_count = 3\n', code: 'DZ4016', line: 3, col: 16, hint: 'use 4', single: true },
  { name: 'Kafka brokers not a multiple of the prod AZs', toml: '[deploy.kafka]\nenabled = true\nbroker_count = 2\n', env: 'prod', code: 'DZ4016', line: 3, col: 16, hint: 'use 3', single: true },
  { name: 'both image and dockerfile', toml: '[deploy.compute]\nimage = "nginx:1"\ndockerfile = "Dockerfile"\n', code: 'DZ4017', line: 3, col: 14, single: true },
  { name: 'an ec2-only key on a fargate service', toml: '[deploy.services.api]\ninstance_type = "t3.small"\n', code: 'DZ4018', line: 2, col: 17, hint: 'runtime = "ec2"', single: true },
  { name: 'an ec2-only key in a fargate [deploy.compute]', toml: '[deploy.compute]\nnode_count = 3\n', code: 'DZ4018', line: 2, col: 14, single: true },
  { name: 'key_name without ssh_cidr on an ec2 service', toml: '[deploy.services.bastion]\nruntime = "ec2"\nkey_name = "ops"\n', code: 'DZ4018', line: 3, col: 12, hint: 'ssh_cidr', single: true },
  { name: 'an artifact with no command to start it', toml: '[deploy.services.node]\nruntime = "ec2"\nartifact = "s3://builds/node.tar.gz"\n', code: 'DZ4018', line: 3, col: 12, hint: 'command', single: true },
  { name: 'an artifact on a fargate service', toml: '[deploy.services.api]\nartifact = "s3://builds/api.tar.gz"\ncommand = "bin/api"\n', code: 'DZ4018', line: 2, col: 12, hint: 'runtime = "ec2"' },
  { name: 'an artifact that is not an S3 URI', toml: '[deploy.services.node]\nruntime = "ec2"\nartifact = "https://example.com/node.tar.gz"\n', code: 'DZ4005', line: 3, col: 12, hint: 'S3', single: true },
  { name: 'more nodes than free addresses (ip_offset 248, 10 nodes over 2 zones), at node_count', toml: '[deploy.services.nodes]\nruntime = "ec2"\nip_offset = 248\nnode_count = 10\n', code: 'DZ4020', line: 4, col: 14, hint: 'at most 6 nodes', single: true },
  { name: '10 nodes from host 245 fit: 5 per zone', toml: '[deploy.services.nodes]\nruntime = "ec2"\nip_offset = 245\nnode_count = 10\nport = 70000\n', code: 'DZ4004', line: 5, col: 8, single: true },
  { name: 'a peer port that is also a public port', toml: '[deploy.services.nodes]\nruntime = "ec2"\nimage = "nginx:1.27"\npeer_ports = [25520, 80]\npublic_ports = [80]\n', code: 'DZ4100', line: 4, col: 14, hint: 'remove it from one list', single: true },
  { name: 'the service port as a peer port', toml: '[deploy.services.nodes]\nruntime = "ec2"\nport = 8000\npeer_ports = [8000]\n', code: 'DZ4100', line: 4, col: 14, single: true },
  { name: 'a seed address outside the private subnets, at the address', toml: '[deploy.services.casty]\nruntime = "ec2"\nnode_count = 10\nseed_addresses = ["10.0.2.10", "10.0.1.10"]\n', code: 'DZ4101', line: 4, col: 32, hint: '10.0.2.10, 10.0.3.10', single: true },
  { name: 'a seed address no node has', toml: '[deploy.services.casty]\nruntime = "ec2"\nnode_count = 4\nseed_addresses = ["10.0.2.12"]\n', code: 'DZ4102', line: 4, col: 19, single: true },
  { name: 'a seed address that is not an address', toml: '[deploy.services.casty]\nruntime = "ec2"\nseed_addresses = ["10.0.2.300"]\n', code: 'DZ4005', line: 3, col: 19, single: true },
  { name: 'public port 443 without a domain', toml: '[deploy.services.pulse]\nruntime = "ec2"\npublic_ports = [443]\n', code: 'DZ4103', line: 3, col: 16, hint: '[deploy.domain] name', single: true },
  // ---- a node group's image (ami): validated like tigerbeetle.ami ----
  { name: 'a node group ami that is not an image ID', toml: '[deploy.services.casty]\nruntime = "ec2"\nami = "ami-123"\n', code: 'DZ4005', line: 3, col: 7, single: true },
  { name: 'one node group ami for environments in different regions, at the ami', toml: '[deploy]\nregion = "us-east-1"\n[deploy.env.prod]\nregion = "eu-west-1"\n[deploy.services.casty]\nruntime = "ec2"\nami = "ami-0123456789abcdef0"\n', code: 'DZ4051', line: 7, col: 7, hint: '[deploy.env.<name>.services.casty]', single: true },
  { name: 'ami on a Fargate service', toml: '[deploy.services.api]\nami = "ami-0123456789abcdef0"\n', code: 'DZ4018', line: 2, col: 7, single: true },
  // ---- variable_names (DZ4104-DZ4107): the names a node's service reads the generated variables under, at the key or the name ----
  { name: 'variable_names: a misspelt generated variable, at its key', toml: '[deploy.services.casty]\nruntime = "ec2"\npeer_ports = [25520]\n[deploy.services.casty.variable_names]\nPROT = "HTTP_PORT"\n', code: 'DZ4104', line: 5, col: 1, hint: "did you mean 'PORT'", single: true },
  { name: 'variable_names: a peer port the group does not have', toml: '[deploy.services.casty]\nruntime = "ec2"\npeer_ports = [25520]\n[deploy.services.casty.variable_names]\nPEER_PORT_25521 = "CASTY_PORT"\n', code: 'DZ4104', line: 5, col: 1, hint: 'PEER_PORT_25520', single: true },
  { name: 'variable_names: DATA_DIR without a data volume', toml: '[deploy.services.casty]\nruntime = "ec2"\npeer_ports = [25520]\n[deploy.services.casty.variable_names]\nDATA_DIR = "LEDGER_DIR"\n', code: 'DZ4104', line: 5, col: 1, single: true },
  { name: 'variable_names: a name that is not an environment variable name, at the name', toml: '[deploy.services.casty]\nruntime = "ec2"\npeer_ports = [25520]\n[deploy.services.casty.variable_names]\nPORT = ["PORT", "HTTP-PORT"]\n', code: 'DZ4105', line: 5, col: 17, hint: 'letters, digits and underscores', single: true },
  { name: 'variable_names: two generated variables under one name, at the second', toml: '[deploy.services.casty]\nruntime = "ec2"\npeer_ports = [25520]\n[deploy.services.casty.variable_names]\nPORT = "HTTP_PORT"\nPEER_PORT_25520 = "HTTP_PORT"\n', code: 'DZ4106', line: 6, col: 19, single: true },
  { name: 'variable_names: a renamed variable onto a generated name kept', toml: '[deploy.services.casty]\nruntime = "ec2"\npeer_ports = [25520]\n[deploy.services.casty.variable_names]\nPORT = "NODE_INDEX"\n', code: 'DZ4106', line: 5, col: 8, hint: 'NODE_INDEX = []', single: true },
  { name: "variable_names: a name the service's env also sets", toml: '[deploy.services.casty]\nruntime = "ec2"\n[deploy.services.casty.env]\nHTTP_PORT = "8000"\n[deploy.services.casty.variable_names]\nPORT = "HTTP_PORT"\n', code: 'DZ4107', line: 6, col: 8, hint: 'remove HTTP_PORT from env', single: true },
  { name: 'variable_names: a name a secret also sets', toml: '[deploy.secrets]\nnode_token = "ssm:/casty/token"\n[deploy.services.casty]\nruntime = "ec2"\n[deploy.services.casty.variable_names]\nPORT = "NODE_TOKEN"\n', code: 'DZ4107', line: 6, col: 8, hint: '[deploy.secrets]', single: true },
  { name: 'variable_names on a Fargate service', toml: '[deploy.services.api]\n[deploy.services.api.variable_names]\nPORT = "HTTP_PORT"\n', code: 'DZ4018', line: 3, col: 8, single: true },

  // ---- control characters (DZ4022): at the value, in any string a name, address, path or command ----
  { name: 'a line break in an ec2 command (shell injection)', toml: '[deploy.services.node]\nruntime = "ec2"\ncommand = "bin/node\\nrm -rf /"\n', code: 'DZ4022', line: 3, col: 11, hint: 'one line', single: true },
  { name: 'a header injected into an alarm email', toml: '[deploy.alarms]\nemail = ["ops@example.com\\r\\nBcc: x@example.org"]\n', code: 'DZ4022', line: 2, col: 10, single: true },
  { name: 'a right-to-left override in a domain name', toml: '[deploy.domain]\nname = "example.com\\u202e"\n', code: 'DZ4022', line: 2, col: 8, single: true, messageNot: '\u202e' },
  { name: 'a NUL in the output folder', toml: '[deploy]\noutput = "infra\\u0000"\n', code: 'DZ4022', line: 2, col: 10, single: true },
  { name: 'a tab in a key pair name', toml: '[deploy.services.bastion]\nruntime = "ec2"\nkey_name = "ops\\tkey"\n', code: 'DZ4022', line: 3, col: 12, single: true },
  { name: 'a bell in a plain env value', toml: '[deploy.compute.env]\nGREETING = "a\\u0007b"\n', code: 'DZ4022', line: 2, col: 12, single: true },
  { name: 'a line break in a health check path', toml: '[deploy.compute]\nhealth_check_path = "/health\\n"\n', code: 'DZ4022', line: 2, col: 21, single: true },
  { name: 'an escape sequence in a Dockerfile path', toml: '[deploy.compute]\ndockerfile = "Dockerfile\\u001b[2J"\n', code: 'DZ4022', line: 2, col: 14, single: true },
  { name: 'a line separator in an image', toml: '[deploy.compute]\nimage = "nginx\\u2028:1"\n', code: 'DZ4022', line: 2, col: 9, single: true },

  // ---- values with hard limits, at their line ----
  { name: 'vpc_cidr with an octet over 255', toml: '[deploy.network]\nvpc_cidr = "10.0.0.256/16"\n', code: 'DZ4005', line: 2, col: 12, hint: '10.0.0.0/16', single: true },
  { name: 'vpc_cidr with a leading zero (010 is octal to some parsers)', toml: '[deploy.network]\nvpc_cidr = "010.0.0.0/16"\n', code: 'DZ4005', line: 2, col: 12, single: true },
  { name: 'vpc_cidr with host bits set', toml: '[deploy.network]\nvpc_cidr = "10.0.0.1/16"\n', code: 'DZ4023', line: 2, col: 12, hint: '"10.0.0.0/16"', single: true },
  { name: 'vpc_cidr /24 holds no room for six /24 subnets (dev: 2 zones)', toml: '[deploy.network]\nvpc_cidr = "10.0.0.0/24"\n', code: 'DZ4024', line: 2, col: 12, hint: '/21', single: true },
  { name: 'vpc_cidr /21 is too small for three zones (prod)', toml: '[deploy.network]\nvpc_cidr = "10.0.0.0/21"\n', env: 'prod', code: 'DZ4024', line: 2, col: 12, hint: '/20', single: true },
  { name: 'ssh_cidr with host bits set', toml: '[deploy.services.bastion]\nruntime = "ec2"\nkey_name = "ops"\nssh_cidr = "203.0.113.7/24"\n', code: 'DZ4023', line: 4, col: 12, hint: '203.0.113.7/32', single: true },
  { name: 'ssh_cidr with an octet over 255', toml: '[deploy.services.bastion]\nruntime = "ec2"\nssh_cidr = "203.0.113.999/32"\n', code: 'DZ4005', line: 3, col: 12, single: true },
  { name: 'a domain label of 64 characters', toml: `[deploy.domain]\nname = "${'a'.repeat(64)}.com"\n`, code: 'DZ4005', line: 2, col: 8, hint: 'domain name', single: true },
  { name: 'a domain name of 255 characters', toml: `[deploy.domain]\nname = "${`${'a'.repeat(62)}.`.repeat(4)}com"\n`, code: 'DZ4004', line: 2, col: 8, single: true },
  { name: 'a record name over 253 characters (subdomain under a long name)', toml: `[deploy.domain]\nname = "${`${'a'.repeat(62)}.`.repeat(3)}${'b'.repeat(59)}.com"\nsubdomain = "api"\n`, code: 'DZ4030', line: 3, col: 13, single: true },
  { name: 'a domain outside its hosted zone', toml: '[deploy.domain]\nname = "shop.example.com"\nhosted_zone = "example.org"\n', code: 'DZ4031', line: 3, col: 15, single: true },
  { name: 'an upper-case domain name', toml: '[deploy.domain]\nname = "Example.com"\n', code: 'DZ4005', line: 2, col: 8, single: true },
  { name: 'an alarm email without a top-level domain', toml: '[deploy.alarms]\nemail = ["ops@example"]\n', code: 'DZ4005', line: 2, col: 10, single: true },
  { name: 'an alarm email with a display name', toml: '[deploy.alarms]\nemail = ["Ops <ops@example.com>"]\n', code: 'DZ4005', line: 2, col: 10, single: true },
  { name: 'an alarm email with two @', toml: '[deploy.alarms]\nemail = ["ops@@example.com"]\n', code: 'DZ4005', line: 2, col: 10, single: true },
  { name: 'an image URI with a space', toml: '[deploy.compute]\nimage = "my app:latest"\n', code: 'DZ4005', line: 2, col: 9, hint: 'no spaces', single: true },
  { name: 'an image with an upper-case repository', toml: '[deploy.compute]\nimage = "ghcr.io/Acme/Shop:1.2"\n', code: 'DZ4005', line: 2, col: 9, hint: 'lower case', single: true },
  { name: 'an image with a bad tag', toml: '[deploy.compute]\nimage = "nginx:-latest"\n', code: 'DZ4005', line: 2, col: 9, hint: 'a tag is', single: true },
  { name: 'an image with a short digest', toml: '[deploy.compute]\nimage = "nginx@sha256:abc123"\n', code: 'DZ4005', line: 2, col: 9, hint: '64 lower-case hex', single: true },
  { name: 'an image written as a URL', toml: '[deploy.compute]\nimage = "https://ghcr.io/acme/shop:1"\n', code: 'DZ4005', line: 2, col: 9, hint: 'no scheme', single: true },
  { name: 'a TigerBeetle version that was never released', toml: '[deploy.tigerbeetle]\nversion = "0.16.99"\n', code: 'DZ4025', line: 2, col: 11, hint: '0.16.78', single: true },
  { name: 'a TigerBeetle version before the first stable release', toml: '[deploy.tigerbeetle]\nversion = "0.14.184"\n', code: 'DZ4025', line: 2, col: 11, hint: '0.15.3', single: true },
  { name: 'a TigerBeetle version with a leading zero', toml: '[deploy.tigerbeetle]\nversion = "0.16.07"\n', code: 'DZ4005', line: 2, col: 11, single: true },
  { name: 'an ALB path pattern with a space', toml: '[deploy.services.api]\npaths = ["/api/*", "/two words"]\n', code: 'DZ4005', line: 2, col: 20, single: true },

  // ---- availability zones (DZ4060-DZ4063): the region's zones, at the key or the zone ----
  { name: 'az_count above the two zones of us-west-1', toml: '[deploy]\nregion = "us-west-1"\n\n[deploy.network]\naz_count = 3\nnat_gateways = 1\n', code: 'DZ4063', line: 5, col: 12, hint: 'az_count = 2', single: true },
  { name: 'the prod default az_count in a region of two zones, at the region', toml: '[deploy]\nregion = "us-west-1"\n', env: 'prod', code: 'DZ4063', line: 2, col: 10, hint: 'az_count = 2 and nat_gateways = 2 in [deploy.network]', single: true },
  { name: 'a prod region of two zones, while working on dev', toml: '[deploy.env.prod]\nregion = "us-west-1"\n', code: 'DZ4063', line: 2, col: 10, hint: '[deploy.env.prod.network]', single: true },
  { name: "a zone of another region, at the zone", toml: '[deploy]\nregion = "eu-west-1"\n\n[deploy.network]\navailability_zones = ["eu-west-1a", "us-east-1b"]\n', code: 'DZ4060', line: 5, col: 37, hint: 'eu-west-1a, eu-west-1b, eu-west-1c', single: true },
  { name: 'a Local Zone as an availability zone', toml: '[deploy.network]\navailability_zones = ["us-east-1a", "us-east-1-bos-1a"]\n', code: 'DZ4060', line: 2, col: 37, hint: 'Local Zones', single: true },
  { name: 'a prod list of zones outside the prod region', toml: '[deploy.env.prod]\nregion = "eu-west-1"\n\n[deploy.env.prod.network]\navailability_zones = ["eu-west-1a", "eu-west-1b", "us-east-1c"]\n', code: 'DZ4060', line: 5, col: 51, single: true },
  { name: 'three zones with az_count 2', toml: '[deploy.network]\naz_count = 2\navailability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]\n', code: 'DZ4062', line: 3, col: 22, hint: 'remove az_count', single: true },
  { name: 'a list of one zone', toml: '[deploy.network]\navailability_zones = ["us-east-1a"]\n', code: 'DZ4062', line: 2, col: 22, hint: '2 or 3 zones', single: true },
  { name: 'a list of four zones', toml: '[deploy.network]\navailability_zones = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]\n', code: 'DZ4062', line: 2, col: 22, single: true },
  { name: 'the same zone twice', toml: '[deploy.network]\navailability_zones = ["us-east-1a", "us-east-1a"]\n', code: 'DZ4007', line: 2, col: 22, single: true },
  { name: 'a zone name with a space', toml: '[deploy.network]\navailability_zones = ["us-east-1a", "us east 1b"]\n', code: 'DZ4005', line: 2, col: 37, single: true },

  // ---- a plain variable that is also a secret (DZ4028): at the variable's key ----
  { name: 'a [deploy.compute.env] name that is also a secret', toml: '[deploy.secrets]\napi_key = "ssm:/shop/api"\n\n[deploy.compute.env]\nAPI_KEY = "debug"\n', code: 'DZ4028', line: 5, col: 1, hint: 'either a plain variable or a secret', single: true },
  { name: "a service's env name that is also a secret", toml: '[deploy.secrets]\nstripe_key = "ssm:/shop/stripe"\n\n[deploy.services.api.env]\nSTRIPE_KEY = "x"\n', code: 'DZ4028', line: 5, col: 1, single: true },
  { name: 'a per-environment env name that is also a secret (prod, while on dev)', toml: '[deploy.secrets]\napi_key = "ssm:/shop/api"\n\n[deploy.env.prod.compute.env]\nAPI_KEY = "x"\n', code: 'DZ4028', line: 5, col: 1, single: true },

  // ---- malformed secret references (DZ4021): each problem its own message, never the value ----
  { name: 'an ssm: path without its leading slash', toml: '[deploy.secrets]\napi_key = "ssm:shop/prod/api"\n', code: 'DZ4021', line: 2, col: 11, hint: 'ssm:/', secret: 'shop/prod/api', single: true },
  { name: 'a Secrets Manager ARN without its six-character suffix', toml: '[deploy.secrets]\napi_key = "secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe"\n', code: 'DZ4021', line: 2, col: 11, hint: 'console', secret: 'stripe', single: true },
  { name: 'a Secrets Manager ARN without the secretsmanager: prefix', toml: '[deploy.secrets]\napi_key = "arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe-AbC123"\n', code: 'DZ4021', line: 2, col: 11, hint: 'secretsmanager:', secret: 'stripe-AbC123', single: true },
  { name: 'an SSM ARN under secretsmanager:', toml: '[deploy.secrets]\napi_key = "secretsmanager:arn:aws:ssm:us-east-1:123456789012:parameter/shop/api"\n', code: 'DZ4021', line: 2, col: 11, hint: 'ssm:', secret: 'shop/api', single: true },
  { name: 'an upper-case prefix', toml: '[deploy.secrets]\napi_key = "SSM:/shop/api"\n', code: 'DZ4021', line: 2, col: 11, hint: 'lower case', secret: 'shop/api', single: true },

  // ---- secrets (DZ4019): never echo the value ----
  { name: 'a literal password as a secret', toml: '[deploy.secrets]\ndatabase_password = "hunter2"\n', code: 'DZ4019', line: 2, col: 21, hint: 'ssm:/', secret: 'hunter2', single: true },
  { name: 'a malformed secret reference', toml: '[deploy.secrets]\napi_key = "vault:x"\n', code: 'DZ4019', line: 2, col: 11, secret: 'vault:x', single: true },
];

describe('bad dazzle.toml documents', () => {
  it('the table is large and covers every DZ40xx error and DZ0006', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
    const codes = new Set(ROWS.map((r) => r.code));
    for (const c of ['DZ0006', 'DZ4001', 'DZ4002', 'DZ4003', 'DZ4004', 'DZ4005', 'DZ4006', 'DZ4007', 'DZ4010', 'DZ4011', 'DZ4012', 'DZ4013', 'DZ4014', 'DZ4016', 'DZ4017', 'DZ4018', 'DZ4019', 'DZ4020', 'DZ4021', 'DZ4022', 'DZ4023', 'DZ4024', 'DZ4025', 'DZ4028', 'DZ4030', 'DZ4031', 'DZ4060', 'DZ4062', 'DZ4063'] as const) {
      expect(codes.has(c), c).toBe(true);
    }
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });

  it.each(ROWS.map((r) => [`${r.name} → ${r.code} at ${r.line}:${r.col}${r.env ? ` (--env ${r.env})` : ''}`, r] as const))('%s', (_title, row) => {
    const r = load(row.toml, row.env);
    expect(r.value === undefined, 'the document is refused').toBe(true);
    const errors = errorsOf(r.diagnostics);
    expect(errors.length).toBeGreaterThan(0);
    const first = errors[0] as Diagnostic;
    expect(first.code).toBe(row.code);
    expect(first.span?.file).toBe(FILE);
    expect({ line: first.span?.line, col: first.span?.col }).toEqual({ line: row.line, col: row.col });
    if (row.hint !== undefined) expect(first.hint ?? '').toMatch(row.hint);
    if (row.hintNot !== undefined) expect(first.hint ?? '').not.toContain(row.hintNot);
    if (row.messageNot !== undefined) expect(first.message).not.toContain(row.messageNot);
    if (row.single) expect(errors.map((e) => `${e.code} ${e.span?.line}:${e.span?.col} ${e.message}`)).toHaveLength(1);
    if (row.secret !== undefined) {
      for (const d of r.diagnostics) {
        expect(d.message).not.toContain(row.secret);
        expect(d.hint ?? '').not.toContain(row.secret);
      }
    }
  });

  it('an override conflict in [deploy.env.prod] is an error while working on dev too, at its line, once', () => {
    const toml = '[deploy.compute]\ncpu = 256\n\n[deploy.env.prod.compute]\nmemory = 4096\n';
    for (const env of [undefined, 'dev', 'staging', 'prod'] as const) {
      const r = load(toml, env);
      expect(r.value, String(env)).toBeUndefined();
      expect(errorsOf(r.diagnostics).map((d) => [d.code, d.span?.line, d.span?.col]), String(env)).toEqual([['DZ4010', 5, 10]]);
      // Another environment's problem says which environment it is in.
      expect(errorsOf(r.diagnostics)[0]?.message.includes("(in environment 'prod')"), String(env)).toBe(env !== 'prod');
    }
    expect(errorsOf(load(`[deploy]\nenvironment = "prod"\n${toml}`).diagnostics)[0]).toMatchObject({ code: 'DZ4010', span: { line: 7, col: 10 } });
  });

  it('the same problem in two environments tables is reported at each line; a problem of [deploy] itself only in its environment', () => {
    const toml = '[deploy.env.staging.compute]\nmin_count = 5\nmax_count = 3\n\n[deploy.env.prod.compute]\nmin_count = 5\nmax_count = 3\n';
    expect(errorsOf(load(toml, 'dev').diagnostics).map((d) => [d.code, d.span?.line])).toEqual([
      ['DZ4011', 2],
      ['DZ4011', 6],
    ]);
    // nat_gateways = 3 in [deploy] is wrong for dev (2 zones) but right for prod (3): reported when dev is checked, not while working on prod.
    const base = '[deploy.network]\nnat_gateways = 3\n\n[deploy.env.prod.compute]\ndesired_count = 4\n';
    expect(errorsOf(load(base, 'prod').diagnostics)).toEqual([]);
    expect(errorsOf(load(base, 'dev').diagnostics).map((d) => d.code)).toEqual(['DZ4012']);
  });
});

describe('documents that load, with notes', () => {
  it('a file without [deploy] loads with exactly one DZ4000 note', () => {
    const r = load('[project]\nname = "shop"\n\n[modules]\npaths = ["./dsl"]\n');
    expect(r.value).toBeDefined();
    expect(r.value?.hasDeployTable).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['DZ4000', 'note']]);
    expect(r.diagnostics[0]?.span).toMatchObject({ file: FILE, line: 1, col: 1 });
  });

  it('an empty file and no file each load with one DZ4000 note', () => {
    expect(load('').diagnostics.map((d) => d.code)).toEqual(['DZ4000']);
    const none = load(undefined);
    expect(none.value).toBeDefined();
    expect(none.diagnostics.map((d) => d.code)).toEqual(['DZ4000']);
    expect(none.diagnostics[0]?.span).toBeUndefined();
  });

  it('volume_iops above gp3 switches to io2 with a DZ4015 note and no error', () => {
    const r = load('[deploy.tigerbeetle]\nvolume_size_gb = 100\nvolume_iops = 20000\n');
    expect(r.value?.deploy.tigerbeetle).toMatchObject({ volume_size_gb: 100, volume_iops: 20000 });
    expect(errorsOf(r.diagnostics)).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ4015']);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'note', span: { file: FILE, line: 3, col: 15 } });
  });

  it('gp3 at 16000 IOPS on 50 GiB is allowed (gp3 allows 500 IOPS per GiB: 32 GiB suffice)', () => {
    const r = load('[deploy.tigerbeetle]\nvolume_size_gb = 50\nvolume_iops = 16000\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.deploy.tigerbeetle).toMatchObject({ volume_size_gb: 50, volume_iops: 16000 });
  });

  it('two TigerBeetle replicas load with a DZ4027 warning at node_count (no fault tolerance; preflight makes it critical)', () => {
    const r = load('[deploy.tigerbeetle]\nnode_count = 2\n', 'prod');
    expect(r.value?.deploy.tigerbeetle.node_count).toBe(2);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line, d.span?.col])).toEqual([['DZ4027', 'warning', 2, 14]]);
    expect(r.diagnostics[0]?.hint).toMatch(/\b3 replicas\b/);
    // Not when TigerBeetle is off, and not for 1 or 3.
    expect(load('[deploy.tigerbeetle]\nenabled = false\nnode_count = 2\n').diagnostics).toEqual([]);
    for (const n of [1, 3]) expect(load(`[deploy.tigerbeetle]\nnode_count = ${n}\n`).diagnostics).toEqual([]);
    // In [deploy.env.prod], while working on dev: reported, for prod.
    const elsewhere = load('[deploy.env.prod.tigerbeetle]\nnode_count = 2\n', 'dev');
    expect(elsewhere.value).toBeDefined();
    expect(elsewhere.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([['DZ4027', 2, 14]]);
    expect(elsewhere.diagnostics[0]?.message).toContain("(in environment 'prod')");
  });

  it('the TigerBeetle releases: the default and every known one load; one newer than the bundled list is a DZ4026 warning', () => {
    expect(tigerBeetleRelease(BASE_DEFAULTS.tigerbeetle.version)).toBe('known');
    for (const v of ['0.15.3', '0.15.6', '0.16.0', '0.16.7', '0.16.39', '0.16.67', '0.16.78', '0.17.0', '0.17.9']) expect(load(`[deploy.tigerbeetle]\nversion = "${v}"\n`).diagnostics, v).toEqual([]);
    const newer = load('[deploy.tigerbeetle]\nversion = "0.18.0"\n');
    expect(newer.value?.deploy.tigerbeetle.version).toBe('0.18.0');
    expect(newer.diagnostics.map((d) => [d.code, d.severity, d.span?.line, d.span?.col])).toEqual([['DZ4026', 'warning', 2, 11]]);
  });

  it('a plain variable shaped or named like a secret loads with a DZ4029 warning at its key, which never repeats the value', () => {
    const r = load('[deploy.compute.env]\nLOG_LEVEL = "debug"\nSTRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\nDB_PASSWORD = "hunter2hunter2"\nTOKEN_URL = "https://auth.example.com/token"\nPASSWORD_MIN = "12"\n');
    expect(r.value).toBeDefined();
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line, d.span?.col])).toEqual([
      ['DZ4029', 'warning', 3, 1],
      ['DZ4029', 'warning', 4, 1],
    ]);
    for (const d of r.diagnostics) expect(`${d.message} ${d.hint}`).not.toMatch(/sk_live|hunter2/);
  });

  it('the accepted forms: secret references by path, plain name and full ARN; images; emails; ALB paths; multi-line env values; a /20 VPC in prod', () => {
    const r = load(
      [
        '[deploy.secrets]',
        'a = "ssm:/shop/prod/a"',
        'b = "ssm:plain_name"',
        'c = "ssm:arn:aws:ssm:eu-west-1:123456789012:parameter/shared/c"',
        'd = "secretsmanager:shop/prod/d"',
        'e = "secretsmanager:shop/prod/db:password"',
        'f = "secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/f-AbC123"',
        'g = "secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/g-AbC123:password"',
        '[deploy.services.api]',
        'image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:1.4.2"',
        'paths = ["/api/*", "/v1/orders?", "/a-b_c.d/$x/~y/@z:+&"]',
        '[deploy.services.web]',
        `image = "GHCR.io/acme-corp/shop@sha256:${'a'.repeat(64)}"`,
        '[deploy.services.local]',
        'image = "localhost:5000/shop__x/web-app:v1.2_3"',
        '[deploy.compute.env]',
        'CERT_CHAIN = "line one\\nline two\\tand a tab"',
        'HEX = "0x10"',
        '[deploy.alarms]',
        "email = [\"ops+alerts@example.co.uk\", \"o'brien@mail.example.com\"]",
        '[deploy.network]',
        'vpc_cidr = "10.1.0.0/20"',
        '[deploy.domain]',
        'name = "shop.example.com"',
        'hosted_zone = "example.com"',
      ].join('\n'),
      'prod',
    );
    expect(r.diagnostics).toEqual([]);
    // A string stays a string: "0x10" is not 16.
    expect(r.value?.deploy.compute.env.HEX).toBe('0x10');
    expect(r.value?.deploy.compute.env.CERT_CHAIN).toBe('line one\nline two\tand a tab');
  });

  it('three NAT gateways are fine in prod, which has three AZs', () => {
    const r = load('[deploy.network]\nnat_gateways = 3\n', 'prod');
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.deploy.network).toMatchObject({ az_count: 3, nat_gateways: 3 });
  });
});

interface CliRow {
  readonly name: string;
  readonly toml: string;
  readonly env?: Environment;
  readonly code: DiagnosticCode;
  readonly line: number;
  readonly col: number;
  /** A value from the file that must not appear in the output. */
  readonly secret?: string;
}

const CLI_ROWS: readonly CliRow[] = [
  { name: 'impossible Fargate pair', toml: '[deploy.compute]\ncpu = 256\nmemory = 4096\n', code: 'DZ4010', line: 3, col: 10 },
  { name: 'unknown key memroy', toml: '[deploy.compute]\ncpu = 512\nmemroy = 1024\n', code: 'DZ4001', line: 3, col: 1 },
  { name: 'override conflict with --env prod', toml: '[deploy.compute]\ncpu = 256\n\n[deploy.env.prod.compute]\nmemory = 4096\n', env: 'prod', code: 'DZ4010', line: 5, col: 10 },
  { name: 'a literal password, never printed', toml: '[deploy.secrets]\ndatabase_password = "hunter2"\n', code: 'DZ4019', line: 2, col: 21, secret: 'hunter2' },
];

describe('bad dazzle.toml through the CLI', () => {
  it.each(CLI_ROWS.map((r) => [`${r.name}: exit 2, dazzle.toml:${r.line}:${r.col} - error ${r.code}`, r] as const))('%s', (_title, row) => {
    const dir = tempProject({ 'dazzle.toml': row.toml, 'dsl/app.dsl': 'app t "T"\n' });
    const env = row.env ? ['--env', row.env] : [];
    for (const args of [['config', 'show', '-p', dir, ...env], ['check', '-p', dir, ...env]]) {
      const r = runCli(args);
      const what = args.slice(0, 2).join(' ');
      expect(r.code, what).toBe(2);
      expect(r.stderr, what).toContain(`dazzle.toml:${row.line}:${row.col} - error ${row.code}`);
      expect(r.stderr, what).not.toMatch(STACK_TRACE);
      expect(r.stdout, what).toBe('');
      if (row.secret !== undefined) expect(r.stderr + r.stdout, `${what} prints the secret`).not.toContain(row.secret);
    }
  });
});
