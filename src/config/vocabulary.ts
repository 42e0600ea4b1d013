/** Facts about AWS that the configuration is checked against. */

/** AWS commercial regions (and GovCloud) as of this release. */
export const AWS_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
] as const;

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Fargate task sizes: CPU units → the memory values (MiB) AWS accepts with it. */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/**
 * Sizes TigerBeetle nodes may use: the deployment guide's table, and the smallest general
 * purpose types with the memory TigerBeetle needs (tigerbeetle-sizes.ts has their facts).
 */
export const TIGERBEETLE_SIZES = ['t3.medium', 't3.large', 'm6i.large', 'r6i.large', 'r6i.xlarge', 'r6i.2xlarge'] as const;
export type TigerBeetleSize = (typeof TIGERBEETLE_SIZES)[number];

/** EBS volume limits used to choose gp3 or io2 for TigerBeetle data volumes. */
export const EBS = {
  gp3: { maxIops: 16000, iopsPerGib: 500, baselineIops: 3000, minThroughput: 125, maxThroughput: 1000, mibPerIops: 0.25 },
  io2: { maxIops: 64000, iopsPerGib: 1000 },
} as const;

/** CloudWatch Logs retention periods (days) that AWS accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
