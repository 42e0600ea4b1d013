/**
 * TigerBeetle rules. A replica's data file is formatted once, for one cluster ID
 * and one replica count, and every replica and client is started with the one
 * ordered list of replica addresses. So, for a cluster that has been deployed:
 * changing the replica count or the cluster ID leaves data files no replica can
 * open, and moving the addresses (a new VPC CIDR or number of availability
 * zones) restarts the whole cluster on new addresses.
 *
 * The facts are read from the templates (the cluster's SSM parameters, the VPC
 * and its subnets), which are what is deployed; the plan fills in what they do not say.
 */
import type { Change, Side, Template } from './model.js';

interface ClusterFacts {
  readonly stack: string | null;
  readonly clusterId: string | null;
  readonly replicas: number | null;
  /** Replica index → `ip:port`. */
  readonly addresses: readonly (string | undefined)[];
}

interface NetworkFacts {
  readonly cidr: string | null;
  readonly azCount: number | null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function clusterFromTemplates(templates: ReadonlyMap<string, Template>): ClusterFacts | undefined {
  let found: { stack: string | null; clusterId: string | null; replicas: number | null; addresses: (string | undefined)[] } | undefined;
  for (const [stack, t] of [...templates.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const r of Object.values(t.Resources ?? {})) {
      if (r.Type !== 'AWS::SSM::Parameter') continue;
      const name = str(r.Properties?.Name);
      const value = str(r.Properties?.Value);
      if (!name || value === undefined || !/\/tigerbeetle\//.test(name)) continue;
      found ??= { stack, clusterId: null, replicas: null, addresses: [] };
      if (name.endsWith('/tigerbeetle/cluster_id')) found.clusterId = value;
      else if (name.endsWith('/tigerbeetle/replica_count') && /^\d+$/.test(value)) found.replicas = Number(value);
      else {
        const m = /\/tigerbeetle\/nodes\/(\d+)$/.exec(name);
        if (m) found.addresses[Number(m[1])] = value;
      }
    }
  }
  return found && (found.clusterId !== null || found.replicas !== null) ? found : undefined;
}

function clusterFromPlan(side: Side): ClusterFacts | undefined {
  const t = side.plan?.aws.tigerbeetle;
  if (!t) return undefined;
  const stack = side.version?.stacks.find((s) => s.name === 'TigerBeetle')?.id ?? null;
  return { stack, clusterId: String(t.clusterId), replicas: t.nodes.length, addresses: t.addresses };
}

function network(side: Side): NetworkFacts {
  let cidr: string | null = null;
  const zones = new Set<string>();
  for (const t of side.templates.values()) {
    for (const r of Object.values(t.Resources ?? {})) {
      if (r.Type === 'AWS::EC2::VPC') cidr ??= str(r.Properties?.CidrBlock) ?? null;
      if (r.Type === 'AWS::EC2::Subnet') {
        const az = str(r.Properties?.AvailabilityZone);
        if (az) zones.add(az);
      }
    }
  }
  const n = side.plan?.aws.network;
  return { cidr: cidr ?? n?.cidr ?? null, azCount: zones.size || (n?.azCount ?? null) };
}

function facts(side: Side): ClusterFacts | undefined {
  const fromTemplates = clusterFromTemplates(side.templates);
  const fromPlan = clusterFromPlan(side);
  if (!fromTemplates) return fromPlan;
  return {
    stack: fromTemplates.stack,
    clusterId: fromTemplates.clusterId ?? fromPlan?.clusterId ?? null,
    replicas: fromTemplates.replicas ?? fromPlan?.replicas ?? null,
    addresses: fromTemplates.addresses.length ? fromTemplates.addresses : (fromPlan?.addresses ?? []),
  };
}

const DEPLOYED = 'if this cluster has been deployed, its replicas have formatted their data files';

/** Changes a formatted TigerBeetle cluster cannot take in place. */
export function tigerBeetleChanges(before: Side | undefined, after: Side): Change[] {
  if (!before) return [];
  const was = facts(before);
  const now = facts(after);
  if (!was || !now) return [];
  const stack = now.stack ?? was.stack ?? 'TigerBeetle';
  const out: Change[] = [];
  const change = (title: string, impact: Change['impact'], reasons: string[], hint: string): Change => ({
    kind: 'tigerbeetle',
    impact,
    critical: true,
    stack,
    subject: 'cluster',
    type: null,
    action: 'update',
    title,
    reasons: [...reasons, DEPLOYED],
    hint,
    because: null,
  });
  if (was.replicas !== null && now.replicas !== null && was.replicas !== now.replicas) {
    out.push(
      change(
        `TigerBeetle replica count ${was.replicas} → ${now.replicas}`,
        'destroys-data',
        [`a data file is formatted for one replica count: with ${now.replicas} replicas the existing ${was.replicas} cannot open theirs, and the cluster does not come up`],
        `keep [deploy.tigerbeetle] node_count = ${was.replicas} for this cluster. TigerBeetle cannot change the replica count of a cluster in place: to run ${now.replicas} replicas, deploy a new cluster (another environment or app), move the accounts and balances to it, switch the services over, then retire the old one`,
      ),
    );
  }
  if (was.clusterId !== null && now.clusterId !== null && was.clusterId !== now.clusterId) {
    out.push(
      change(
        `TigerBeetle cluster ID ${was.clusterId} → ${now.clusterId}`,
        'destroys-data',
        [`the data files are formatted for cluster ${was.clusterId}: replicas started as cluster ${now.clusterId} refuse them, and clients of the new ID cannot reach the ledger`],
        `keep [deploy.tigerbeetle] cluster_id = ${was.clusterId} while this cluster holds the ledger. A new cluster ID is a new, empty cluster: create it as a new deployment and move the ledger over deliberately`,
      ),
    );
  }
  if (was.replicas === now.replicas) {
    const moved = was.addresses.map((a, i) => [i, a, now.addresses[i]] as const).filter(([, a, b]) => a !== undefined && b !== undefined && a !== b);
    if (moved.length) {
      const n0 = network(before);
      const n1 = network(after);
      const causes: string[] = [];
      if (n0.cidr && n1.cidr && n0.cidr !== n1.cidr) causes.push(`the VPC CIDR changes from ${n0.cidr} to ${n1.cidr} ([deploy.network] vpc_cidr)`);
      if (n0.azCount && n1.azCount && n0.azCount !== n1.azCount) causes.push(`the number of availability zones changes from ${n0.azCount} to ${n1.azCount} ([deploy.network] az_count)`);
      out.push(
        change(
          `TigerBeetle replica addresses move: ${moved.map(([i, a, b]) => `replica ${i} ${a} → ${b}`).join(', ')}`,
          'interrupts-service',
          [
            ...(causes.length ? causes : ['the fixed replica addresses change']),
            'every replica and client must restart with the new address list at once (the cluster is down meanwhile), and a replica that moves to another availability zone starts on a new, empty volume',
          ],
          'keep [deploy.network] vpc_cidr and az_count while the cluster holds the ledger. To move the network, deploy a new cluster in it (another environment), migrate the ledger, and switch the services over',
        ),
      );
    }
  }
  return out;
}
