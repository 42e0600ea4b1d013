/**
 * Facts about the EC2 instance types dazzle runs itself (the TigerBeetle replicas), bundled and
 * dated, so that `check` can compare a size with what the software on it needs, offline.
 *
 * To update: read the instance type's page (aws.amazon.com/ec2/instance-types) or
 * `aws ec2 describe-instance-types --instance-types <type>`, add the row, and move
 * {@link INSTANCE_TYPES_AS_OF} to the day you looked.
 */
import type { TigerBeetleSize } from './vocabulary.js';

/** The day the table below was checked against AWS's instance type specifications. */
export const INSTANCE_TYPES_AS_OF = '2026-11-01';

/** What an instance type offers: its vCPUs and memory, in GiB as AWS lists them. */
export interface InstanceFacts {
  readonly vcpus: number;
  readonly memoryGib: number;
}

/** Every size `tigerbeetle.size` accepts (the type makes a missing row a compile error). */
export const TIGERBEETLE_INSTANCE_TYPES: Readonly<Record<TigerBeetleSize, InstanceFacts>> = {
  't3.medium': { vcpus: 2, memoryGib: 4 },
  't3.large': { vcpus: 2, memoryGib: 8 },
  'm6i.large': { vcpus: 2, memoryGib: 8 },
  'r6i.large': { vcpus: 2, memoryGib: 16 },
  'r6i.xlarge': { vcpus: 4, memoryGib: 32 },
  'r6i.2xlarge': { vcpus: 8, memoryGib: 64 },
};

/**
 * The memory a TigerBeetle replica needs at least, per machine: "A replica requires at least
 * 6 GiB RAM per machine. Between 16 GiB and 32 GiB or more (depending on budget) is recommended
 * to be allocated to each replica for caching." (docs.tigerbeetle.com/operating/hardware).
 */
export const TIGERBEETLE_MIN_MEMORY_GIB = 6;
/** The memory TigerBeetle recommends per replica for production (the low end of its range). */
export const TIGERBEETLE_RECOMMENDED_MEMORY_GIB = 16;
/** Where {@link TIGERBEETLE_MIN_MEMORY_GIB} is documented. */
export const TIGERBEETLE_HARDWARE_DOCS = 'https://docs.tigerbeetle.com/operating/hardware';

/** The size with the least memory that meets TigerBeetle's minimum (the first in the table on a tie). */
export function smallestTigerBeetleSize(): TigerBeetleSize {
  const fits = (Object.entries(TIGERBEETLE_INSTANCE_TYPES) as [TigerBeetleSize, InstanceFacts][]).filter(([, f]) => f.memoryGib >= TIGERBEETLE_MIN_MEMORY_GIB);
  fits.sort((a, b) => a[1].memoryGib - b[1].memoryGib);
  return (fits[0] as [TigerBeetleSize, InstanceFacts])[0];
}
