/**
 * EC2 node groups (`runtime = "ec2"`): where each node lives, and the checks of a group's keys
 * that need more than one key. The placement is the one rule the config checks, the plan and the
 * generated stack use: node i is in availability zone i mod az_count, in that zone's private
 * subnet (the VPC's /24s: one public per zone, then one private, then one isolated), at host
 * ip_offset + i div az_count. So nodes are spread over the zones and a replaced node comes back at
 * the same address.
 */
import { closest } from '../diagnostics/index.js';
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
  readonly code: 'DZ4100' | 'DZ4101' | 'DZ4102' | 'DZ4103' | 'DZ4104' | 'DZ4105' | 'DZ4106' | 'DZ4107';
  /** Keys below the service's table, the first written one is where it is reported. */
  readonly keys: readonly string[];
  /** Keys below [deploy] (`secrets.api_key`), after `keys`. */
  readonly deployKeys?: readonly string[];
  /** A key below the service's table whose name (not its value) is the mistake: `variable_names.PROT`. */
  readonly nameOf?: string;
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

/** The variables dazzle generates for every node, by their own names: the keys of `variable_names` (with `PEER_PORT_<port>`). */
export const NODE_VARIABLES = ['NODE_INDEX', 'NODE_COUNT', 'NODE_ADDRESS', 'PEER_IPS', 'SEED_IPS', 'PORT', 'DATA_DIR', 'BACKUP_BUCKET'] as const;

/** An environment variable name as a process receives it (and systemd and docker pass it). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The generated variables this group has, in order: the fixed ones it uses, then one per peer port. */
export function generatedNodeVariables(s: Pick<ServiceConfig, 'volume_size_gb' | 'backup_retention_days' | 'peer_ports'>): string[] {
  return [
    ...NODE_VARIABLES.filter((v) => (v === 'DATA_DIR' ? s.volume_size_gb > 0 : v === 'BACKUP_BUCKET' ? s.backup_retention_days > 0 : true)),
    ...s.peer_ports.map((p) => `PEER_PORT_${p}`),
  ];
}

/** The names `variable_names` gives a generated variable: as written, or its own name (a peer port: none). */
function namesOf(s: Pick<ServiceConfig, 'variable_names'>, variable: string): readonly string[] {
  const v = s.variable_names[variable];
  if (v === undefined) return variable.startsWith('PEER_PORT_') ? [] : [variable];
  return typeof v === 'string' ? [v] : v;
}

/**
 * Each generated variable of the group with the names the service receives it under, in order: one
 * rule for the config checks, the plan and the generated boot script.
 */
export function nodeVariableNames(s: Pick<ServiceConfig, 'volume_size_gb' | 'backup_retention_days' | 'peer_ports' | 'variable_names'>): { readonly variable: string; readonly names: readonly string[] }[] {
  return generatedNodeVariables(s).map((variable) => ({ variable, names: namesOf(s, variable) }));
}

/**
 * The checks of `variable_names`: a key that is no generated variable of this group (DZ4104), a name that
 * is no environment variable name (DZ4105), two variables under one name (DZ4106), and a name the
 * service's `env` or a `[deploy.secrets]` entry already sets (DZ4107). `secrets` are the keys of [deploy.secrets].
 */
export function variableNameProblems(label: string, s: ServiceConfig, secrets: readonly string[]): NodeGroupProblem[] {
  const out: NodeGroupProblem[] = [];
  const generated = generatedNodeVariables(s);
  const allowed = `${generated.join(', ')}${s.peer_ports.length ? '' : ' (and PEER_PORT_<port> for each of peer_ports)'}`;
  for (const variable of Object.keys(s.variable_names)) {
    if (generated.includes(variable)) continue;
    const peer = /^PEER_PORT_(\d+)$/.exec(variable);
    const why =
      variable === 'DATA_DIR' ? 'DATA_DIR is generated only with a data volume (volume_size_gb > 0)'
      : variable === 'BACKUP_BUCKET' ? 'BACKUP_BUCKET is generated only with a backup bucket (backup_retention_days > 0)'
      : peer ? `${peer[1]} is not in peer_ports${s.peer_ports.length ? ` (${s.peer_ports.join(', ')})` : ''}`
      : `${JSON.stringify(variable)} is not a variable dazzle generates for a node`;
    const near = closest(variable, generated);
    out.push({
      code: 'DZ4104',
      keys: [`variable_names.${variable}`],
      nameOf: `variable_names.${variable}`,
      message: `${label}: variable_names has ${JSON.stringify(variable)}, but ${why}; the generated variables are ${allowed}`,
      hint: near ? `did you mean '${near}'? A key of variable_names is a generated variable, its value the name the app reads` : 'a key of variable_names is a generated variable, its value the name the app reads it under (e.g. PORT = "HTTP_PORT")',
    });
  }
  // Every name a value is received under, with where it comes from; the first one written wins, later ones are reported.
  const taken = new Map<string, string>();
  const secretNames = new Map(secrets.map((k) => [k.toUpperCase(), k] as const));
  for (const { variable, names } of nodeVariableNames(s)) {
    const written = variable in s.variable_names;
    const raw = s.variable_names[variable];
    const at = (index: number): Pick<NodeGroupProblem, 'keys' | 'element'> =>
      written ? { keys: [`variable_names.${variable}`], ...(Array.isArray(raw) ? { element: { key: `variable_names.${variable}`, index } } : {}) } : { keys: [] };
    names.forEach((name, index) => {
      if (!VARIABLE_NAME.test(name)) {
        out.push({
          code: 'DZ4105',
          ...at(index),
          message: `${label}: variable_names gives ${variable} the name ${JSON.stringify(name)}, which is not an environment variable name`,
          hint: 'a name has letters, digits and underscores and does not start with a digit, e.g. "HTTP_PORT"',
        });
        return;
      }
      const before = taken.get(name);
      if (before !== undefined) {
        out.push({
          code: 'DZ4106',
          ...(written ? at(index) : { keys: [`variable_names.${before}`] }),
          message: `${label}: ${variable} and ${before} would both be received as ${name}`,
          hint: `give each generated variable its own name in variable_names (a variable not named there keeps its own name: rename it too, or pass it under no name with ${before} = [])`,
        });
        return;
      }
      taken.set(name, variable);
      const secret = secretNames.get(name);
      if (name in s.env || secret !== undefined) {
        out.push({
          code: 'DZ4107',
          ...(written ? at(index) : { keys: name in s.env ? [`env.${name}`] : [] }),
          ...(!written && secret !== undefined && !(name in s.env) ? { deployKeys: [`secrets.${secret}`] } : {}),
          message: `${label}: ${written ? `variable_names gives ${variable} the name ${name}` : `the generated variable ${name}`}, which ${name in s.env ? "the service's env also sets" : `the secret '${secret}' in [deploy.secrets] also sets`}`,
          hint: `a name is set once: ${written ? `give ${variable} another name` : `rename the generated one (variable_names ${variable} = "NODE_${name}"), or pass it under no name (${variable} = [])`}, or remove ${name} from ${name in s.env ? 'env' : '[deploy.secrets]'}`,
        });
      }
    });
  }
  return out;
}
