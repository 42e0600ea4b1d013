/**
 * The VPC's address plan: three tiers of /24 subnets (public, private, isolated),
 * one per availability zone each, allocated in that order from the start of
 * `[deploy.network] vpc_cidr` (the order aws-cdk allocates them in), and the
 * fixed private addresses of the TigerBeetle replicas. The pass checks that
 * the layout fits the VPC before anything is planned on it.
 */
import { diag, InternalError, quote } from '../../diagnostics/index.js';
import { configKey, spanOf, type Pass } from '../context.js';

/** Every subnet is a /24 (251 usable addresses: room for tasks, nodes and the reserved TigerBeetle block). */
export const SUBNET_PREFIX = 24;
const SUBNET_SIZE = 2 ** (32 - SUBNET_PREFIX);
/** Subnet tiers per availability zone. */
const TIERS = 3;
/** TigerBeetle replica addresses: host 10 upwards in a private subnet, inside the reserved .8/29. */
const TIGERBEETLE_FIRST_HOST = 10;

export interface Cidr {
  /** The network address as a 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

/** `10.0.0.0/16` → its network address and prefix; a message when it is not an IPv4 CIDR block. */
export function parseCidr(text: string): { readonly cidr: Cidr } | { readonly problem: string; readonly suggestion?: string } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return { problem: 'is not an IPv4 CIDR block such as "10.0.0.0/16"' };
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return { problem: 'has an address part above 255' };
  if (prefix > 32) return { problem: 'has a prefix above /32' };
  const address = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const base = address - (address % size);
  if (base !== address) return { problem: `is not a network address: the last ${32 - prefix} bits of the address must be 0`, suggestion: `${ip(base)}/${prefix}` };
  return { cidr: { base, prefix } };
}

function ip(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function cidrOf(vpcCidr: string): Cidr {
  const parsed = parseCidr(vpcCidr);
  // The network pass refuses any other CIDR before the plan uses it.
  if (!('cidr' in parsed)) throw new InternalError(`vpc_cidr ${vpcCidr} ${parsed.problem}`);
  return parsed.cidr;
}

/** The longest VPC prefix that holds every subnet: /22 for 1 zone, /21 for 2, /20 for 3 to 5. */
export function smallestVpcPrefix(azCount: number): number {
  return SUBNET_PREFIX - Math.ceil(Math.log2(TIERS * azCount));
}

export interface SubnetLayout {
  readonly public: readonly string[];
  readonly private: readonly string[];
  readonly isolated: readonly string[];
}

/** /24 subnets from the start of the VPC, in this order: one public per AZ, then private, then isolated. */
export function subnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const { base } = cidrOf(vpcCidr);
  const block = (i: number) => `${ip(base + i * SUBNET_SIZE)}/${SUBNET_PREFIX}`;
  const range = (from: number) => Array.from({ length: azCount }, (_, i) => block(from + i));
  return { public: range(0), private: range(azCount), isolated: range(2 * azCount) };
}

/** Private address of TigerBeetle replica i: spread over the AZs' private subnets, host 10 upwards. */
export function tigerBeetleAddress(vpcCidr: string, azCount: number, i: number): string {
  const { base } = cidrOf(vpcCidr);
  return ip(base + (azCount + (i % azCount)) * SUBNET_SIZE + TIGERBEETLE_FIRST_HOST + Math.floor(i / azCount));
}

/** The port TigerBeetle clients (and the other replicas) connect to. */
export const TIGERBEETLE_CLIENT_PORT = 3000;

/** The one ordered address list of the cluster (`address:3000`); a replica's index is its position. */
export function tigerBeetleAddresses(vpcCidr: string, azCount: number, nodeCount: number): string[] {
  return Array.from({ length: nodeCount }, (_, i) => `${tigerBeetleAddress(vpcCidr, azCount, i)}:${TIGERBEETLE_CLIENT_PORT}`);
}

export const network: Pass = ({ config, report }) => {
  const { vpc_cidr: text, az_count: azs } = config.deploy.network;
  const because = configKey(config, 'network.vpc_cidr');
  const at = { ...spanOf(config, because), keyPath: 'deploy.network.vpc_cidr' };
  const parsed = parseCidr(text);
  if (!('cidr' in parsed)) {
    report(diag('DZ5008', `network.vpc_cidr ${quote(text)} ${parsed.problem}`, { ...at, hint: parsed.suggestion ? `did you mean "${parsed.suggestion}"?` : 'write the first address of the range and its prefix, e.g. "10.0.0.0/16"' }));
    return;
  }
  const needed = TIERS * azs;
  const room = 2 ** (SUBNET_PREFIX - parsed.cidr.prefix);
  if (needed > room) {
    const smallest = smallestVpcPrefix(azs);
    const aligned = parsed.cidr.base - (parsed.cidr.base % 2 ** (32 - smallest));
    report(
      diag('DZ5007', `network.vpc_cidr ${quote(text)} holds ${room} /${SUBNET_PREFIX} subnet${room === 1 ? '' : 's'}, but ${azs} availability zones need ${needed} (public, private and isolated in each)`, {
        ...at,
        hint: `use a /${smallest} or larger (a prefix of /${smallest} or less), e.g. "${ip(aligned)}/${smallest}"`,
      }),
    );
  }
};
