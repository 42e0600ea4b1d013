/**
 * The deployment guide's TigerBeetle checks (TB_EVEN_NODE_COUNT,
 * TB_INSUFFICIENT_NODES_PROD, TB_LOW_IOPS, TB_SUBOPTIMAL_IOPS,
 * TB_PUBLIC_ACCESS) and the facts it does not list, evaluated on what will be
 * deployed: the replicas' groups, data volumes, launch templates, security
 * groups and cluster parameters in the synthesized templates. The plan says
 * which resources are the replicas (through provenance); every value is read
 * from the templates.
 */
import { quote } from '../../diagnostics/index.js';
import type { Facts, Res } from '../facts.js';
import { instanceMemoryGib } from '../instance-memory.js';
import { TIGERBEETLE } from '../rules.js';
import { isObj, listOf, literal, numberOf } from '../template.js';
import type { Check, CheckContext, Draft } from './context.js';
import { covers, insideVpc, isPublic, loadBalancersOf, portText, shownName, vpcBlocks } from './network-facts.js';

/** One replica as the templates have it. */
interface Replica {
  readonly id: string;
  readonly index: number;
  readonly group: Res | undefined;
  readonly volumes: readonly Res[];
  readonly launchTemplates: readonly Res[];
  readonly interfaces: readonly Res[];
}

/** The cluster as deployed: its replicas, and what its parameters say. */
export interface Cluster {
  readonly replicas: readonly Replica[];
  /** How many replicas the cluster is formatted for: the replica_count parameter, or the replicas found. */
  readonly count: number;
  readonly clusterId: Res | undefined;
  readonly ports: readonly number[];
  /** The security groups of the replicas' instances and interfaces. */
  readonly groups: readonly Res[];
}

const byType = (xs: readonly Res[], type: string) => xs.filter((x) => x.type === type);

/** The cluster in the templates, or undefined when the plan has none. */
export function clusterOf(ctx: CheckContext): Cluster | undefined {
  const tb = ctx.input.plan.aws.tigerbeetle;
  if (!tb) return undefined;
  const { facts, provenance } = ctx;
  const replicas: Replica[] = [];
  for (const node of tb.nodes) {
    const rs = provenance.ofEntry(node.id).map((o) => facts.get(o.stack, o.logicalId)).filter((r): r is Res => r !== undefined);
    if (!rs.length) continue;
    replicas.push({
      id: node.id,
      index: node.index,
      group: byType(rs, 'AWS::AutoScaling::AutoScalingGroup')[0],
      volumes: byType(rs, 'AWS::EC2::Volume'),
      launchTemplates: byType(rs, 'AWS::EC2::LaunchTemplate'),
      interfaces: byType(rs, 'AWS::EC2::NetworkInterface'),
    });
  }
  const param = (name: string) => facts.parameter(`${tb.parameterPrefix}/${name}`);
  const counted = numberOf(facts.text(param('replica_count')?.resource.Properties?.Value, param('replica_count')?.stack ?? ''));
  const groups = new Map<string, Res>();
  for (const r of replicas) {
    for (const lt of r.launchTemplates) {
      const data = isObj(lt.resource.Properties?.LaunchTemplateData) ? lt.resource.Properties.LaunchTemplateData : {};
      for (const g of listOf(data.SecurityGroupIds)) {
        const t = facts.target(g, lt.stack);
        if (t) groups.set(`${t.stack}/${t.logicalId}`, t);
      }
    }
    for (const ni of r.interfaces) {
      for (const g of listOf(ni.resource.Properties?.GroupSet)) {
        const t = facts.target(g, ni.stack);
        if (t) groups.set(`${t.stack}/${t.logicalId}`, t);
      }
    }
  }
  return {
    replicas,
    count: Math.max(counted ?? 0, replicas.filter((r) => r.group).length),
    clusterId: param('cluster_id'),
    ports: [tb.clientPort],
    groups: [...groups.values()],
  };
}

/** A replica's availability zone: its data volume's, else its address's subnet's. */
function zoneOf(facts: Facts, r: Replica): string | undefined {
  for (const v of r.volumes) {
    const z = facts.text(v.resource.Properties?.AvailabilityZone, v.stack);
    if (z) return z;
  }
  for (const ni of r.interfaces) {
    const subnet = facts.target(ni.resource.Properties?.SubnetId, ni.stack);
    const z = subnet ? facts.text(subnet.resource.Properties?.AvailabilityZone, subnet.stack) : undefined;
    if (z) return z;
  }
  return undefined;
}

/** A volume's provisioned IOPS (gp3's baseline when none is set; gp2's 3 per GiB). */
function iopsOf(v: Res): number | undefined {
  const p = v.resource.Properties ?? {};
  const iops = numberOf(p.Iops);
  if (iops !== undefined) return iops;
  const type = literal(p.VolumeType) ?? 'gp2';
  if (type === 'gp3') return 3000;
  if (type === 'gp2') return Math.max(100, 3 * (numberOf(p.Size) ?? 0));
  return undefined;
}

const list = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

export const tigerBeetleChecks: Check = (ctx) => {
  const cluster = clusterOf(ctx);
  if (!cluster || !cluster.replicas.length) return [];
  const out: Draft[] = [];
  const { facts, environment } = ctx;
  const n = cluster.count;
  const first = cluster.replicas[0]?.group;
  const at = first ? { resource: first } : {};
  const nodeCount = ['tigerbeetle.node_count'];

  if (n % 2 === 0) {
    out.push({
      rule: 'TB_EVEN_NODE_COUNT',
      message: `even node count: the TigerBeetle cluster has ${n} replicas; Raft needs an odd count to form a quorum, and ${n} replicas tolerate no more failures than ${n - 1}`,
      fix: `Use 1, 3, or 5 nodes: set [deploy.tigerbeetle] node_count = ${n >= 4 ? n - 1 : 3} (the count is fixed when the data files are formatted, so decide before the first deploy)`,
      keys: nodeCount,
      ...at,
    });
  }
  if (n < TIGERBEETLE.minProdReplicas) {
    out.push({
      rule: 'TB_INSUFFICIENT_NODES_PROD',
      message: `Production needs 3+ nodes: the TigerBeetle cluster in ${environment} has ${n} replica${n === 1 ? '' : 's'}, so losing one stops the ledger`,
      fix: 'set [deploy.tigerbeetle] node_count = 3 (or 5) for prod, e.g. in [deploy.env.prod.tigerbeetle]',
      keys: nodeCount,
      ...at,
    });
  }
  if (n > TIGERBEETLE.maxReplicas) {
    out.push({
      rule: 'TB_TOO_MANY_REPLICAS',
      message: `the TigerBeetle cluster has ${n} replicas; TigerBeetle formats a cluster of at most ${TIGERBEETLE.maxReplicas}, so the replicas cannot start`,
      fix: `use at most ${TIGERBEETLE.maxReplicas} replicas: [deploy.tigerbeetle] node_count = 5`,
      keys: nodeCount,
      ...at,
    });
  }

  // Zones: losing any one zone must leave a majority.
  if (n >= 3) {
    const zones = new Map<string, Replica[]>();
    for (const r of cluster.replicas) {
      const z = zoneOf(facts, r);
      if (z) zones.set(z, [...(zones.get(z) ?? []), r]);
    }
    const majority = Math.floor(n / 2) + 1;
    const [worstZone, worst] = [...zones.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))[0] ?? [];
    if (worstZone && worst && n - worst.length < majority) {
      const needed = Math.ceil(n / (n - majority));
      const spread = [...zones.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([z, rs]) => `${rs.length} in ${z}`);
      out.push({
        rule: 'TB_AZ_SPREAD',
        message: `the ${n} TigerBeetle replicas are spread over ${zones.size} availability zone${zones.size === 1 ? '' : 's'} (${list(spread)}); losing ${worstZone} leaves ${n - worst.length}, fewer than the majority of ${majority} the cluster needs, so ${n} replicas need ${needed} zones`,
        fix: `spread the replicas over ${needed} zones: [deploy.network] az_count = ${Math.min(3, needed)}${needed > 3 ? ' and fewer replicas' : ''}`,
        keys: ['network.az_count', 'tigerbeetle.node_count'],
        ...(worst[0]?.group ? { resource: worst[0].group } : at),
      });
    }
  }

  // IOPS of the data volumes, one finding per value.
  const byIops = new Map<number, Res[]>();
  for (const v of cluster.replicas.flatMap((r) => r.volumes)) {
    const iops = iopsOf(v);
    if (iops !== undefined) byIops.set(iops, [...(byIops.get(iops) ?? []), v]);
  }
  for (const [iops, volumes] of [...byIops.entries()].sort((a, b) => a[0] - b[0])) {
    const which = `${volumes.length === cluster.replicas.length ? 'the data volume of every replica has' : `${list(volumes.map(shownName))} ${volumes.length === 1 ? 'has' : 'have'}`} ${iops} IOPS`;
    if (iops < TIGERBEETLE.minIops) {
      out.push({
        rule: 'TB_LOW_IOPS',
        message: `IOPS below minimum: ${which}; TigerBeetle's write-ahead log needs at least ${TIGERBEETLE.minIops} (${TIGERBEETLE.recommendedIops} recommended for production)`,
        fix: `Increase \`volume_iops\` setting: [deploy.tigerbeetle] volume_iops = ${TIGERBEETLE.recommendedIops}`,
        keys: ['tigerbeetle.volume_iops'],
        resource: volumes[0] as Res,
      });
    } else if (iops < TIGERBEETLE.recommendedIops) {
      out.push({
        rule: 'TB_SUBOPTIMAL_IOPS',
        message: `IOPS below 10,000 recommended: ${which}; production ledgers should have ${TIGERBEETLE.recommendedIops} or more`,
        fix: `set [deploy.tigerbeetle] volume_iops = ${TIGERBEETLE.recommendedIops} (or more) for prod`,
        keys: ['tigerbeetle.volume_iops'],
        resource: volumes[0] as Res,
      });
    }
  }

  // Memory of the instance types.
  const byType = new Map<string, Res[]>();
  for (const lt of cluster.replicas.flatMap((r) => r.launchTemplates)) {
    const data = isObj(lt.resource.Properties?.LaunchTemplateData) ? lt.resource.Properties.LaunchTemplateData : {};
    const type = facts.text(data.InstanceType, lt.stack);
    if (type) byType.set(type, [...(byType.get(type) ?? []), lt]);
  }
  for (const [type, lts] of [...byType.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const gib = instanceMemoryGib(type);
    if (gib === undefined || gib >= TIGERBEETLE.minMemoryGib) continue;
    out.push({
      rule: 'TB_LOW_MEMORY',
      message: `the TigerBeetle replicas run on ${type}, which has ${gib} GiB of memory; TigerBeetle documents at least ${TIGERBEETLE.minMemoryGib} GiB per replica (16-32 GiB recommended)`,
      fix: `set [deploy.tigerbeetle] size = "r6i.large" (16 GiB) or larger`,
      keys: ['tigerbeetle.size'],
      resource: lts[0] as Res,
    });
  }

  // The cluster id: 0 is reserved for testing.
  const id = cluster.clusterId;
  const value = id ? facts.text(id.resource.Properties?.Value, id.stack) : undefined;
  if (id && value !== undefined && numberOf(value) === 0) {
    out.push({
      rule: 'TB_TEST_CLUSTER_ID',
      message: `the TigerBeetle cluster id is ${quote(value)}; TigerBeetle reserves cluster id 0 for testing, and ${environment} is not a test environment`,
      fix: 'set [deploy.tigerbeetle] cluster_id to a random number of 1 or more (it is fixed when the data files are formatted)',
      keys: ['tigerbeetle.cluster_id'],
      resource: id,
    });
  }

  out.push(...publicAccess(ctx, cluster));
  return out;
};

/** Any TigerBeetle port reachable from outside the VPC, or from a load balancer. */
function publicAccess(ctx: CheckContext, cluster: Cluster): Draft[] {
  const { facts } = ctx;
  const vpcs = vpcBlocks(facts);
  const out: Draft[] = [];
  for (const rule of facts.ingress()) {
    if (!cluster.groups.includes(rule.group)) continue;
    const ports = cluster.ports.filter((p) => covers(rule, p));
    if (!ports.length) continue;
    const s = rule.source;
    let from: string | undefined;
    if (s.kind === 'cidr' && !insideVpc(s.cidr, s.v6, vpcs)) from = `${s.cidr}${isPublic(s.cidr, s.v6, vpcs) ? ' (the internet)' : ' (outside the VPC)'}`;
    else if (s.kind === 'group' && loadBalancersOf(facts, s.group).length) from = `the load balancer's security group ${shownName(s.group)}`;
    if (!from) continue;
    out.push({
      rule: 'TB_PUBLIC_ACCESS',
      message: `public access: TigerBeetle ${ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(' and ')}`} ${ports.length === 1 ? 'is' : 'are'} reachable from ${from} through security group ${shownName(rule.group)} (${portText(rule)})`,
      fix: 'Remove public CIDR rules: only the services (port 3000) and the other replicas (3000 and 3001) may reach the replicas; remove this rule from the app',
      resource: rule.holder,
    });
  }
  return out;
}
