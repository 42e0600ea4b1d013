/**
 * The Api stack (`[deploy.api_gateway] enabled`): an HTTP API whose routes (each web service's
 * paths) reach the internal load balancer through a VPC link; a `$default` stage throttled from
 * config, with access logs; the custom domain of `[deploy.domain]`, with its certificate and
 * alias record. The Compute stack publishes the load balancer listener's ARN for it.
 * See src/plan/api-gateway.ts.
 */
import { InternalError } from '../../diagnostics/index.js';
import type { DeploymentPlan } from '../../plan/index.js';
import { commentBlock, header, lit, mdCode, mdText, pascal, str, tpl } from '../code.js';
import { because, distinct, propsInterface, removalPolicy, stackSource, type EmitContext, type StackSource } from '../model.js';
import { retention } from './network.js';

/** A route's construct ID, from its key: `ANY /api/user/{proxy+}` → `RouteApiUserProxy`, `$default` → `RouteDefault`. */
function routeId(key: string): string {
  const path = key.replace(/^ANY /, '').replace(/[{}+$]/g, ' ');
  return `Route${pascal(path.replace(/[^A-Za-z0-9]+/g, '_')) || 'Root'}`;
}

/** The Compute stack's parameter with the listener's ARN (the Api stack's integration target), when there is an API. */
export function apiListenerParameter(ctx: EmitContext): string[] {
  const g = ctx.plan.aws.apiGateway;
  if (!g) return [];
  return [
    `    // The listener's ARN, for the Api stack's VPC link integration (read when that stack deploys).
    new ssm.StringParameter(this, 'ListenerParameter', {
      parameterName: ${str(g.listenerParameter)},
      stringValue: listener.listenerArn,
      description: 'The load balancer listener API Gateway sends requests to',
    });`,
  ];
}

export function apiGatewayStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const a = plan.aws;
  const g = a.apiGateway;
  if (!g) throw new InternalError('the Api stack without [deploy.api_gateway]');
  const isProd = a.environment === 'prod';
  const custom = g.domain !== '';
  distinct('Api stack routes', g.routes.map((r) => routeId(r.key)));

  const body: string[] = [];
  body.push(`    // The VPC's private subnets (the VPC link's) and the listener of the internal load balancer, from the
    // Network and Compute stacks' SSM parameters, read when this stack deploys (lib/wiring.ts).
    const vpc = importVpc(this, { vpcId: true, private: true });
    const listenerArn = deployTimeValue(this, ${str(g.listenerParameter)});

${commentBlock(`HTTP API in front of the internal load balancer. API Gateway adds throttling and API management, and 50-100 ms per request (the seed's trade-off).`, because(plan, 'Api', 'Api'), projectRoot, '    ')}
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: ${str(`${a.app}-${a.environment}`)},
      description: ${str(`${a.app} (${a.environment}): routes to the services' load balancer`)},
      createDefaultStage: false,${custom ? '\n      // Reached at the custom domain only.\n      disableExecuteApiEndpoint: true,' : ''}
    });
    const vpcLinkSecurityGroup = new ec2.SecurityGroup(this, 'ApiVpcLinkSecurityGroup', {
      vpc,
      description: 'API Gateway VPC link: HTTP to the internal load balancer only',
      allowAllOutbound: false,
    });
    vpcLinkSecurityGroup.addEgressRule(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(80), 'HTTP to the internal load balancer');
    const vpcLink = new apigwv2.VpcLink(this, 'ApiVpcLink', {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [vpcLinkSecurityGroup],
    });
    const integration = new apigwv2.CfnIntegration(this, 'ApiIntegration', {
      apiId: this.api.apiId,
      integrationType: 'HTTP_PROXY',
      integrationMethod: 'ANY',
      integrationUri: listenerArn,
      connectionType: 'VPC_LINK',
      connectionId: vpcLink.vpcLinkId,
      payloadFormatVersion: '1.0',
    });
    // The routes: each service's paths; the load balancer sends each request on to its service.
    for (const [id, routeKey] of ROUTES) {
      const route = new apigwv2.CfnRoute(this, id, { apiId: this.api.apiId, routeKey, target: \`integrations/\${integration.ref}\` });
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'The services authenticate their users themselves (sessions); the API adds throttling and access logs in front of them.',
      });
    }`);

  body.push(`    // The stage: throttled, with an access log line per request.
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      logGroupName: \`${tpl(g.accessLogGroup)}-\${creationId(this)}\`,
      retention: ${retention(a.observability.logRetentionDays)},
      removalPolicy: ${removalPolicy(isProd ? 'retain' : 'destroy')},
    });
    const stage = new apigwv2.HttpStage(this, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: ${lit(g.throttle.rateLimit)}, burstLimit: ${lit(g.throttle.burstLimit)} },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: apigw.AccessLogFormat.jsonWithStandardFields() },
    });`);

  if (custom) {
    body.push(`${commentBlock(`The custom domain ${g.domain}: a certificate, the API's domain name and mapping${g.hostedZoneId ? ', and the alias record' : ''}.`, because(plan, 'Api', 'ApiDomain'), projectRoot, '    ')}${
      g.hostedZoneId
        ? `
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: ${str(g.hostedZoneId)}, zoneName: ${str(g.hostedZone)} });`
        : ''
    }
    const certificate = ${
      g.certificateArn
        ? `acm.Certificate.fromCertificateArn(this, 'ApiCertificate', ${str(g.certificateArn)});`
        : `new acm.Certificate(this, 'ApiCertificate', {
      domainName: ${str(g.domain)},
      validation: acm.CertificateValidation.fromDns(${g.hostedZoneId ? 'zone' : ''}),
    });`
    }
    const domainName = new apigwv2.DomainName(this, 'ApiDomain', { domainName: ${str(g.domain)}, certificate });
    new apigwv2.ApiMapping(this, 'ApiMapping', { api: this.api, domainName, stage });${
      g.hostedZoneId
        ? `
    new route53.ARecord(this, 'ApiDnsRecord', {
      zone,
      recordName: ${str(g.domain)},
      target: route53.RecordTarget.fromAlias(new route53targets.ApiGatewayv2DomainProperties(domainName.regionalDomainName, domainName.regionalHostedZoneId)),
    });`
        : ''
    }`);
  }
  body.push(`    // Where the app answers (an output without an export: nothing imports it).
    new CfnOutput(this, 'Url', { value: ${custom ? str(`https://${g.domain}`) : 'this.api.apiEndpoint'}, description: 'The address of the app (API Gateway)' });`);

  const source = `${header('Api stack: an API Gateway HTTP API in front of the internal load balancer.', plan.app, plan.environment)}
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
${custom ? "import * as acm from 'aws-cdk-lib/aws-certificatemanager';\n" : ''}import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
${custom && g.hostedZoneId ? "import * as route53 from 'aws-cdk-lib/aws-route53';\nimport * as route53targets from 'aws-cdk-lib/aws-route53-targets';\n" : ''}import type { Construct } from 'constructs';
import { creationId, deployTimeValue, importVpc, VPC_CIDR } from './wiring';

${propsInterface('ApiStack', [])}

/** The routes (construct ID, route key): each web service's load balancer paths. */
const ROUTES: readonly (readonly [string, string])[] = ${lit(g.routes.map((r) => [routeId(r.key), r.key]))};

export class ApiStack extends Stack {
  /** The HTTP API. */
  readonly api: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

${body.join('\n\n')}
  }
}
`;
  return stackSource('Api', [], source);
}

/** The generated README's section on the API (when enabled): its address, routes and the seed's latency trade-off. */
export function apiGatewayReadme(plan: DeploymentPlan): string {
  const g = plan.aws.apiGateway;
  if (!g) return '';
  return `## API Gateway

Requests reach the services through an API Gateway HTTP API (the Api stack)${g.domain ? ` at ${mdCode(`https://${g.domain}`)}` : ' at its own address (the Api stack\'s \`Url\` output)'}; the load
balancer is internal and reached only through the API's VPC link. Routes: ${g.routes.map((r) => `${mdCode(r.key)} → ${mdText(r.service)}`).join(', ')}.
The stage allows ${g.throttle.rateLimit} requests a second on average and bursts of ${g.throttle.burstLimit} (more are answered 429), and
writes an access log line per request. The trade-off: API management (throttling, and keys or versions if you add
them) for 50-100 ms more per request; set \`[deploy.api_gateway] enabled = false\` for the load balancer alone (the default).

`;
}
