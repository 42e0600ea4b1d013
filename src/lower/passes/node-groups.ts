/**
 * EC2 node groups (`runtime = "ec2"`), checked once the ledger cluster and the web services are
 * known: a node's fixed address must not be a TigerBeetle replica's (both take fixed hosts in the
 * private subnets), and what the Nodes stack cannot yet share with the Compute stack is refused
 * at the line that asks for it. `[deploy.secrets]` references are the nodes' own (their instance
 * role reads exactly those); a secret dazzle would create is the Compute stack's.
 */
import { nodePlacements, nodeVariableNames, type ServiceConfig } from '../../config/index.js';
import { diag, quote } from '../../diagnostics/index.js';
import { causeText, configKey, relatedAt, spanOf, type Pass } from '../context.js';
import type { Because } from '../requirements.js';
import { tigerBeetleAddress } from './network.js';
import { generatedVariables } from './variables.js';

/**
 * The generated variables a node group's service receives: each a value known when the app is
 * generated (the plan's text is what the node gets), with its network path where it needs one
 * (TigerBeetle's client port, opened to the nodes by the Nodes stack); the database's (below); and each
 * bucket's name, with the instance role's access to its objects. Every other generated variable (event
 * buses, Kafka, email senders: values, network paths and permissions the
 * Nodes stack does not yet wire) is refused at the line that asks for it (DZ5102), never planned
 * for the nodes and then not delivered.
 */
export const NODE_GROUP_APP_VARIABLES: ReadonlySet<string> = new Set(['DAZZLE_ENV', 'DAZZLE_PROCESS', 'TIGERBEETLE_ADDRESSES', 'TIGERBEETLE_CLUSTER_ID', 'SERVICE_DISCOVERY_NAMESPACE']);

/**
 * The database's variables: its endpoints and name (the Nodes stack reads the endpoints from the Data
 * stack's SSM parameters), and its credentials, fetched by the node at each service start with an
 * instance role that may read exactly the cluster's secret; the nodes reach it on 5432.
 */
export const NODE_GROUP_DATABASE_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_URL', 'DATABASE_USER', 'DATABASE_PASSWORD', 'PGPASSWORD',
  'DATABASE_READER_HOST', 'DATABASE_WRITER_URL', 'DATABASE_READER_URL',
]);

/** Whether a node group's service receives this generated variable: a value above, the database's, or a bucket's name (with the instance role's access). */
export function nodeGroupReceives(name: string): boolean {
  return NODE_GROUP_APP_VARIABLES.has(name) || NODE_GROUP_DATABASE_VARIABLES.has(name) || /^BUCKET_\w+$/.test(name);
}

export const nodeGroups: Pass = ({ config, draft, report }) => {
  const d = config.deploy;
  const groups = draft.webServices.filter((w) => w.runtime === 'ec2');
  if (!groups.length) return;
  const settings = (name: string): [string, ServiceConfig] => (name in d.services ? [`services.${name}`, d.services[name] as ServiceConfig] : ['compute', d.compute]);
  const replicas = draft.ledgerCluster ? Array.from({ length: d.tigerbeetle.node_count }, (_, i) => tigerBeetleAddress(d.network.vpc_cidr, d.network.az_count, i)) : [];
  for (const w of groups) {
    const [prefix, s] = settings(w.name);
    const taken = nodePlacements(d.network.vpc_cidr, d.network.az_count, s.ip_offset, s.node_count).filter((p) => replicas.includes(p.address));
    if (taken.length) {
      const first = taken[0] as { index: number; address: string };
      report(
        diag('DZ5100', `service '${w.name}': node ${first.index} would have ${quote(first.address)}, the fixed address of TigerBeetle replica ${replicas.indexOf(first.address)}${taken.length > 1 ? ` (and ${taken.length - 1} more nodes collide)` : ''}`, {
          ...spanOf(config, configKey(config, `${prefix}.ip_offset`)),
          keyPath: `deploy.${prefix}.ip_offset`,
          hint: `the replicas take hosts 10 to ${9 + Math.ceil(replicas.length / d.network.az_count)} of the private subnets: set ip_offset = ${10 + Math.ceil(replicas.length / d.network.az_count)} or higher`,
        }),
      );
    }
  }
  const generated = generatedVariables(draft, config, 'web');
  // A name variable_names gives one of the group's own variables that dazzle also sets for the app: one name, one value.
  for (const w of groups) {
    const [prefix, s] = settings(w.name);
    for (const { variable, names } of nodeVariableNames(s)) {
      for (const name of names) {
        const g = generated.find((v) => v.name === name);
        if (!g) continue;
        const key = `${prefix}.variable_names.${variable}`;
        report(
          diag('DZ5103', `service '${w.name}': variable_names passes ${variable} as ${quote(name)}, which dazzle sets for ${g.what}; a variable has one value`, {
            ...spanOf(config, configKey(config, key)),
            keyPath: `deploy.${key}`,
            related: relatedAt(config, g.because, (b) => `${name} comes from ${causeText(b)} here`),
            hint: `give ${variable} another name: ${name} is ${quote(g.value)}`,
          }),
        );
      }
    }
  }
  // What the app needs that the nodes cannot be given yet: one error per resource, at the line that makes it.
  // (Grouped by what makes them: the database's address and its credentials are one error.)
  const undelivered = new Map<string, { what: string; names: string[]; because: readonly Because[] }>();
  for (const v of generated) {
    if (nodeGroupReceives(v.name)) continue;
    // The worker's queues and the cache are refused with the worker and the cache (DZ5101): not twice.
    if ((draft.worker && /^(SCHEDULE_QUEUE_URL|QUEUE_\w+_URL)$/.test(v.name)) || (draft.cache && /^REDIS_/.test(v.name))) continue;
    const cause = JSON.stringify(v.because[0] ?? v.what);
    const seen = undelivered.get(cause) ?? { what: v.what, names: [], because: v.because };
    seen.names.push(v.name);
    undelivered.set(cause, seen);
  }
  const group = groups[0] as { name: string };
  const [groupPrefix] = settings(group.name);
  const runtimeAt = configKey(config, `${groupPrefix}.runtime`);
  for (const { what, names, because } of undelivered.values()) {
    const b = because[0];
    report(
      diag('DZ5102', `service '${group.name}' is an EC2 node group, and the app needs ${what} (${names.join(', ')}), which this version does not deliver to a node group (its variables, network path and permissions)`, {
        ...(b ? spanOf(config, b) : spanOf(config, runtimeAt)),
        ...(b?.kind === 'config' ? { keyPath: b.key } : !b ? { keyPath: `deploy.${groupPrefix}.runtime` } : {}),
        related: [...relatedAt(config, [runtimeAt], () => `the node group '${group.name}' is declared here`), ...relatedAt(config, because.slice(1), (x) => `${what} also comes from ${causeText(x)} here`)],
        hint: `a node group receives DAZZLE_ENV, DAZZLE_PROCESS, the database, the buckets, TigerBeetle and the Cloud Map namespace from dazzle: remove what needs ${what}, pass its address through env or [deploy.secrets], or use runtime = "fargate" for '${group.name}'`,
      }),
    );
  }
  const created = draft.secrets.filter((x) => x.from.kind === 'create').map((x) => x.env);
  const others = [
    ...draft.webServices.filter((w) => w.runtime === 'fargate').map((w) => `the Fargate service '${w.name}'`),
    ...(draft.worker ? ['the worker (queues, schedules, jobs or async transactions)'] : []),
    ...(draft.cache ? ['a cache'] : []),
    // [deploy.secrets] references reach the nodes (read by the instance role at service start); a secret dazzle
    // would create for a value no setting supplies lives in the Compute stack.
    ...(created.length ? [`secrets no setting supplies, which dazzle would create (${created.join(', ')})`] : []),
    ...(groups.length > 1 ? [`another node group ('${(groups[1] as { name: string }).name}')`] : []),
  ];
  if (others.length) {
    const w = groups[0] as { name: string };
    const [prefix] = settings(w.name);
    report(
      diag('DZ5101', `service '${w.name}' is an EC2 node group beside ${others.join(', ')}: this version generates one node group as the whole web tier (with its own load balancer), and nothing that runs on ECS beside it`, {
        ...spanOf(config, configKey(config, `${prefix}.runtime`)),
        keyPath: `deploy.${prefix}.runtime`,
        hint: 'deploy the node group as an app of its own (its own dazzle.toml), or use runtime = "fargate" for this service; `dazzle deploy plan` shows both',
      }),
    );
  }
};
