/**
 * Production without a domain serves the app over plain HTTP to the internet: the load
 * balancer listens on port 80 only, because there is no name to hold a certificate for.
 * That is a warning at plan and generate (not an error: an API behind a CDN, or a test of
 * the prod sizes, may want it), with the fix in its hint.
 */
import { diag } from '../../diagnostics/index.js';
import { configKey, spanOf, type Pass } from '../context.js';

export const plainHttp: Pass = ({ config, report }) => {
  const d = config.deploy;
  // With API Gateway, the internet reaches the app through the API's HTTPS endpoint only.
  if (d.environment !== 'prod' || d.domain.name !== '' || d.api_gateway.enabled) return;
  // At the line that chose prod, when dazzle.toml did (with --env prod there is no line to point at).
  report(
    diag('DZ5080', "environment 'prod' serves the app over plain HTTP to the internet: [deploy.domain] name is not set, so the load balancer has no certificate and listens on port 80 only", {
      ...spanOf(config, configKey(config, 'environment')),
      keyPath: 'deploy.domain.name',
      hint: 'set [deploy.domain] name = "example.com" (or in [deploy.env.prod.domain]), with hosted_zone_id to validate its certificate through Route 53 or certificate_arn to use one you have: the load balancer then serves HTTPS on 443 and redirects port 80 to it',
    }),
  );
};
