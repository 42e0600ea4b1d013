/**
 * `[deploy.api_gateway] enabled`: every web service's path patterns must be routes an HTTP API
 * can have (src/lower/api-routes.ts); one that is not is an error at its line (DZ5121).
 */
import { diag, quote } from '../../diagnostics/index.js';
import { apiRouteKeys } from '../api-routes.js';
import { configKey, spanOf, type Pass } from '../context.js';

export const apiGateway: Pass = ({ config, report }) => {
  if (!config.deploy.api_gateway.enabled) return;
  const named = Object.entries(config.deploy.services);
  const tables = named.length ? named.map(([name, s]) => [`services.${name}.paths`, s.paths] as const) : [['compute.paths', config.deploy.compute.paths] as const];
  for (const [key, paths] of tables) {
    paths.forEach((p, i) => {
      if (apiRouteKeys(p) !== null) return;
      // The key's own line when it was written for the service, else the compute default's.
      const at = config.sources[key] ? key : 'compute.paths';
      report(
        diag('DZ5121', `path ${quote(p)} (deploy.${key}[${i}]) cannot be an API Gateway route: an HTTP API route has no wildcard but a final /* ({proxy+})`, {
          ...spanOf(config, configKey(config, at)),
          keyPath: `deploy.${at}`,
          hint: 'write the path as /prefix/* or an exact path, or set [deploy.api_gateway] enabled = false to keep the load balancer\'s patterns',
        }),
      );
    });
  }
};
