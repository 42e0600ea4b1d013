/** Ledgers → a TigerBeetle cluster (unless [deploy.tigerbeetle] enabled = false). */
import { diag } from '../../diagnostics/index.js';
import { configKey, dsl, type Pass } from '../context.js';

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
};
