/** Integrations, experiences and sessions → a Redis-compatible cache ([deploy.cache] enabled overrides). */
import { configKey, dsl, type Pass } from '../context.js';
import type { Because } from '../requirements.js';

export const cache: Pass = ({ spec, config, draft }) => {
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
};
