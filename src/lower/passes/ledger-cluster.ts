/** Ledgers → a TigerBeetle cluster (unless [deploy.tigerbeetle] enabled = false). */
import { diag } from '../../diagnostics/index.js';
import { configKey, dsl, spanOf, type Pass } from '../context.js';
import { tigerBeetleZone } from './network.js';

/** A zone that holds more than one replica, and what losing it does to the cluster. */
export interface SharedZone {
  /** Position among the availability zones (0-based). */
  readonly zone: number;
  readonly replicas: readonly number[];
  /** Whether the replicas left after losing this zone are still a majority (the cluster keeps working). */
  readonly survives: boolean;
}

/**
 * A majority of `nodeCount` replicas: what TigerBeetle needs to elect a primary and commit (its
 * view-change quorum, which for clusters of up to 6 replicas is a majority).
 */
export function tigerBeetleMajority(nodeCount: number): number {
  return Math.floor(nodeCount / 2) + 1;
}

/** The zones that hold more than one of `nodeCount` replicas spread over `azCount` zones, in zone order. */
export function sharedZones(nodeCount: number, azCount: number): SharedZone[] {
  const byZone = new Map<number, number[]>();
  for (let i = 0; i < nodeCount; i++) {
    const zone = tigerBeetleZone(azCount, i);
    byZone.set(zone, [...(byZone.get(zone) ?? []), i]);
  }
  return [...byZone.entries()]
    .filter(([, replicas]) => replicas.length > 1)
    .sort(([a], [b]) => a - b)
    .map(([zone, replicas]) => ({ zone, replicas, survives: nodeCount - replicas.length >= tigerBeetleMajority(nodeCount) }));
}

/** "replicas 0 and 2", "replicas 0, 3 and 6". */
export function replicaList(replicas: readonly number[]): string {
  return `replicas ${replicas.length > 1 ? `${replicas.slice(0, -1).join(', ')} and ${replicas[replicas.length - 1]}` : String(replicas[0])}`;
}

export const ledgerCluster: Pass = ({ spec, config, draft, report }) => {
  if (spec.ledgers.length === 0) return;
  if (!config.deploy.tigerbeetle.enabled) {
    const first = spec.ledgers[0];
    report(
      diag('DZ5001', `the DSL declares ${spec.ledgers.length} ledger${spec.ledgers.length === 1 ? '' : 's'} but [deploy.tigerbeetle] enabled = false, so no TigerBeetle cluster is deployed`, {
        ...(first ? { span: first.span } : {}),
        hint: 'the app must then reach an existing TigerBeetle cluster; remove enabled = false to deploy one',
      }),
    );
    return;
  }
  draft.ledgerCluster = {
    id: 'ledger-cluster',
    ledgers: spec.ledgers.map((l) => l.name),
    currencies: [...new Set(spec.ledgers.map((l) => l.currency))].sort(),
    because: [...spec.ledgers.map((l) => dsl('ledger', l)), ...(config.sources['tigerbeetle.enabled']?.kind === 'file' ? [configKey(config, 'tigerbeetle.enabled')] : [])],
  };
  zoneLoss({ spec, config, draft, report });
};

/**
 * In prod, a zone whose loss stops the cluster is a warning (the plan notes it in every
 * environment): with fewer zones than replicas, one zone holds a majority.
 */
const zoneLoss: Pass = ({ config, report }) => {
  const { environment, network, tigerbeetle } = config.deploy;
  if (environment !== 'prod') return;
  const fatal = sharedZones(tigerbeetle.node_count, network.az_count).find((z) => !z.survives);
  if (!fatal) return;
  // At the line that set the zone count (or the replica count), with the other as a related location.
  const placed = ['network.az_count', 'tigerbeetle.node_count'].map((k) => ({ key: `deploy.${k}`, ...spanOf(config, configKey(config, k)) })).filter((c) => c.span);
  const [first, second] = placed;
  report(
    diag(
      'DZ5060',
      `TigerBeetle ${replicaList(fatal.replicas)} share availability zone #${fatal.zone + 1} (${tigerbeetle.node_count} replicas in ${network.az_count} zones): losing that zone stops the prod cluster, ${fatal.replicas.length} of its ${tigerbeetle.node_count} replicas with it`,
      {
        ...(first?.span ? { span: first.span } : {}),
        keyPath: first?.key ?? 'deploy.network.az_count',
        ...(second?.span ? { related: [{ message: `${second.key} is set here`, span: second.span }] } : {}),
        hint:
          network.az_count < 3
            ? 'set [deploy.env.prod.network] az_count = 3 so that no zone holds a majority of the replicas; in a region with only two zones, one zone\'s loss stops the ledger'
            : 'use 3 or 5 replicas (tigerbeetle.node_count, fixed when the data files are formatted), which 3 zones spread so that no zone holds a majority',
      },
    ),
  );
};
