/**
 * EC2 node groups (`runtime = "ec2"`): where each node lives, and the checks of a group's keys
 * that need more than one key. The placement is the one rule the config checks, the plan and the
 * generated stack use: node i is in availability zone i mod az_count, in that zone's private
 * subnet (the VPC's /24s: one public per zone, then one private, then one isolated), at host
 * ip_offset + i div az_count. So nodes are spread over the zones and a replaced node comes back at
 * the same address.
 */
import type { ServiceConfig } from './defaults.js';
import { formatCidr, parseCidr } from './forms.js';

/** The last host a node may have in its /24 (AWS reserves .255 and keeps the top of the range free for tasks). */
export const LAST_NODE_HOST = 250;
const SUBNET_SIZE = 256;

export interface NodePlacement {
  readonly index: number;
  /** Position among the availability zones (0-based). */
  readonly zone: number;
  readonly address: string;
  /** The private subnet that holds it (`10.0.2.0/24`). */
  readonly subnet: string;
}

function ip(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The private /24 of each zone, by zone: the network address as a number, or undefined for a VPC range that does not parse. */
function privateBases(vpcCidr: string, azCount: number): number[] | undefined {
  const block = parseCidr(vpcCidr);
  if (!block) return undefined;
  return Array.from({ length: azCount }, (_, z) => block.address + (azCount + z) * SUBNET_SIZE);
}

/** Every node's zone, address and subnet (an empty list when the VPC range does not parse: the loader reports that). */
export function nodePlacements(vpcCidr: string, azCount: number, ipOffset: number, nodeCount: number): NodePlacement[] {
  const bases = privateBases(vpcCidr, azCount);
  if (!bases) return [];
  return Array.from({ length: nodeCount }, (_, i) => {
    const zone = i % azCount;
    const base = bases[zone] as number;
    return { index: i, zone, address: ip(base + ipOffset + Math.floor(i / azCount)), subnet: formatCidr({ address: base, prefix: 24 }) };
  });
}

/** The private subnets a node group can have addresses in (`10.0.2.0/24`, …). */
export function privateSubnets(vpcCidr: string, azCount: number): string[] {
  return (privateBases(vpcCidr, azCount) ?? []).map((b) => formatCidr({ address: b, prefix: 24 }));
}

/** The highest host any node of the group has in its subnet. */
export function lastNodeHost(s: Pick<ServiceConfig, 'ip_offset' | 'node_count'>, azCount: number): number {
  return s.ip_offset + Math.ceil(s.node_count / azCount) - 1;
}

/** The seed nodes' addresses: `seed_addresses`, or node 0's. */
export function seedAddresses(s: Pick<ServiceConfig, 'seed_addresses'>, placements: readonly NodePlacement[]): string[] {
  if (s.seed_addresses.length) return [...s.seed_addresses];
  return placements.length ? [(placements[0] as NodePlacement).address] : [];
}

/** A problem with a group's keys together; `at` is the key (and the list element) to report it at. */
export interface NodeGroupProblem {
  readonly code: 'DZ4100' | 'DZ4101' | 'DZ4102' | 'DZ4103';
  /** Keys below the service's table, the first written one is where it is reported. */
  readonly keys: readonly string[];
  /** An element of a list key, to report at that element. */
  readonly element?: { readonly key: string; readonly index: number };
  readonly message: string;
  readonly hint: string;
}

function inSubnet(address: string, subnet: string): boolean {
  const a = parseCidr(`${address}/32`);
  const s = parseCidr(subnet);
  return a !== undefined && s !== undefined && Math.floor(a.address / 2 ** (32 - s.prefix)) === Math.floor(s.address / 2 ** (32 - s.prefix));
}

/**
 * The checks of one node group that need several keys: ports that would be open to two audiences,
 * seeds that are not nodes, HTTPS without a domain. `label` names the group in messages.
 */
export function nodeGroupProblems(label: string, s: ServiceConfig, network: { readonly vpc_cidr: string; readonly az_count: number }, https: boolean): NodeGroupProblem[] {
  const out: NodeGroupProblem[] = [];
  const listeners = s.public_ports.length ? s.public_ports : https ? [443] : [80];
  const overlap = s.peer_ports.filter((p) => listeners.includes(p));
  if (overlap.length) {
    out.push({
      code: 'DZ4100',
      keys: ['peer_ports', 'public_ports'],
      message: `${label}: port${overlap.length === 1 ? '' : 's'} ${overlap.join(', ')} ${overlap.length === 1 ? 'is' : 'are'} in peer_ports (open only between the nodes) and in public_ports (the load balancer's listeners)`,
      hint: 'a port is either for the nodes among themselves or for the public through the load balancer: remove it from one list',
    });
  }
  if (s.peer_ports.includes(s.port)) {
    out.push({
      code: 'DZ4100',
      keys: ['peer_ports', 'port'],
      message: `${label}: the service port ${s.port} is in peer_ports, but it is reachable only from the load balancer`,
      hint: 'list only the ports the nodes use among themselves in peer_ports (e.g. a cluster port such as 25520)',
    });
  }
  const placements = nodePlacements(network.vpc_cidr, network.az_count, s.ip_offset, s.node_count);
  const subnets = privateSubnets(network.vpc_cidr, network.az_count);
  const addresses = new Set(placements.map((p) => p.address));
  s.seed_addresses.forEach((seed, index) => {
    if (!subnets.some((sub) => inSubnet(seed, sub))) {
      out.push({
        code: 'DZ4101',
        keys: ['seed_addresses'],
        element: { key: 'seed_addresses', index },
        message: `${label}: seed address ${JSON.stringify(seed)} is outside the nodes' private subnets (${subnets.join(', ')})`,
        hint: `a seed is one of the nodes, which have fixed addresses in the private subnets: ${placements.slice(0, 3).map((p) => p.address).join(', ')}${placements.length > 3 ? ', …' : ''}`,
      });
    } else if (!addresses.has(seed)) {
      out.push({
        code: 'DZ4102',
        keys: ['seed_addresses'],
        element: { key: 'seed_addresses', index },
        message: `${label}: seed address ${JSON.stringify(seed)} is in the private subnets but no node has it (the ${s.node_count} node${s.node_count === 1 ? '' : 's'} from host ${s.ip_offset}: ${placements.slice(0, 4).map((p) => p.address).join(', ')}${placements.length > 4 ? ', …' : ''})`,
        hint: 'list the address of a node (see `dazzle deploy plan`), or change ip_offset so that a node has this address',
      });
    }
  });
  if (s.public_ports.includes(443) && !https) {
    out.push({
      code: 'DZ4103',
      keys: ['public_ports'],
      message: `${label}: public_ports has 443, but HTTPS needs a certificate and [deploy.domain] name is empty`,
      hint: 'set [deploy.domain] name (the load balancer then serves HTTPS on 443 and redirects 80), or listen on 80',
    });
  }
  return out;
}
