/**
 * EC2 node groups at plan time: nodes spread over the zones at fixed hosts, a node on a TigerBeetle
 * replica's address (DZ5100), a node group beside what only the Compute stack runs (DZ5101), and
 * an app needing what the nodes are not given (DZ5102), each at its line; the plan shows every node
 * with its address and cost, and lists for the nodes only the variables they receive.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { lowerToRequirements, plannedNames } from '../../src/lower/index.js';
import { buildPlan } from '../../src/plan/index.js';
import { APP, checkTexts } from '../helpers.js';

function lower(dsl: string, toml: string) {
  const front = checkTexts({ 'dsl/app.dsl': dsl });
  const config = loadConfig({ path: 'dazzle.toml', text: toml });
  expect(config.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!front.value.spec || !config.value) throw new Error('bad fixture');
  return { r: lowerToRequirements(front.value.spec, config.value), config: config.value };
}

const GROUP = '[deploy.services.nodes]\nruntime = "ec2"\nimage = "nginx:1.27"\nnode_count = 3\n';
const LEDGER = 'ledger Wallet "Wallet":\n  account_code: 1001\n  ledger_id: 1\n  account_type: asset\n  currency: GBP\n';

describe('node groups in the plan', () => {
  it('spreads the nodes over the zones and shows each with its address, zone and cost', () => {
    const { r, config } = lower(APP, GROUP);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = buildPlan(r.value as NonNullable<typeof r.value>, config);
    const stack = plan.stacks.find((s) => s.name === 'Nodes');
    const nodes = stack?.resources.filter((x) => /^Node\d+$/.test(x.id)) ?? [];
    expect(nodes.map((n) => [n.id, n.params.find(([k]) => k === 'address')?.[1], n.params.find(([k]) => k === 'availability zone')?.[1]])).toEqual([
      ['Node0', '10.0.2.10', '#1'],
      ['Node1', '10.0.3.10', '#2'],
      ['Node2', '10.0.2.11', '#1'],
    ]);
    for (const n of nodes) expect(n.cost?.low).toBeGreaterThan(0);
    // Only node groups: no Compute stack (the node group has its own load balancer).
    expect(plan.stacks.map((s) => s.name)).toEqual(['Network', 'Nodes', 'Observability']);
    expect(plan.services).toEqual([expect.objectContaining({ name: 'nodes', role: 'nodes' })]);
    expect(plan.services[0]?.variables.find((v) => v.name === 'SEED_IPS')).toEqual({ name: 'SEED_IPS', kind: 'value', value: '10.0.2.10' });
  });

  it("builds a node group's image from the Dockerfile with cdk deploy: no Images stack, in the plan and in the name checks", () => {
    const { r, config } = lower(APP, GROUP.replace('image = "nginx:1.27"\n', ''));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = buildPlan(r.value as NonNullable<typeof r.value>, config);
    expect(plan.aws.nodeGroups[0]?.run).toEqual({ kind: 'asset', dockerfile: 'Dockerfile' });
    expect(plan.aws.images).toBeNull();
    expect(plan.stacks.map((s) => s.name)).toEqual(['Network', 'Nodes', 'Observability']);
    const stacks = plannedNames(r.value as NonNullable<typeof r.value>, config).filter((n) => n.kind === 'CloudFormation stack').map((n) => n.what);
    expect(stacks).toEqual(['the Network stack', 'the Nodes stack', 'the Compute stack', 'the Observability stack']);
  });

  it('passes the generated variables under the names variable_names gives them, a peer port under its name, and the plan shows them', () => {
    const names = '[deploy.services.nodes.variable_names]\nPORT = "HTTP_PORT"\nPEER_PORT_25520 = "CASTY_PORT"\nNODE_ADDRESS = []\nPEER_IPS = []\nSEED_IPS = ["SEED_IPS", "SEEDS"]\n';
    const { r, config } = lower(APP, `${GROUP}peer_ports = [25520]\n${names}`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = buildPlan(r.value as NonNullable<typeof r.value>, config);
    expect(plan.services[0]?.variables.map((v) => [v.name, v.kind === 'value' ? v.value : v.from])).toEqual([
      ['CASTY_PORT', '25520 (PEER_PORT_25520)'],
      ['DAZZLE_ENV', 'dev'],
      ['DAZZLE_PROCESS', 'web'],
      ['HTTP_PORT', '8000 (PORT)'],
      ['NODE_COUNT', '3'],
      ['NODE_INDEX', "0..2 (the node's position)"],
      ['SEEDS', '10.0.2.10 (SEED_IPS)'],
      ['SEED_IPS', '10.0.2.10'],
    ]);
  });

  it('a node on a TigerBeetle replica address is DZ5100 at ip_offset', () => {
    const { r } = lower(`${APP}${LEDGER}`, `${GROUP}ip_offset = 10\n`);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([['DZ5100', 5, 13]]);
    expect(r.diagnostics[0]?.hint).toContain('ip_offset = 11');
  });

  it('above the replicas the node group plans', () => {
    const { r } = lower(`${APP}${LEDGER}`, `${GROUP}ip_offset = 20\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('a node group beside a Fargate service is DZ5101 at its runtime line', () => {
    const { r } = lower(APP, `${GROUP}\n[deploy.services.api]\nport = 8080\n`);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([['DZ5101', 2, 11]]);
    expect(r.diagnostics[0]?.message).toContain("the Fargate service 'api'");
  });

  it('delivers [deploy.secrets] to the nodes: the group plans, the secrets shown by name and reference only', () => {
    const { r, config } = lower(APP, `[deploy.secrets]\nnode_key = "ssm:/app/prod/node-key"\nrpc_token = "secretsmanager:app/prod/rpc:token"\n\n${GROUP}`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = buildPlan(r.value as NonNullable<typeof r.value>, config);
    expect(plan.stacks.map((s) => s.name)).toEqual(['Network', 'Nodes', 'Observability']);
    expect(plan.aws.nodeGroups[0]?.secrets).toEqual([
      { env: 'NODE_KEY', ref: 'ssm:/app/prod/node-key' },
      { env: 'RPC_TOKEN', ref: 'secretsmanager:app/prod/rpc:token' },
    ]);
    expect(plan.services[0]?.variables.filter((v) => v.kind === 'secret')).toEqual([
      { name: 'NODE_KEY', kind: 'secret', from: 'ssm:/app/prod/node-key' },
      { name: 'RPC_TOKEN', kind: 'secret', from: 'secretsmanager:app/prod/rpc:token' },
    ]);
  });

  it('a secret the app reads that [deploy.secrets] does not supply (one dazzle would create) is still DZ5101 beside a node group', () => {
    const llm = 'llm_model fast "Fast":\n  provider: anthropic\n  model_id: claude-3-haiku\n';
    const { r } = lower(`${APP}${llm}`, GROUP);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DZ5101']);
    expect(r.diagnostics.find((d) => d.code === 'DZ5101')?.message).toContain('ANTHROPIC_API_KEY');
  });

  it('a node group beside the worker (a queue channel) is DZ5101', () => {
    const queue = 'channel jobs "Jobs":\n  kind: queue\n';
    const { r } = lower(`${APP}${queue}`, GROUP);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ5101']);
    expect(r.diagnostics[0]?.message).toContain('the worker');
  });

  it('an app with a database, a bucket and a ledger beside a node group plans: the nodes receive every variable the plan lists for them', () => {
    const dsl = `${APP}entity Doc "Doc":\n  id: uuid pk\n  scan: file storage=scans\n${LEDGER}`;
    const { r, config } = lower(dsl, `${GROUP}ip_offset = 20\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = buildPlan(r.value as NonNullable<typeof r.value>, config);
    const g = plan.aws.nodeGroups[0];
    expect(g?.database?.generatedCredentials).toEqual([
      { env: 'DATABASE_USER', jsonKey: 'username' },
      { env: 'DATABASE_PASSWORD', jsonKey: 'password' },
      { env: 'PGPASSWORD', jsonKey: 'password' },
    ]);
    expect(Object.keys(g?.database?.endpointVariables ?? {})).toEqual(['DATABASE_HOST', 'DATABASE_URL']);
    expect(g?.buckets).toEqual([{ name: 'scans', env: 'BUCKET_SCANS' }]);
    const own = new Set(g?.variableNames.flatMap((v) => v.names));
    const received = [...Object.keys(g?.appVariables ?? {}), ...Object.keys(g?.database?.endpointVariables ?? {}), ...(g?.database?.generatedCredentials.map((c) => c.env) ?? []), ...(g?.buckets.map((b) => b.env) ?? [])];
    expect(plan.services[0]?.variables.filter((v) => !own.has(v.name)).map((v) => v.name)).toEqual([...received].sort());
  });

  it('with readers and [deploy.secrets] database_password, the nodes receive the reader endpoints and both password variables from the reference', () => {
    const dsl = `${APP}entity Doc "Doc":\n  id: uuid pk\n`;
    const { r, config } = lower(dsl, `[deploy.database]\nreaders = 1\n\n[deploy.secrets]\ndatabase_password = "ssm:/app/dev/db-password"\n\n${GROUP}`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = buildPlan(r.value as NonNullable<typeof r.value>, config);
    const g = plan.aws.nodeGroups[0];
    expect(g?.database?.generatedCredentials).toEqual([]);
    expect(g?.database?.readerEndpoint).toBe(true);
    expect(g?.secrets).toEqual([
      { env: 'DATABASE_PASSWORD', ref: 'ssm:/app/dev/db-password' },
      { env: 'PGPASSWORD', ref: 'ssm:/app/dev/db-password' },
    ]);
    const own = new Set(g?.variableNames.flatMap((v) => v.names));
    const received = [...Object.keys(g?.appVariables ?? {}), ...Object.keys(g?.database?.endpointVariables ?? {}), ...(g?.secrets.map((x) => x.env) ?? [])];
    expect(plan.services[0]?.variables.filter((v) => !own.has(v.name)).map((v) => v.name)).toEqual([...received].sort());
    expect(received).toEqual(expect.arrayContaining(['DATABASE_READER_HOST', 'DATABASE_WRITER_URL', 'DATABASE_READER_URL', 'DATABASE_USER']));
  });

  it('an event bus beside a node group is DZ5102 at the channel', () => {
    const bus = 'channel news "News":\n  kind: stream\n';
    const { r } = lower(`${APP}${bus}`, GROUP);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.span?.line])).toEqual([['DZ5102', 3]]);
  });

  it("with a ledger, the plan lists for the nodes DAZZLE_ENV, DAZZLE_PROCESS and TigerBeetle, which the Nodes stack passes, and the replicas' port", () => {
    const { r, config } = lower(`${APP}${LEDGER}`, `${GROUP}ip_offset = 20\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plan = buildPlan(r.value as NonNullable<typeof r.value>, config);
    const g = plan.aws.nodeGroups[0];
    expect(g?.appVariables).toEqual({ DAZZLE_ENV: 'dev', DAZZLE_PROCESS: 'web', TIGERBEETLE_ADDRESSES: '10.0.2.10:3000', TIGERBEETLE_CLUSTER_ID: String(config.deploy.tigerbeetle.cluster_id) });
    expect(g?.tigerBeetleClientPort).toBe(3000);
    // Every generated app variable in the plan is one the group passes.
    const own = new Set(g?.variableNames.flatMap((v) => v.names));
    expect(plan.services[0]?.variables.filter((v) => !own.has(v.name)).map((v) => v.name)).toEqual(Object.keys(g?.appVariables ?? {}));
  });

  it('a variable_names name that dazzle sets for the app is DZ5103 at its key', () => {
    const { r } = lower(APP, `${GROUP}\n[deploy.services.nodes.variable_names]\nPORT = "DAZZLE_ENV"\n`);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([['DZ5103', 7, 8]]);
  });
});
