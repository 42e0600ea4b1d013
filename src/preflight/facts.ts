/**
 * Facts across the templates of one app, built once per run: every resource,
 * and what a value refers to even when it crosses stacks (Fn::ImportValue of
 * another stack's export, or an SSM parameter another stack writes, read as a
 * `{{resolve:ssm:…}}` reference or a parameter of type
 * `AWS::SSM::Parameter::Value<…>`). Security group rules and what each group
 * is attached to are read here too, for the network rules.
 */
import type { CfnResource, StackTemplate } from './model.js';
import { intrinsic, isObj, listOf, literal, numberOf } from './template.js';

/** A resource of one of the templates. */
export interface Res {
  readonly stack: string;
  readonly logicalId: string;
  readonly resource: CfnResource;
  readonly type: string;
  /** `aws:cdk:path` from its metadata. */
  readonly path: string | undefined;
}

/** What a value refers to: a resource (and attribute) in some stack. */
export interface Target {
  readonly stack: string;
  readonly logicalId: string;
  readonly attribute?: string;
}

/** Where an ingress rule lets traffic come from. */
export type Source = { readonly kind: 'cidr'; readonly cidr: string; readonly v6: boolean } | { readonly kind: 'group'; readonly group: Res } | { readonly kind: 'other'; readonly what: string };

export interface IngressRule {
  /** The security group it opens. */
  readonly group: Res;
  /** The resource that holds the rule (the group itself, or an AWS::EC2::SecurityGroupIngress). */
  readonly holder: Res;
  readonly source: Source;
  /** Inclusive port range; all ports for protocol -1. */
  readonly fromPort: number;
  readonly toPort: number;
  readonly protocol: string;
}

const key = (stack: string, logicalId: string) => `${stack}\u0000${logicalId}`;

export class Facts {
  readonly resources: readonly Res[];
  private readonly byKey = new Map<string, Res>();
  private readonly templates = new Map<string, StackTemplate>();
  /** Export name → the stack and value that export it. */
  private readonly exports = new Map<string, { stack: string; value: unknown }>();
  /** SSM parameter name → the stack and value that write it. */
  private readonly parameters = new Map<string, { stack: string; value: unknown; res: Res }>();
  private ingressCache: readonly IngressRule[] | undefined;
  private attachmentCache: Map<string, Res[]> | undefined;

  constructor(readonly stacks: readonly StackTemplate[]) {
    const all: Res[] = [];
    for (const t of stacks) {
      this.templates.set(t.stack, t);
      for (const [logicalId, resource] of Object.entries(t.template.Resources ?? {})) {
        const path = resource.Metadata?.['aws:cdk:path'];
        const r: Res = { stack: t.stack, logicalId, resource, type: resource.Type, path: typeof path === 'string' ? path : undefined };
        all.push(r);
        this.byKey.set(key(t.stack, logicalId), r);
      }
      for (const output of Object.values(t.template.Outputs ?? {})) {
        const name = literal(output.Export?.Name);
        if (name !== undefined) this.exports.set(name, { stack: t.stack, value: output.Value });
      }
    }
    this.resources = all;
    for (const r of all.filter((x) => x.type === 'AWS::SSM::Parameter')) {
      const name = literal(r.resource.Properties?.Name);
      if (name !== undefined) this.parameters.set(name, { stack: r.stack, value: r.resource.Properties?.Value, res: r });
    }
  }

  get(stack: string, logicalId: string): Res | undefined {
    return this.byKey.get(key(stack, logicalId));
  }

  ofType(...types: string[]): Res[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  /** The SSM parameter a template writes under `name`. */
  parameter(name: string): Res | undefined {
    return this.parameters.get(name)?.res;
  }

  /** What a value refers to, following exports and SSM parameters across stacks (a few hops at most). */
  resolve(value: unknown, stack: string, hops = 0): Target | undefined {
    if (hops > 8) return undefined;
    const fn = intrinsic(value);
    if (fn === 'Ref' && isObj(value) && typeof value.Ref === 'string') {
      const id = value.Ref;
      if (this.byKey.has(key(stack, id))) return { stack, logicalId: id };
      // A parameter that reads an SSM parameter another stack writes.
      const p = this.templates.get(stack)?.template.Parameters?.[id];
      const name = literal(p?.Default);
      if (p?.Type?.startsWith('AWS::SSM::Parameter::Value') && name !== undefined) return this.fromParameter(name, hops);
      return undefined;
    }
    if (fn === 'Fn::GetAtt' && isObj(value)) {
      const arg = value['Fn::GetAtt'];
      const [id, attr] = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split(/\.(.*)/) : [];
      if (typeof id === 'string' && this.byKey.has(key(stack, id))) return { stack, logicalId: id, ...(typeof attr === 'string' ? { attribute: attr } : {}) };
      return undefined;
    }
    if (fn === 'Fn::ImportValue' && isObj(value)) {
      const name = literal(value['Fn::ImportValue']);
      const e = name === undefined ? undefined : this.exports.get(name);
      return e ? this.resolve(e.value, e.stack, hops + 1) : undefined;
    }
    const text = literal(value);
    const m = text === undefined ? null : /^\{\{resolve:ssm:([^:}]+)(?::\d+)?\}\}$/.exec(text);
    if (m) return this.fromParameter(m[1] as string, hops);
    return undefined;
  }

  private fromParameter(name: string, hops: number): Target | undefined {
    const p = this.parameters.get(name);
    return p ? this.resolve(p.value, p.stack, hops + 1) : undefined;
  }

  /** The resource a value refers to. */
  target(value: unknown, stack: string): Res | undefined {
    const t = this.resolve(value, stack);
    return t ? this.get(t.stack, t.logicalId) : undefined;
  }

  /** The value as literal text, following references to another stack's output or parameter. */
  text(value: unknown, stack: string, hops = 0): string | undefined {
    const direct = literal(value);
    const m = direct === undefined ? null : /^\{\{resolve:ssm:([^:}]+)(?::\d+)?\}\}$/.exec(direct);
    if (direct !== undefined && !m) return direct;
    if (hops > 8) return undefined;
    if (m) {
      const p = this.parameters.get(m[1] as string);
      return p ? this.text(p.value, p.stack, hops + 1) : undefined;
    }
    const fn = intrinsic(value);
    if (fn === 'Fn::ImportValue' && isObj(value)) {
      const name = literal(value['Fn::ImportValue']);
      const e = name === undefined ? undefined : this.exports.get(name);
      return e ? this.text(e.value, e.stack, hops + 1) : undefined;
    }
    if (fn === 'Ref' && isObj(value) && typeof value.Ref === 'string') {
      const p = this.templates.get(stack)?.template.Parameters?.[value.Ref];
      const name = literal(p?.Default);
      if (p?.Type?.startsWith('AWS::SSM::Parameter::Value') && name !== undefined) {
        const written = this.parameters.get(name);
        return written ? this.text(written.value, written.stack, hops + 1) : undefined;
      }
    }
    return undefined;
  }

  /** Every ingress rule of every security group: inline ones and AWS::EC2::SecurityGroupIngress resources. */
  ingress(): readonly IngressRule[] {
    if (this.ingressCache) return this.ingressCache;
    const out: IngressRule[] = [];
    const rule = (group: Res, holder: Res, r: Readonly<Record<string, unknown>>) => {
      const protocol = String(r.IpProtocol ?? 'tcp').toLowerCase();
      const all = protocol === '-1' || protocol === 'all';
      const fromPort = all ? 0 : (numberOf(r.FromPort) ?? 0);
      const toPort = all ? 65535 : (numberOf(r.ToPort) ?? fromPort);
      let source: Source;
      const cidr = this.text(r.CidrIp, holder.stack);
      const cidr6 = this.text(r.CidrIpv6, holder.stack);
      if (cidr !== undefined) source = { kind: 'cidr', cidr, v6: false };
      else if (cidr6 !== undefined) source = { kind: 'cidr', cidr: cidr6, v6: true };
      else if (r.SourceSecurityGroupId !== undefined) {
        const g = this.target(r.SourceSecurityGroupId, holder.stack);
        source = g ? { kind: 'group', group: g } : { kind: 'other', what: 'a security group outside these templates' };
      } else if (r.SourcePrefixListId !== undefined) source = { kind: 'other', what: 'a prefix list' };
      else source = { kind: 'other', what: 'an unknown source' };
      out.push({ group, holder, source, fromPort: all ? 0 : fromPort, toPort: all ? 65535 : toPort, protocol });
    };
    for (const g of this.ofType('AWS::EC2::SecurityGroup')) {
      for (const r of listOf(g.resource.Properties?.SecurityGroupIngress)) if (isObj(r)) rule(g, g, r);
    }
    for (const i of this.ofType('AWS::EC2::SecurityGroupIngress')) {
      const g = this.target(i.resource.Properties?.GroupId, i.stack);
      if (g) rule(g, i, i.resource.Properties ?? {});
    }
    this.ingressCache = out;
    return out;
  }

  /** The resources a security group is attached to (instances, launch templates, interfaces, load balancers, services, databases…). */
  attachedTo(group: Res): readonly Res[] {
    if (!this.attachmentCache) {
      const map = new Map<string, Res[]>();
      const attach = (holder: Res, groups: unknown) => {
        for (const v of listOf(groups)) {
          const g = this.target(v, holder.stack);
          if (!g) continue;
          const k = key(g.stack, g.logicalId);
          const list = map.get(k) ?? [];
          if (!list.includes(holder)) list.push(holder);
          map.set(k, list);
        }
      };
      for (const r of this.resources) {
        const p = r.resource.Properties ?? {};
        switch (r.type) {
          case 'AWS::EC2::LaunchTemplate': {
            const data = isObj(p.LaunchTemplateData) ? p.LaunchTemplateData : {};
            attach(r, data.SecurityGroupIds);
            for (const ni of listOf(data.NetworkInterfaces)) if (isObj(ni)) attach(r, ni.Groups);
            break;
          }
          case 'AWS::EC2::NetworkInterface':
            attach(r, p.GroupSet);
            break;
          case 'AWS::EC2::Instance':
            attach(r, p.SecurityGroupIds);
            for (const ni of listOf(p.NetworkInterfaces)) if (isObj(ni)) attach(r, ni.GroupSet);
            break;
          case 'AWS::AutoScaling::LaunchConfiguration':
          case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
          case 'AWS::ElasticLoadBalancing::LoadBalancer':
            attach(r, p.SecurityGroups);
            break;
          case 'AWS::ECS::Service': {
            const net = isObj(p.NetworkConfiguration) && isObj(p.NetworkConfiguration.AwsvpcConfiguration) ? p.NetworkConfiguration.AwsvpcConfiguration : {};
            attach(r, net.SecurityGroups);
            break;
          }
          case 'AWS::RDS::DBCluster':
          case 'AWS::RDS::DBInstance':
            attach(r, p.VpcSecurityGroupIds);
            break;
          case 'AWS::ElastiCache::ReplicationGroup':
          case 'AWS::ElastiCache::CacheCluster':
          case 'AWS::Lambda::Function':
            attach(r, r.type === 'AWS::Lambda::Function' && isObj(p.VpcConfig) ? p.VpcConfig.SecurityGroupIds : p.SecurityGroupIds);
            break;
          default:
        }
      }
      this.attachmentCache = map;
    }
    return this.attachmentCache.get(key(group.stack, group.logicalId)) ?? [];
  }
}
