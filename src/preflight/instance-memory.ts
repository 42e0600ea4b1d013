/**
 * Memory of EC2 instance types, in GiB: the one table preflight reads (for
 * TigerBeetle's documented minimum). Burstable types are listed by size; the
 * fixed-ratio families by their GiB per vCPU, with the vCPUs of each size.
 * Types it does not know have no answer (undefined), never a guess.
 */

/** Burstable families: memory by size. */
const BURSTABLE: Readonly<Record<string, number>> = { nano: 0.5, micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32 };
const BURSTABLE_FAMILIES = /^(t2|t3|t3a|t4g)$/;

/** GiB per vCPU of the general purpose (m), compute (c) and memory (r, x2) families of the current generations. */
const RATIO: ReadonlyArray<readonly [RegExp, number]> = [
  [/^c[5-8](a|i|g|gd|gn|id|ad|in|n|d)?$/, 2],
  [/^m[5-8](a|i|g|gd|id|ad|in|n|d|dn|zn)?$/, 4],
  [/^r[5-8](a|i|g|gd|id|ad|in|n|d|dn|b|iz)?$/, 8],
];

/** vCPUs of a size: medium 1, large 2, xlarge 4, Nxlarge 4N. */
function vcpus(size: string): number | undefined {
  if (size === 'medium') return 1;
  if (size === 'large') return 2;
  if (size === 'xlarge') return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? 4 * Number(m[1]) : undefined;
}

/** The memory of an instance type in GiB, or undefined when this table does not know it. */
export function instanceMemoryGib(type: string): number | undefined {
  const [family, size, ...rest] = type.split('.');
  if (!family || !size || rest.length) return undefined;
  if (BURSTABLE_FAMILIES.test(family)) return BURSTABLE[size];
  for (const [re, perCpu] of RATIO) {
    if (!re.test(family)) continue;
    const n = vcpus(size);
    return n === undefined ? undefined : n * perCpu;
  }
  return undefined;
}
