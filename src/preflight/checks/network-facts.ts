/** Where traffic comes from: inside the VPC, from private ranges, or from the internet. */
import { networkOf, parseCidr, type Cidr } from '../../config/index.js';
import type { Facts, IngressRule, Res } from '../facts.js';
import { literal } from '../template.js';

/** Ranges that are never the internet (RFC 1918, shared address space, loopback, link-local). */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'].map((c) => parseCidr(c) as Cidr);

function within(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && networkOf({ address: inner.address, prefix: outer.prefix }).address === networkOf(outer).address;
}

/** The VPCs' CIDR blocks in the templates. */
export function vpcBlocks(facts: Facts): Cidr[] {
  return facts
    .ofType('AWS::EC2::VPC')
    .map((v) => literal(v.resource.Properties?.CidrBlock))
    .map((t) => (t === undefined ? undefined : parseCidr(t)))
    .filter((c): c is Cidr => c !== undefined);
}

/** Whether a source CIDR lies inside one of the VPCs. */
export function insideVpc(cidr: string, v6: boolean, vpcs: readonly Cidr[]): boolean {
  if (v6) return false;
  const c = parseCidr(cidr);
  return c !== undefined && vpcs.some((v) => within(c, v));
}

/** Whether a source CIDR is on the internet (not a private or VPC range). */
export function isPublic(cidr: string, v6: boolean, vpcs: readonly Cidr[]): boolean {
  if (v6) return !/^f[cd]|^fe[89ab]/i.test(cidr) && !/^::1\/128$/.test(cidr);
  const c = parseCidr(cidr);
  if (!c) return true;
  return ![...PRIVATE, ...vpcs].some((p) => within(c, p));
}

/** Whether a rule lets traffic reach `port`. */
export function covers(rule: IngressRule, port: number): boolean {
  return (rule.protocol === 'tcp' || rule.protocol === '6' || rule.protocol === '-1' || rule.protocol === 'all') && rule.fromPort <= port && port <= rule.toPort;
}

/** `80`, `3000-3001`, `all ports`. */
export function portText(rule: IngressRule): string {
  if (rule.fromPort === 0 && rule.toPort === 65535) return 'all ports';
  return rule.fromPort === rule.toPort ? `port ${rule.fromPort}` : `ports ${rule.fromPort}-${rule.toPort}`;
}

/** Load balancers a security group is attached to. */
export function loadBalancersOf(facts: Facts, group: Res): Res[] {
  return facts.attachedTo(group).filter((r) => r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' || r.type === 'AWS::ElasticLoadBalancing::LoadBalancer');
}

/** An internet-facing load balancer (the default scheme). */
export function internetFacing(lb: Res): boolean {
  return literal(lb.resource.Properties?.Scheme) !== 'internal';
}

/** A group's name for messages: its construct path without the stack and `/Resource`, or its logical ID. */
export function shownName(r: Res): string {
  return r.path ? r.path.replace(/\/Resource$/, '') : `${r.stack}/${r.logicalId}`;
}
