/**
 * Bundled on-demand prices (USD) used for the plan's monthly estimate. They are
 * list prices as published for Linux/on-demand, rounded, and dated: the plan
 * prints the date and calls the figure an estimate. Usage-priced items
 * (requests, messages, data) are given as ranges with their assumption.
 */

export const PRICE_TABLE_DATE = '2026-11-01';
export const HOURS_PER_MONTH = 730;

export interface RegionPrices {
  /** EC2 instance, per hour. */
  readonly ec2: Readonly<Record<string, number>>;
  /** Aurora PostgreSQL provisioned instance, per hour. */
  readonly aurora: Readonly<Record<string, number>>;
  /** ElastiCache node, per hour. */
  readonly elasticache: Readonly<Record<string, number>>;
  /** MSK broker, per hour. */
  readonly msk: Readonly<Record<string, number>>;
  readonly fargateVcpuHour: number;
  readonly fargateGbHour: number;
  readonly auroraAcuHour: number;
  readonly auroraStorageGbMonth: number;
  readonly natHour: number;
  readonly albHour: number;
  readonly albLcuHour: number;
  readonly gp3GbMonth: number;
  readonly gp3IopsMonth: number;
  readonly gp3MibpsMonth: number;
  readonly io2GbMonth: number;
  readonly io2IopsMonth: number;
  readonly mskStorageGbMonth: number;
  readonly s3GbMonth: number;
}

const US_EAST: RegionPrices = {
  ec2: { 't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832, 'r6i.large': 0.126, 'r6i.xlarge': 0.252, 'r6i.2xlarge': 0.504, 'm6i.large': 0.096 },
  aurora: { 'db.t3.medium': 0.082, 'db.t4g.medium': 0.073, 'db.r6g.large': 0.26, 'db.r6g.xlarge': 0.519, 'db.r6g.2xlarge': 1.038 },
  elasticache: { 'cache.t4g.micro': 0.016, 'cache.t4g.small': 0.032, 'cache.t4g.medium': 0.065, 'cache.r6g.large': 0.206 },
  msk: { 'kafka.t3.small': 0.0456, 'kafka.m5.large': 0.21, 'kafka.m5.xlarge': 0.42 },
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  auroraAcuHour: 0.12,
  auroraStorageGbMonth: 0.1,
  natHour: 0.045,
  albHour: 0.0225,
  albLcuHour: 0.008,
  gp3GbMonth: 0.08,
  gp3IopsMonth: 0.005,
  gp3MibpsMonth: 0.04,
  io2GbMonth: 0.125,
  io2IopsMonth: 0.065,
  mskStorageGbMonth: 0.1,
  s3GbMonth: 0.023,
};

/** Scale a region's prices from us-east-1's (these regions price compute and storage uniformly higher). */
function scaled(f: number, extra: Partial<RegionPrices> = {}): RegionPrices {
  const m = (r: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * f * 10000) / 10000]));
  const n = (v: number) => Math.round(v * f * 100000) / 100000;
  return {
    ec2: m(US_EAST.ec2),
    aurora: m(US_EAST.aurora),
    elasticache: m(US_EAST.elasticache),
    msk: m(US_EAST.msk),
    fargateVcpuHour: n(US_EAST.fargateVcpuHour),
    fargateGbHour: n(US_EAST.fargateGbHour),
    auroraAcuHour: n(US_EAST.auroraAcuHour),
    auroraStorageGbMonth: n(US_EAST.auroraStorageGbMonth),
    natHour: n(US_EAST.natHour),
    albHour: n(US_EAST.albHour),
    albLcuHour: n(US_EAST.albLcuHour),
    gp3GbMonth: n(US_EAST.gp3GbMonth),
    gp3IopsMonth: n(US_EAST.gp3IopsMonth),
    gp3MibpsMonth: n(US_EAST.gp3MibpsMonth),
    io2GbMonth: n(US_EAST.io2GbMonth),
    io2IopsMonth: n(US_EAST.io2IopsMonth),
    mskStorageGbMonth: n(US_EAST.mskStorageGbMonth),
    s3GbMonth: n(US_EAST.s3GbMonth),
    ...extra,
  };
}

/** Regions with bundled prices. Other regions are estimated with us-east-1's prices, and the plan says so. */
export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': US_EAST,
  'us-east-2': US_EAST,
  'eu-west-1': scaled(1.1, { natHour: 0.048, albHour: 0.0252 }),
  'eu-west-2': scaled(1.16, { natHour: 0.05, albHour: 0.0264 }),
};

/** Flat monthly prices that do not vary by region here. */
export const FLAT = {
  dashboardMonth: 3,
  alarmMonth: 0.1,
  secretMonth: 0.4,
  logsIngestGb: 0.5,
  sqsPerMillion: 0.4,
  eventBridgePerMillion: 1,
  schedulerPerMillion: 1,
  sesPerThousand: 0.1,
  parameterMonth: 0,
  snsMonth: 0,
  /** A customer managed KMS key. */
  kmsKeyMonth: 1,
  /** ECR image storage, per GB-month. */
  ecrGbMonth: 0.1,
} as const;

/**
 * The hourly price of an instance type in one of the tables, or undefined when the bundled
 * table has none (a type it does not list, or one newer than dazzle's lists): the resource is
 * then not estimated rather than estimated at $0, and a note in `notes` says so, once per type.
 */
export function hourlyPrice(table: Readonly<Record<string, number>>, type: string, key: string, notes: string[]): number | undefined {
  if (Object.hasOwn(table, type)) return table[type];
  const note = `No bundled price for ${type} (deploy.${key}): it is not in the estimate.`;
  if (!notes.includes(note)) notes.push(note);
  return undefined;
}

/** A cost from an hourly price, or null (not estimated) when there is no price. */
export function ifPriced<T>(hourly: number | undefined, cost: (hourly: number) => T): T | null {
  return hourly === undefined ? null : cost(hourly);
}

export function pricesFor(region: string): { readonly prices: RegionPrices; readonly bundled: boolean } {
  const p = PRICES[region];
  return p ? { prices: p, bundled: true } : { prices: US_EAST, bundled: false };
}
