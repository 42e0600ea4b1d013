/**
 * Load balancer path patterns as API Gateway HTTP API routes (`[deploy.api_gateway]`): the
 * load balancer's `*` matches anything anywhere, an HTTP API route has only a greedy
 * `{proxy+}` at its end. So `/api/user/*` is `ANY /api/user/{proxy+}`, `/api/event` is
 * `ANY /api/event`, `/*` is `ANY /{proxy+}`; any other wildcard has no route (DZ5121).
 */

/** The route keys of one path pattern, or null when API Gateway has no route for it. */
export function apiRouteKeys(pattern: string): string[] | null {
  const greedy = /^(.*)\/\*$/.exec(pattern);
  const base = greedy ? greedy[1] ?? '' : pattern;
  if (/[*?{}]/.test(base)) return null;
  return [greedy ? `ANY ${base}/{proxy+}` : `ANY ${base}`];
}
