/** Internet ingress, and what the public load balancer serves. */
import type { Res } from '../facts.js';
import { isObj, listOf, literal } from '../template.js';
import type { Check, Draft } from './context.js';
import { covers, internetFacing, isPublic, loadBalancersOf, portText, shownName, vpcBlocks } from './network-facts.js';
import { clusterOf } from './tigerbeetle.js';

/** The ports a public load balancer may take from anywhere. */
const LOAD_BALANCER_PORTS = [80, 443];

/** Public ingress other than an internet-facing load balancer's 80/443 (TigerBeetle's ports are TB_PUBLIC_ACCESS's). */
export const publicIngress: Check = (ctx) => {
  const { facts } = ctx;
  const vpcs = vpcBlocks(facts);
  const cluster = clusterOf(ctx);
  const out: Draft[] = [];
  for (const rule of facts.ingress()) {
    const s = rule.source;
    if (s.kind !== 'cidr' || !isPublic(s.cidr, s.v6, vpcs)) continue;
    if (cluster?.groups.includes(rule.group) && cluster.ports.some((p) => covers(rule, p))) continue;
    const lbs = loadBalancersOf(facts, rule.group).filter(internetFacing);
    const lbPortsOnly = rule.fromPort === rule.toPort && LOAD_BALANCER_PORTS.includes(rule.fromPort);
    if (lbs.length && lbPortsOnly) continue;
    const attached = facts.attachedTo(rule.group);
    out.push({
      rule: 'NET_PUBLIC_INGRESS',
      message: `security group ${shownName(rule.group)} lets ${s.cidr} reach ${portText(rule)}${attached.length ? ` of ${attached.map(shownName).sort().join(', ')}` : ''}${lbs.length ? "; a load balancer takes only 80 and 443 from anywhere" : ''}`,
      resource: rule.holder,
    });
  }
  return out;
};

/** A listener forwards plain HTTP unless every default action redirects to HTTPS. */
function servesHttp(listener: Res): boolean {
  const p = listener.resource.Properties ?? {};
  if (literal(p.Protocol) !== 'HTTP') return false;
  const actions = listOf(p.DefaultActions).filter(isObj);
  return !actions.length || !actions.every((a) => literal(a.Type) === 'redirect' && isObj(a.RedirectConfig) && literal(a.RedirectConfig.Protocol) === 'HTTPS');
}

/** An internet-facing application load balancer that serves plain HTTP (prod only, see the rule). */
export const plainHttp: Check = ({ facts }) => {
  const out: Draft[] = [];
  for (const listener of facts.ofType('AWS::ElasticLoadBalancingV2::Listener')) {
    if (!servesHttp(listener)) continue;
    const lb = facts.target(listener.resource.Properties?.LoadBalancerArn, listener.stack);
    if (!lb || !internetFacing(lb) || literal(lb.resource.Properties?.Type) === 'network') continue;
    const port = literal(listener.resource.Properties?.Port) ?? '80';
    out.push({
      rule: 'LB_PLAIN_HTTP',
      message: `the internet-facing load balancer ${shownName(lb)} serves plain HTTP on port ${port}: requests and responses, session cookies included, cross the internet unencrypted`,
      keys: ['domain.name'],
      resource: listener,
    });
  }
  return out;
};
