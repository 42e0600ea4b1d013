/**
 * EC2 node groups (`runtime = "ec2"`), checked once the ledger cluster and the web services are
 * known: a node's fixed address must not be a TigerBeetle replica's (both take fixed hosts in the
 * private subnets), and what the Nodes stack cannot yet share with the Compute stack is refused
 * at the line that asks for it. `[deploy.secrets]` references are the nodes' own (their instance
 * role reads exactly those); a secret dazzle would create is the Compute stack's.
 */
import { nodePlacements, type ServiceConfig } from '../../config/index.js';
import { diag, quote } from '../../diagnostics/index.js';
import { configKey, spanOf, type Pass } from '../context.js';
import { tigerBeetleAddress } from './network.js';

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
