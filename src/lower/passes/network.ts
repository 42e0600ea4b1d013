/**
 * The VPC's address plan: three tiers of /24 subnets (public, private, isolated),
 * one per availability zone each, allocated in that order from the start of
 * `[deploy.network] vpc_cidr` (the order aws-cdk allocates them in), and the
 * fixed private addresses of the TigerBeetle replicas. The pass checks that
 * the layout fits the VPC before anything is planned on it.
 */
import { parseCidr } from '../../config/index.js';
import { InternalError } from '../../diagnostics/index.js';
import type { Pass } from '../context.js';

function ip(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The VPC's network address; the config checks (DZ4023, DZ4024) refuse any other block before the plan uses it. */
function baseOf(vpcCidr: string, azCount: number): number {
  const block = parseCidr(vpcCidr);
  if (!block || block.address % 2 ** (32 - block.prefix) !== 0 || 2 ** (SUBNET_PREFIX - block.prefix) < TIERS * azCount) {
    throw new InternalError(`vpc_cidr ${vpcCidr} does not hold ${TIERS * azCount} /${SUBNET_PREFIX} subnets`);
  }
  return block.address;
}

/** Every subnet is a /24 (251 usable addresses: room for tasks, nodes and the reserved TigerBeetle block). */
export const SUBNET_PREFIX = 24;
const SUBNET_SIZE = 2 ** (32 - SUBNET_PREFIX);
/** Subnet tiers per availability zone. */
const TIERS = 3;
/** TigerBeetle replica addresses: host 10 upwards in a private subnet, inside the reserved .8/29. */
const TIGERBEETLE_FIRST_HOST = 10;

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
  const base = baseOf(vpcCidr, azCount);
  const block = (i: number) => `${ip(base + i * SUBNET_SIZE)}/${SUBNET_PREFIX}`;
  const range = (from: number) => Array.from({ length: azCount }, (_, i) => block(from + i));
  return { public: range(0), private: range(azCount), isolated: range(2 * azCount) };
}

/** The zone (position among the AZs) of TigerBeetle replica i: round robin, so replica 0 and replica azCount share one. */
export function tigerBeetleZone(azCount: number, i: number): number {
  return i % azCount;
}

/** Private address of TigerBeetle replica i: spread over the AZs' private subnets, host 10 upwards. */
export function tigerBeetleAddress(vpcCidr: string, azCount: number, i: number): string {
  const base = baseOf(vpcCidr, azCount);
  return ip(base + (azCount + tigerBeetleZone(azCount, i)) * SUBNET_SIZE + TIGERBEETLE_FIRST_HOST + Math.floor(i / azCount));
}

/** The port TigerBeetle clients (and the other replicas) connect to. */
export const TIGERBEETLE_CLIENT_PORT = 3000;

/** The one ordered address list of the cluster (`address:3000`); a replica's index is its position. */
export function tigerBeetleAddresses(vpcCidr: string, azCount: number, nodeCount: number): string[] {
  return Array.from({ length: nodeCount }, (_, i) => `${tigerBeetleAddress(vpcCidr, azCount, i)}:${TIGERBEETLE_CLIENT_PORT}`);
}

/**
 * The layout is checked where it is written: the config loader refuses a block that is not a
 * network address (DZ4023) or too small for the subnets (DZ4024). Planning on any other block
 * is a broken invariant.
 */
export const network: Pass = ({ config }) => {
  const { vpc_cidr, az_count, availability_zones } = config.deploy.network;
  baseOf(vpc_cidr, az_count);
  // The loader resolves the zones and refuses a list whose length is not az_count (DZ4062).
  if (availability_zones.length !== az_count) throw new InternalError(`${availability_zones.length} availability zones for az_count ${az_count}`);
};
