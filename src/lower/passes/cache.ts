/** Integrations, experiences and sessions → a Redis-compatible cache ([deploy.cache] enabled overrides). */
import { diag } from '../../diagnostics/index.js';
import { configKey, dsl, spanOf, type Pass } from '../context.js';
import type { Because } from '../requirements.js';

export const cache: Pass = ({ spec, config, draft, report }) => {
  const enabled = config.deploy.cache.enabled;
  if (enabled === false) return;
  const uses: string[] = [];
  const because: Because[] = [];
  for (const i of spec.integrations) {
    uses.push(`integration ${i.name}`);
    because.push(dsl('integration', i));
  }
  for (const e of spec.experiences) {
    uses.push(`experience ${e.name}`);
    because.push(dsl('experience', e));
  }
  if (config.sessions) {
    uses.push('sessions');
    because.push({ kind: 'config', key: 'auth.provider', source: config.sessions });
  }
  if (enabled === true && uses.length === 0) {
    uses.push('configuration');
    because.push(configKey(config, 'cache.enabled'));
  }
  if (uses.length === 0) return;
  draft.cache = { id: 'cache', uses, because };
  // Kvrocks' nodes and sentinels find each other, and the services find the sentinels, by their Cloud Map names.
  if (config.deploy.cache.engine === 'kvrocks' && config.deploy.network.namespace === '') {
    const engine = configKey(config, 'cache.engine');
    report(
      diag('DZ5120', `cache.engine = "kvrocks" needs a Cloud Map namespace: the nodes and sentinels are reached by name (kvrocks-1.<namespace>, sentinel-1.<namespace>), and [deploy.network] namespace is not set`, {
        ...spanOf(config, engine),
        keyPath: 'deploy.cache.engine',
        hint: 'set [deploy.network] namespace = "<app>.local" (a private DNS namespace), or use engine = "valkey" (ElastiCache)',
      }),
    );
  }
};
