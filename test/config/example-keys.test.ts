/**
 * No key of dazzle.toml.example is accepted and then silently ignored: the test walks every key
 * of the example (the commented ones included), writes a different valid value for it (with
 * what makes it apply: a key of [deploy.kafka] needs Kafka enabled), and checks that the plan or
 * the generated app changes. A key that changes neither must be documented here as what it is:
 * plan-only, or refused by generate (DZ7001) until dazzle builds what it asks for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProject } from '../../src/cli/io.js';
import { loadConfig, parseTomlText } from '../../src/config/index.js';
import { emitApp } from '../../src/emit/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { buildPlan, type DeploymentPlan } from '../../src/plan/index.js';
import { frontEnd } from '../../src/project/index.js';
import { REPO } from '../helpers.js';

/** Every key of the example, as a dotted path under [deploy] (commented keys included). */
function exampleKeys(): string[] {
  const text = readFileSync(join(REPO, 'dazzle.toml.example'), 'utf8');
  // Uncomment `# key = value` lines (documentation lines have no ` = ` after a bare key), except in the
  // commented-out example tables ([deploy.services.<name>], [deploy.env.<name>.…]), whose keys are the tables' own.
  let example = false;
  const uncommented = text
    .split('\n')
    .flatMap((l) => {
      if (/^# \[/.test(l)) example = true;
      else if (/^\[/.test(l)) example = false;
      return example || !/^# [a-z_]+ = /.test(l) ? [l] : [l.slice(2)];
    })
    .join('\n');
  const doc = parseTomlText('dazzle.toml.example', uncommented).value as { deploy: Record<string, unknown> };
  const out: string[] = [];
  const walk = (prefix: string, v: Record<string, unknown>) => {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'object' && x !== null && !Array.isArray(x) && !['env', 'secrets', 'variable_names'].includes(k)) walk(`${prefix}${k}.`, x as Record<string, unknown>);
      else out.push(`${prefix}${k}`);
    }
  };
  walk('', doc.deploy);
  return out.sort();
}

/** A different valid value for a key, as TOML lines under [deploy], with what makes the key apply. */
interface Variant {
  readonly toml: string;
  /** Lines both sides get (the context the key applies in). */
  readonly context?: string;
  /** The project: the ledger example, or the Casty example (an EC2 node group is the whole web tier). */
  readonly base?: 'nodes';
}

const KAFKA = '[deploy.kafka]\nenabled = true\n';
const DOMAIN = '[deploy.domain]\nname = "example.com"\n';
const EC2 = '[deploy.compute]\nruntime = "ec2"\n';
const API = '[deploy.api_gateway]\nenabled = true\n';

const VARIANTS: Readonly<Record<string, Variant>> = {
  enabled: { toml: '[deploy]\nenabled = false\n' },
  environment: { toml: '[deploy]\nenvironment = "prod"\n' },
  region: { toml: '[deploy]\nregion = "eu-west-1"\n' },
  output: { toml: '[deploy]\noutput = "cdk"\n' },
  'network.vpc_cidr': { toml: '[deploy.network]\nvpc_cidr = "10.1.0.0/16"\n' },
  'network.az_count': { toml: '[deploy.network]\naz_count = 3\n' },
  'network.availability_zones': { toml: '[deploy.network]\navailability_zones = ["us-east-1b", "us-east-1c"]\n' },
  'network.nat_gateways': { toml: '[deploy.network]\nnat_gateways = 2\n' },
  'network.namespace': { toml: '[deploy.network]\nnamespace = "app.local"\n' },
  'compute.runtime': { toml: EC2 },
  'compute.cpu': { toml: '[deploy.compute]\ncpu = 1024\nmemory = 2048\n', context: '[deploy.compute]\nmemory = 2048\n' },
  'compute.memory': { toml: '[deploy.compute]\nmemory = 2048\n' },
  'compute.desired_count': { toml: '[deploy.compute]\ndesired_count = 2\n' },
  'compute.min_count': { toml: '[deploy.compute]\ndesired_count = 2\nmax_count = 4\nmin_count = 2\n', context: '[deploy.compute]\ndesired_count = 2\nmax_count = 4\n' },
  'compute.env': { toml: '[deploy.compute.env]\nFEATURE_FLAGS = "beta"\n' },
  secrets: { toml: '[deploy.secrets]\napi_key = "ssm:/ledger/api-key"\n' },
  'preflight.acknowledge': { toml: '[[deploy.preflight.acknowledge]]\nrule = "LB_PLAIN_HTTP"\nreason = "The example has no domain of its own"\n' },
  'compute.max_count': { toml: '[deploy.compute]\nmax_count = 5\n' },
  'compute.cpu_target': { toml: '[deploy.compute]\ncpu_target = 50\n' },
  'compute.port': { toml: '[deploy.compute]\nport = 9000\n' },
  'compute.health_check_path': { toml: '[deploy.compute]\nhealth_check_path = "/ready"\n' },
  'compute.image': { toml: '[deploy.compute]\nimage = "nginx:1.27"\n' },
  'compute.dockerfile': { toml: '[deploy.compute]\ndockerfile = "Dockerfile.web"\n' },
  'compute.paths': { toml: '[deploy.compute]\npaths = ["/api/*"]\n', context: '[deploy.services.web]\n[deploy.services.admin]\npaths = ["/admin/*"]\n' },
  'compute.instance_type': { toml: `${EC2}instance_type = "t3.medium"\n`, context: EC2, base: 'nodes' },
  'compute.node_count': { toml: `${EC2}node_count = 3\n`, context: EC2, base: 'nodes' },
  'compute.ip_offset': { toml: `${EC2}ip_offset = 20\n`, context: EC2, base: 'nodes' },
  'compute.peer_ports': { toml: `${EC2}peer_ports = [25520]\n`, context: EC2, base: 'nodes' },
  'compute.public_ports': { toml: `${EC2}public_ports = [4001]\n`, context: EC2, base: 'nodes' },
  'compute.volume_size_gb': { toml: `${EC2}volume_size_gb = 50\n`, context: EC2, base: 'nodes' },
  'compute.ssh_cidr': { toml: `${EC2}ssh_cidr = "203.0.113.0/24"\n`, context: EC2, base: 'nodes' },
  'compute.key_name': { toml: `${EC2}ssh_cidr = "203.0.113.0/24"\nkey_name = "ops"\n`, context: `${EC2}ssh_cidr = "203.0.113.0/24"\n`, base: 'nodes' },
  'compute.artifact': { toml: `${EC2}artifact = "s3://builds/node.tar.gz"\ncommand = "bin/node"\n`, context: EC2, base: 'nodes' },
  'compute.command': { toml: `${EC2}artifact = "s3://builds/node.tar.gz"\ncommand = "bin/other"\n`, context: `${EC2}artifact = "s3://builds/node.tar.gz"\ncommand = "bin/node"\n`, base: 'nodes' },
  'compute.snapshot_retention_days': { toml: `${EC2}volume_size_gb = 50\nsnapshot_retention_days = 7\n`, context: `${EC2}volume_size_gb = 50\n`, base: 'nodes' },
  'compute.private_dns': { toml: `${EC2}private_dns = "nodes.internal"\n`, context: EC2, base: 'nodes' },
  'compute.seed_addresses': { toml: `${EC2}node_count = 3\nseed_addresses = ["10.0.3.10"]\n`, context: `${EC2}node_count = 3\n`, base: 'nodes' },
  'compute.backup_retention_days': { toml: `${EC2}backup_retention_days = 30\n`, context: EC2, base: 'nodes' },
  'compute.ami': { toml: `${EC2}ami = "ami-0123456789abcdef0"\n`, context: EC2, base: 'nodes' },
  'compute.variable_names': { toml: `${EC2}[deploy.compute.variable_names]\nPORT = "HTTP_PORT"\n`, context: EC2, base: 'nodes' },
  'database.mode': { toml: '[deploy.database]\nmode = "provisioned"\n' },
  'database.engine_version': { toml: '[deploy.database]\nengine_version = "16.4"\n' },
  'database.instance_class': { toml: '[deploy.database]\nmode = "provisioned"\ninstance_class = "db.r6g.xlarge"\n', context: '[deploy.database]\nmode = "provisioned"\n' },
  'database.storage_gb': { toml: '[deploy.database]\nmode = "provisioned"\nstorage_gb = 100\n', context: '[deploy.database]\nmode = "provisioned"\n' },
  'database.min_acu': { toml: '[deploy.database]\nmin_acu = 1\n' },
  'database.max_acu': { toml: '[deploy.database]\nmax_acu = 8\n' },
  'database.readers': { toml: '[deploy.database]\nreaders = 1\n' },
  'database.backup_retention_days': { toml: '[deploy.database]\nbackup_retention_days = 3\n' },
  'database.deletion_protection': { toml: '[deploy.database]\ndeletion_protection = true\n' },
  'database.removal_policy': { toml: '[deploy.database]\nremoval_policy = "retain"\n' },
  'tigerbeetle.enabled': { toml: '[deploy.tigerbeetle]\nenabled = false\n' },
  'tigerbeetle.version': { toml: '[deploy.tigerbeetle]\nversion = "0.16.0"\n' },
  'tigerbeetle.cluster_id': { toml: '[deploy.tigerbeetle]\ncluster_id = 7\n' },
  'tigerbeetle.size': { toml: '[deploy.tigerbeetle]\nsize = "r6i.xlarge"\n' },
  'tigerbeetle.node_count': { toml: '[deploy.tigerbeetle]\nnode_count = 3\n' },
  'tigerbeetle.volume_size_gb': { toml: '[deploy.tigerbeetle]\nvolume_size_gb = 200\n' },
  'tigerbeetle.volume_iops': { toml: '[deploy.tigerbeetle]\nvolume_iops = 4000\n' },
  'tigerbeetle.volume_throughput': { toml: '[deploy.tigerbeetle]\nvolume_throughput = 200\n' },
  'tigerbeetle.ami': { toml: '[deploy.tigerbeetle]\nami = "ami-0123456789abcdef0"\n' },
  'cache.enabled': { toml: '[deploy.cache]\nenabled = false\n' },
  'cache.engine': { toml: '[deploy.cache]\nengine = "redis"\n' },
  'cache.node_type': { toml: '[deploy.cache]\nnode_type = "cache.t4g.medium"\n' },
  'cache.replicas': { toml: '[deploy.cache]\nreplicas = 2\n' },
  'kafka.enabled': { toml: KAFKA },
  'kafka.broker_count': { toml: `${KAFKA}broker_count = 4\n`, context: KAFKA },
  'kafka.instance_type': { toml: `${KAFKA}instance_type = "kafka.m5.xlarge"\n`, context: KAFKA },
  'kafka.version': { toml: `${KAFKA}version = "3.7.0"\n`, context: KAFKA },
  'kafka.volume_size_gb': { toml: `${KAFKA}volume_size_gb = 200\n`, context: KAFKA },
  'kafka.partitions': { toml: `${KAFKA}partitions = 12\n`, context: KAFKA },
  'kafka.replication_factor': { toml: `${KAFKA}replication_factor = 1\n`, context: KAFKA },
  'domain.name': { toml: DOMAIN },
  'domain.subdomain': { toml: `${DOMAIN}subdomain = "www"\n`, context: DOMAIN },
  'domain.hosted_zone': { toml: '[deploy.domain]\nname = "app.example.com"\nhosted_zone = "example.com"\nhosted_zone_id = "Z0123456789ABCDEFGHIJ"\n', context: '[deploy.domain]\nname = "app.example.com"\nhosted_zone_id = "Z0123456789ABCDEFGHIJ"\n' },
  'domain.hosted_zone_id': { toml: `${DOMAIN}hosted_zone_id = "Z0123456789ABCDEFGHIJ"\n`, context: DOMAIN },
  'domain.certificate_arn': { toml: `${DOMAIN}certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"\n`, context: DOMAIN },
  'alarms.email': { toml: '[deploy.alarms]\nemail = ["ops@example.com"]\n' },
  'alarms.sns_topic_arn': { toml: '[deploy.alarms]\nsns_topic_arn = "arn:aws:sns:us-east-1:123456789012:alarms"\n' },
  'logs.retention_days': { toml: '[deploy.logs]\nretention_days = 14\n' },
  'storage.versioning': { toml: '[deploy.storage]\nversioning = false\n' },
  'storage.removal_policy': { toml: '[deploy.storage]\nremoval_policy = "retain"\n' },
  'frontend.source_dir': { toml: '[deploy.frontend]\nsource_dir = "web/dist"\n' },
  'frontend.subdomain': { toml: '[deploy.frontend]\nsource_dir = "web/dist"\nsubdomain = "www"\n', context: '[deploy.frontend]\nsource_dir = "web/dist"\n' },
  'frontend.spa': { toml: '[deploy.frontend]\nsource_dir = "web/dist"\nspa = true\n', context: '[deploy.frontend]\nsource_dir = "web/dist"\n' },
  'api_gateway.enabled': { toml: API },
  'api_gateway.throttling_rate_limit': { toml: `${API}throttling_rate_limit = 500\n`, context: API },
  'api_gateway.throttling_burst_limit': { toml: `${API}throttling_burst_limit = 100\n`, context: API },
};

/** Keys that change neither the plan nor the app, and why (each documented as such in dazzle.toml.example or the README). */
const NEITHER: Readonly<Record<string, string>> = {
  // Acknowledgements are not deployment settings: they change what preflight reports, never the app (README, Preflight).
  'preflight.acknowledge': 'not a deployment setting (preflight)',
};

const specOf = (example: string) => frontEnd(readProject(join(REPO, 'examples', example), REPO).dsl).value.spec;
const SPECS = { ledger: specOf('ledger-app'), nodes: specOf('casty-cluster') };

/** Merge TOML fragments: a table written twice becomes one (TOML forbids repeating a header). */
function merge(...parts: string[]): string {
  const tables = new Map<string, string[]>();
  let current = '';
  for (const line of parts.join('\n').split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) {
      current = header[1] ?? '';
      if (!tables.has(current)) tables.set(current, []);
      continue;
    }
    if (!line.trim()) continue;
    const lines = tables.get(current) ?? [];
    const key = line.split('=')[0]?.trim();
    // A later value of a key replaces an earlier one.
    const at = lines.findIndex((l) => l.split('=')[0]?.trim() === key);
    if (at >= 0) lines[at] = line;
    else lines.push(line);
    tables.set(current, lines);
  }
  return [...tables].map(([t, lines]) => `[${t}]\n${lines.join('\n')}\n`).join('\n');
}

/** The plan and the generated files of the base project with this dazzle.toml. */
function outcome(toml: string, base: Variant['base']): { plan: string; app: string; refused: string[] } {
  const spec = SPECS[base ?? 'ledger'];
  // The ledger example with a session store (a cache); the Casty example as it is.
  const loaded = loadConfig({ path: 'dazzle.toml', text: merge(base ? '[deploy]\nregion = "us-east-1"\n' : '[auth]\nprovider = "session"\n[deploy]\nregion = "us-east-1"\n', toml) });
  if (!loaded.value || !spec) throw new Error(`does not load: ${loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}\n${toml}`);
  const lowered = lowerToRequirements(spec, loaded.value);
  if (!lowered.value) {
    const codes = lowered.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    return { plan: `refused ${codes.join(',')}`, app: '', refused: codes };
  }
  const plan: DeploymentPlan = buildPlan(lowered.value, loaded.value);
  const app = emitApp({ plan, projectRoot: '.', outDir: loaded.value.deploy.output, projectFromOut: '..', inputsChecksum: '0'.repeat(64), generatedAt: '2026-01-01T00:00:00Z' });
  return { plan: JSON.stringify(plan), app: app.value ? JSON.stringify([...app.value.files].filter(([f]) => f !== '.dazzle-infra-version.json')) : '', refused: app.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) };
}

describe('every key of dazzle.toml.example', () => {
  const keys = exampleKeys();

  it('is walked: each has a variant here (a new key needs a decision)', () => {
    expect(keys.length).toBeGreaterThan(60);
    expect(keys.filter((k) => !VARIANTS[k])).toEqual([]);
    expect(Object.keys(VARIANTS).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it.each(keys.map((k) => [k] as const))('%s changes the plan or the generated app, or is documented as neither', (key) => {
    const v = VARIANTS[key];
    if (!v) throw new Error(`no variant for ${key}`);
    const before = outcome(v.context ?? '', v.base);
    const after = outcome(merge(v.context ?? '', v.toml), v.base);
    const changed = before.plan !== after.plan || before.app !== after.app;
    if (NEITHER[key]) {
      // Documented: it changes neither (or generate refuses it); never silently.
      if (NEITHER[key]?.startsWith('refused')) expect(after.refused).toContain('DZ7001');
      else expect(changed).toBe(false);
    } else {
      expect(changed, `${key} = … changed nothing`).toBe(true);
      // Changed because the plan is refused as not generated yet would be acceptance in name only.
      expect(after.plan, `${key} is refused as not generated (DZ7001)`).not.toMatch(/^refused .*DZ7001/);
    }
  });
});
