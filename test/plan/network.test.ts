/**
 * The subnet layout fits inside the VPC range, whatever its base and size, and is the layout
 * aws-cdk allocates; the TigerBeetle addresses stay inside their subnets' reserved block.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smallestVpcPrefix, subnetLayout, tigerBeetleAddress } from '../../src/lower/index.js';
import { resourcesOf, synthProject } from '../cdk-helpers.js';
import { tempProject } from '../helpers.js';

const num = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const range = (cidr: string): [number, number] => {
  const [ip, prefix] = cidr.split('/');
  const start = num(ip as string);
  return [start, start + 2 ** (32 - Number(prefix)) - 1];
};
const inside = (inner: string, outer: string) => {
  const [a, b] = range(inner);
  const [c, d] = range(outer);
  return a >= c && b <= d;
};

describe('the subnet layout', () => {
  it('is unchanged for the default 10.0.0.0/16', () => {
    expect(subnetLayout('10.0.0.0/16', 3)).toEqual({
      public: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
      private: ['10.0.3.0/24', '10.0.4.0/24', '10.0.5.0/24'],
      isolated: ['10.0.6.0/24', '10.0.7.0/24', '10.0.8.0/24'],
    });
    expect([0, 1, 2, 3].map((i) => tigerBeetleAddress('10.0.0.0/16', 3, i))).toEqual(['10.0.3.10', '10.0.4.10', '10.0.5.10', '10.0.3.11']);
  });

  it('starts at the VPC range, not at a.b.0.0: a 10.1.16.0/20 VPC gets 10.1.16.0/24 upwards', () => {
    expect(subnetLayout('10.1.16.0/20', 2)).toEqual({
      public: ['10.1.16.0/24', '10.1.17.0/24'],
      private: ['10.1.18.0/24', '10.1.19.0/24'],
      isolated: ['10.1.20.0/24', '10.1.21.0/24'],
    });
    expect(tigerBeetleAddress('10.1.16.0/20', 2, 1)).toBe('10.1.19.10');
  });

  it('for every VPC range that is large enough: disjoint /24s inside it, replicas inside their reserved .8/29', () => {
    const vpc = fc.tuple(fc.constantFrom(2, 3), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 28 })).map(([azs, b, c, prefix]) => {
      const size = 2 ** (32 - prefix);
      const base = num(`10.${b}.${c}.0`) - (num(`10.${b}.${c}.0`) % size);
      return { azs, prefix, cidr: `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${prefix}` };
    });
    fc.assert(
      fc.property(vpc, fc.integer({ min: 1, max: 6 }), ({ azs, prefix, cidr }, nodes) => {
        if (prefix > smallestVpcPrefix(azs)) return; // too small: the config refuses it (DZ4024)
        const layout = subnetLayout(cidr, azs);
        const all = [...layout.public, ...layout.private, ...layout.isolated];
        expect(all).toHaveLength(3 * azs);
        for (const s of all) expect(inside(s, cidr), `${s} in ${cidr}`).toBe(true);
        const starts = all.map((s) => range(s)[0]).sort((x, y) => x - y);
        starts.forEach((s, i) => i > 0 && expect(s - (starts[i - 1] as number)).toBeGreaterThanOrEqual(256));
        for (let i = 0; i < nodes; i++) {
          const reserved = (layout.private[i % azs] as string).replace(/\.0\/24$/, '.8/29');
          expect(inside(`${tigerBeetleAddress(cidr, azs, i)}/32`, reserved)).toBe(true);
        }
      }),
      { seed: 13, numRuns: 400 },
    );
  });

  it('smallest prefixes: /22 for one zone, /21 for two, /20 for three', () => {
    expect([1, 2, 3].map(smallestVpcPrefix)).toEqual([22, 21, 20]);
  });
});

describe('aws-cdk allocates the same layout', () => {
  it('a 10.1.16.0/20 VPC over 3 zones: the synthesized subnets are the plan’s, the replica addresses and reservations inside them', async () => {
    const dir = tempProject({
      'dazzle.toml': '[deploy]\nenvironment = "prod"\n[deploy.network]\nvpc_cidr = "10.1.16.0/20"\n',
      'dsl/app.dsl': 'module t.app\napp net_app "Net"\n\nentity User "User":\n  id: uuid pk\n\nledger Cash "Cash":\n  account_code: 1\n  account_type: asset\n  currency: GBP\n',
      Dockerfile: 'FROM public.ecr.aws/docker/library/python:3.12-slim\n',
    });
    const s = await synthProject(dir, 'prod');
    const plan = s.prepared.plan;
    const net = s.json.get('Network') as Record<string, unknown>;
    const subnets = resourcesOf(net, 'AWS::EC2::Subnet').map(([, r]) => ({ cidr: r.Properties?.CidrBlock as string, az: r.Properties?.AvailabilityZone as string, path: String(r.Metadata?.['aws:cdk:path']) }));
    const tier = (name: string) => subnets.filter((x) => x.path.includes(`/${name}Subnet`)).sort((a, b) => (a.az < b.az ? -1 : 1)).map((x) => x.cidr);
    expect({ public: tier('Public'), private: tier('Private'), isolated: tier('Isolated') }).toEqual(plan.aws.network.subnets);
    const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
    for (const node of plan.aws.tigerbeetle?.nodes ?? []) {
      const subnet = subnets.find((x) => x.az === zones[node.az] && x.path.includes('/PrivateSubnet'));
      expect(inside(`${node.address}/32`, subnet?.cidr ?? '0.0.0.0/32'), `${node.address} in ${subnet?.cidr}`).toBe(true);
    }
    for (const [, r] of resourcesOf(net, 'AWS::EC2::SubnetCidrReservation')) {
      expect(subnets.some((x) => x.path.includes('/PrivateSubnet') && inside(r.Properties?.Cidr as string, x.cidr))).toBe(true);
    }
  }, 240_000);
});
