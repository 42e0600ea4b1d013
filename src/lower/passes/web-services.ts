/** The web services, from configuration: [deploy.services.<name>], or one service "web" from [deploy.compute]. */
import { configKey, type Pass } from '../context.js';

export const webServices: Pass = ({ config, draft }) => {
  const named = Object.entries(config.deploy.services);
  if (named.length === 0) {
    const c = config.deploy.compute;
    draft.webServices = [{ id: 'service:web', name: 'web', runtime: c.runtime, paths: c.paths, because: [configKey(config, 'compute.runtime')] }];
    return;
  }
  draft.webServices = named.map(([name, s]) => ({ id: `service:${name}`, name, runtime: s.runtime, paths: s.paths, because: [configKey(config, `services.${name}.runtime`)] }));
};
