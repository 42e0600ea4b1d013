/**
 * Cloud Map (`[deploy.network] namespace`): the private DNS namespace's SSM parameters and the
 * name each ECS service registers under (`<name>.<namespace>`).
 */
import { parameterBase } from './aws-names.js';

/**
 * The SSM parameter the Network stack writes for the namespace (the stacks that register services
 * read it; the namespace's ARN is built from its ID).
 */
export function namespaceParameters(app: string, environment: string): { readonly id: string } {
  return { id: `${parameterBase(app, environment)}/network/namespace/id` };
}

/**
 * The DNS label a service registers under: its name in lower case with `-` for anything else
 * (`ticketing_service` → `ticketing-service`), at most 63 characters.
 */
export function discoveryName(name: string): string {
  const label = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'service';
  return label.slice(0, 63).replace(/-+$/, '');
}

/** Kvrocks' client port, and the sentinels' (the seed's 26666). */
export const KVROCKS_PORT = 6666;
export const SENTINEL_PORT = 26666;
/** The name the sentinels know the Kvrocks master by (the seed's). */
export const KVROCKS_MASTER_NAME = 'mymaster';
/** Redis Sentinels watching the Kvrocks master. */
export const SENTINEL_COUNT = 3;

/** The Cloud Map name of Kvrocks node or sentinel `index` (1-based): `kvrocks-1`, `sentinel-2`. */
export function kvrocksName(kind: 'kvrocks' | 'sentinel', index: number): string {
  return discoveryName(`${kind}-${index}`);
}

/** What the services receive as REDIS_SENTINELS: `sentinel-1.<namespace>:26666,…`. */
export function sentinelList(namespace: string): string {
  return Array.from({ length: SENTINEL_COUNT }, (_, i) => `${kvrocksName('sentinel', i + 1)}.${namespace}:${SENTINEL_PORT}`).join(',');
}
