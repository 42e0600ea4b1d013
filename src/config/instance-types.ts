/**
 * Instance types, checked where they are written in dazzle.toml: a type AWS does not have
 * (a typo such as `r6i.larg`) is an error with a "did you mean"; a type this dazzle cannot
 * vouch for (newer than its lists, or real hardware that the service is not known to offer)
 * is a warning, and the plan prices it as unknown rather than at $0.
 *
 * EC2 types come from the EC2 API's own list (ec2-instance-types.ts, generated). Aurora,
 * ElastiCache and MSK offer a subset of that hardware under their own prefix; their lists
 * below are kept by hand from AWS's documentation of the classes each service supports. A
 * type they lack but EC2 has is a warning, not an error, so a class added since is never refused.
 * To update them: add the families and sizes AWS documents and move {@link SERVICE_CLASSES_AS_OF}.
 */
import { closest } from '../diagnostics/index.js';
import { EC2_INSTANCE_FAMILIES, EC2_INSTANCE_TYPES_AS_OF } from './ec2-instance-types.js';

export { EC2_INSTANCE_TYPES_AS_OF };

/** The day the Aurora, ElastiCache and MSK lists were checked against AWS's documentation. */
export const SERVICE_CLASSES_AS_OF = '2025-06-01';

/** Whose instance types: EC2 itself, or a service that runs its own classes on EC2 hardware. */
export type InstanceService = 'ec2' | 'aurora' | 'elasticache' | 'msk';

type Families = Readonly<Record<string, readonly string[]>>;

const R_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'] as const;

/** Aurora PostgreSQL DB instance classes (provisioned; Serverless v2 is `mode = "serverless"`), without `db.`. */
const AURORA_POSTGRESQL: Families = {
  r8g: [...R_SIZES, '24xlarge', '48xlarge'],
  r7g: R_SIZES,
  r7i: [...R_SIZES, '24xlarge', '48xlarge'],
  r6g: R_SIZES,
  r6gd: R_SIZES.slice(1),
  r6i: [...R_SIZES, '24xlarge', '32xlarge'],
  r6id: [...R_SIZES.slice(1), '24xlarge', '32xlarge'],
  r5: [...R_SIZES, '24xlarge'],
  x2g: R_SIZES,
  t4g: ['medium', 'large'],
  t3: ['medium', 'large'],
};

/** ElastiCache (Valkey, Redis OSS) node types, without `cache.`. */
const ELASTICACHE: Families = {
  t4g: ['micro', 'small', 'medium'],
  t3: ['micro', 'small', 'medium'],
  t2: ['micro', 'small', 'medium'],
  m7g: R_SIZES,
  m6g: R_SIZES,
  m5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  m4: ['large', 'xlarge', '2xlarge', '4xlarge', '10xlarge'],
  r7g: R_SIZES,
  r6g: R_SIZES,
  r6gd: R_SIZES.slice(1),
  r5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  r4: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge'],
  c7gn: R_SIZES,
};

/** Amazon MSK (provisioned, standard) broker types, without `kafka.`. */
const MSK: Families = {
  t3: ['small'],
  m5: [...R_SIZES, '24xlarge'],
  m7g: R_SIZES,
};

const SERVICES: Readonly<Record<InstanceService, { readonly prefix: string; readonly families: Families; readonly what: string; readonly asOf: string }>> = {
  ec2: { prefix: '', families: EC2_INSTANCE_FAMILIES, what: 'an EC2 instance type', asOf: EC2_INSTANCE_TYPES_AS_OF },
  aurora: { prefix: 'db.', families: AURORA_POSTGRESQL, what: 'an Aurora PostgreSQL instance class', asOf: SERVICE_CLASSES_AS_OF },
  elasticache: { prefix: 'cache.', families: ELASTICACHE, what: 'an ElastiCache node type', asOf: SERVICE_CLASSES_AS_OF },
  msk: { prefix: 'kafka.', families: MSK, what: 'an Amazon MSK broker type', asOf: SERVICE_CLASSES_AS_OF },
};

/** What a value is, in the user's terms: "an Aurora PostgreSQL instance class". */
export function instanceTypeWhat(service: InstanceService): string {
  return SERVICES[service].what;
}

/** The day the list a service's types are checked against is as of. */
export function instanceTypesAsOf(service: InstanceService): string {
  return SERVICES[service].asOf;
}

/** Every type of a service's list, with its prefix (`db.r6g.large`). */
export function instanceTypes(service: InstanceService): string[] {
  const { prefix, families } = SERVICES[service];
  return Object.entries(families).flatMap(([family, sizes]) => sizes.map((size) => `${prefix}${family}.${size}`));
}

export type InstanceTypeCheck =
  /** In the service's list. */
  | { readonly kind: 'known' }
  /** Real EC2 hardware, but not in the service's list: it may be offered since, or not at all. */
  | { readonly kind: 'unlisted' }
  /** A family of a later generation than any in the EC2 list, with a size EC2 uses: launched since the list. */
  | { readonly kind: 'newer' }
  /** Not an instance type: a typo, or hardware that does not exist. */
  | { readonly kind: 'unknown'; readonly suggestion: string | undefined };

const EC2_SIZES = new Set(Object.values(EC2_INSTANCE_FAMILIES).flat());

/** `r7gd` → series `r`, generation 7; undefined for names that do not read that way. */
function generation(family: string): { readonly series: string; readonly generation: number } | undefined {
  const m = /^([a-z]+)(\d+)/.exec(family);
  return m ? { series: m[1] as string, generation: Number(m[2]) } : undefined;
}

/** The newest generation of each series in the EC2 list (`r` → 9). */
const NEWEST: ReadonlyMap<string, number> = (() => {
  const out = new Map<string, number>();
  for (const family of Object.keys(EC2_INSTANCE_FAMILIES)) {
    const g = generation(family);
    if (g) out.set(g.series, Math.max(out.get(g.series) ?? 0, g.generation));
  }
  return out;
})();

/** Check an instance type of `service` (with its prefix, as written in dazzle.toml). */
export function checkInstanceType(service: InstanceService, value: string): InstanceTypeCheck {
  const { prefix, families } = SERVICES[service];
  const unknown = (): InstanceTypeCheck => ({ kind: 'unknown', suggestion: closest(value, instanceTypes(service)) });
  if (!value.startsWith(prefix)) return unknown();
  const base = value.slice(prefix.length);
  const dot = base.indexOf('.');
  const family = base.slice(0, dot);
  const size = base.slice(dot + 1);
  if (dot < 0) return unknown();
  if (Object.hasOwn(families, family) && (families[family] as readonly string[]).includes(size)) return { kind: 'known' };
  if (service !== 'ec2' && Object.hasOwn(EC2_INSTANCE_FAMILIES, family) && (EC2_INSTANCE_FAMILIES[family] as readonly string[]).includes(size)) return { kind: 'unlisted' };
  const g = generation(family);
  const newest = g ? NEWEST.get(g.series) : undefined;
  if (!Object.hasOwn(EC2_INSTANCE_FAMILIES, family) && g && newest !== undefined && g.generation > newest && EC2_SIZES.has(size)) return { kind: 'newer' };
  return unknown();
}
