/**
 * API Gateway (`[deploy.api_gateway] enabled`): an HTTP API in front of the load balancer, in
 * the Api stack. The load balancer becomes internal (private subnets, HTTP inside the VPC) and
 * the API reaches it through a VPC link; each web service's paths become routes to it (the load
 * balancer routes them on to the service, as it does without the API). The stage is throttled
 * from config and writes access logs; with `[deploy.domain] name`, the API (not the load
 * balancer) gets the custom domain, its certificate and DNS record.
 *
 * The seed's trade-off: the API adds API management (throttling, keys, versioning) and 50-100 ms
 * of latency per request, so the load balancer alone stays the default.
 */
import type { ResolvedConfig } from '../config/index.js';
import { apiRouteKeys, configKey, parameterBase, type InfraRequirements } from '../lower/index.js';
import type { AwsService } from './aws.js';
import type { Cost, PlanResourceDraft } from './model.js';

/** HTTP API requests per million (first 300 million a month), and the range the estimate assumes. */
const HTTP_API_PER_MILLION = 1;
const REQUESTS_MILLIONS = { low: 10, high: 50 } as const;

export interface AwsApiRoute {
  /** The HTTP API route key: `ANY /api/user/{proxy+}`, or `$default`. */
  readonly key: string;
  /** The service the load balancer sends it to. */
  readonly service: string;
  /** The load balancer path pattern it comes from. */
  readonly path: string;
}

export interface AwsApiGateway {
  readonly routes: readonly AwsApiRoute[];
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** The custom domain (`[deploy.domain]`), or '' for the API's own address. */
  readonly domain: string;
  readonly certificateArn: string;
  readonly hostedZone: string;
  readonly hostedZoneId: string;
  /** The access log group, before `-<creation id>` of the Api stack. */
  readonly accessLogGroup: string;
  /** The SSM parameter the Compute stack writes with the load balancer listener's ARN. */
  readonly listenerParameter: string;
}

/** The routes of the web services, in order: each path pattern of each service (see apiRouteKeys). */
export function apiRoutes(services: readonly Pick<AwsService, 'name' | 'role' | 'settings'>[]): AwsApiRoute[] {
  const web = services.filter((s) => s.role === 'web');
  return web.flatMap((s, i) => {
    const paths = s.settings.paths.length ? s.settings.paths : i === 0 ? [] : [`/${s.name}/*`];
    if (!paths.length) return [{ key: '$default', service: s.name, path: '(default)' }];
    // The api-gateway lowering pass refuses a pattern without a route (DZ5121).
    return paths.flatMap((p) => (apiRouteKeys(p) ?? []).map((key) => ({ key, service: s.name, path: p })));
  });
}

/** The AWS choices of `[deploy.api_gateway]`, or null when it is off. */
export function awsApiGateway(req: Pick<InfraRequirements, 'app'>, config: ResolvedConfig, services: readonly Pick<AwsService, 'name' | 'role' | 'settings'>[]): AwsApiGateway | null {
  const d = config.deploy;
  if (!d.api_gateway.enabled) return null;
  return {
    routes: apiRoutes(services),
    throttle: { rateLimit: d.api_gateway.throttling_rate_limit, burstLimit: d.api_gateway.throttling_burst_limit },
    domain: d.domain.name ? (d.domain.subdomain ? `${d.domain.subdomain}.${d.domain.name}` : d.domain.name) : '',
    certificateArn: d.domain.certificate_arn,
    hostedZone: d.domain.hosted_zone || d.domain.name,
    hostedZoneId: d.domain.hosted_zone_id,
    accessLogGroup: `/${req.app}/${d.environment}/api-access`,
    listenerParameter: `${parameterBase(req.app, d.environment)}/compute/load-balancer/listener-arn`,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The Api stack's resources in the plan. */
export function apiGatewayResources(g: AwsApiGateway, config: ResolvedConfig): PlanResourceDraft[] {
  const enabled = configKey(config, 'api_gateway.enabled');
  const cost: Cost = {
    low: round2(REQUESTS_MILLIONS.low * HTTP_API_PER_MILLION),
    high: round2(REQUESTS_MILLIONS.high * HTTP_API_PER_MILLION),
    basis: `${REQUESTS_MILLIONS.low}-${REQUESTS_MILLIONS.high} million requests/month`,
  };
  const custom = g.domain !== '';
  return [
    {
      id: 'Api',
      type: 'AWS::ApiGatewayV2::Api',
      title: `HTTP API in front of the internal load balancer (through a VPC link)${custom ? `, at https://${g.domain}` : ''}`,
      params: [
        ['routes', g.routes.map((r) => `${r.key} → ${r.service}`)],
        ['throttling', `${g.throttle.rateLimit} requests/s, bursts of ${g.throttle.burstLimit}`],
        ['access logs', `${g.accessLogGroup}-<creation id>`],
        ['latency', 'adds 50-100 ms per request (the seed\'s trade-off); the load balancer alone is the default'],
      ],
      because: [enabled, configKey(config, 'api_gateway.throttling_rate_limit'), configKey(config, 'api_gateway.throttling_burst_limit')],
      cost,
      cloudformation: {
        'AWS::ApiGatewayV2::Api': 1,
        'AWS::ApiGatewayV2::Stage': 1,
        'AWS::ApiGatewayV2::Integration': 1,
        'AWS::ApiGatewayV2::Route': g.routes.length,
        'AWS::ApiGatewayV2::VpcLink': 1,
        'AWS::EC2::SecurityGroup': 1,
        'AWS::Logs::LogGroup': 1,
      },
    },
    ...(custom
      ? [
          {
            id: 'ApiDomain',
            type: 'AWS::ApiGatewayV2::DomainName',
            title: `custom domain ${g.domain} for the API`,
            params: [
              ['certificate', g.certificateArn || 'created (DNS validation)'],
              ['DNS record', g.hostedZoneId ? `alias in ${g.hostedZone}` : '(add a CNAME to the API domain yourself)'],
            ],
            because: [configKey(config, 'domain.name')],
            cost: null,
            cloudformation: {
              'AWS::ApiGatewayV2::DomainName': 1,
              'AWS::ApiGatewayV2::ApiMapping': 1,
              'AWS::CertificateManager::Certificate': g.certificateArn ? 0 : 1,
              'AWS::Route53::RecordSet': g.hostedZoneId ? 1 : 0,
            },
          } satisfies PlanResourceDraft,
        ]
      : []),
  ];
}
