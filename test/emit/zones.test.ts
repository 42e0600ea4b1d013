/**
 * The synthesized VPC and TigerBeetle cluster stand in the zones the plan chose: each subnet's
 * availability zone, each replica's volume and address, in a region whose zones are not
 * `<region>a/b/c` (us-west-1: b and c) and with zones named in [deploy.network]. The subnet CIDR
 * reservation for the replicas' addresses exists only where CloudFormation offers the type.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { REPO } from '../helpers.js';
import { resourcesOf, synthProject, type Synthesized } from '../cdk-helpers.js';
import { exampleIn } from '../example-in.js';

/** Each subnet's CIDR block → its availability zone. */
function subnetZones(s: Synthesized): Record<string, string> {
  return Object.fromEntries(resourcesOf(s.json.get('Network') ?? {}, 'AWS::EC2::Subnet').map(([, r]) => [String(r.Properties?.CidrBlock), String(r.Properties?.AvailabilityZone)]));
}

/** Each replica: its fixed address and the zone of its data volume. */
function replicas(s: Synthesized): [string, string, string][] {
  const t = s.json.get('TigerBeetle') ?? {};
  const byReplica = (type: string, suffix: string) => new Map(resourcesOf(t, type).map(([, r]) => [String(r.Metadata?.['aws:cdk:path']).split('/')[1]?.replace(suffix, ''), r.Properties ?? {}]));
  const enis = byReplica('AWS::EC2::NetworkInterface', 'Address');
  const volumes = byReplica('AWS::EC2::Volume', 'Data');
  return [...enis.keys()].sort().map((id) => [String(id), String(enis.get(id)?.PrivateIpAddress), String(volumes.get(id)?.AvailabilityZone)]);
}

const reservations = (s: Synthesized) => resourcesOf(s.json.get('Network') ?? {}, 'AWS::EC2::SubnetCidrReservation').map(([, r]) => String(r.Properties?.Cidr)).sort();

describe('us-west-1, staging: the region\'s two zones, b and c', () => {
  let s: Synthesized;
  it('synthesizes', async () => {
    s = await synthProject(exampleIn('us-west-1'), 'staging');
  }, 120_000);

  it('puts each tier\'s subnets in us-west-1b and us-west-1c', () => {
    expect(subnetZones(s)).toEqual({
      '10.0.0.0/24': 'us-west-1b',
      '10.0.1.0/24': 'us-west-1c',
      '10.0.2.0/24': 'us-west-1b',
      '10.0.3.0/24': 'us-west-1c',
      '10.0.4.0/24': 'us-west-1b',
      '10.0.5.0/24': 'us-west-1c',
    });
  });

  it('places each replica\'s volume in the zone of its address\'s subnet', () => {
    expect(replicas(s)).toEqual([
      ['Replica0', '10.0.2.10', 'us-west-1b'],
      ['Replica1', '10.0.3.10', 'us-west-1c'],
      ['Replica2', '10.0.2.11', 'us-west-1b'],
    ]);
  });

  it('reserves no subnet CIDR: CloudFormation has no AWS::EC2::SubnetCidrReservation in us-west-1', () => {
    expect(reservations(s)).toEqual([]);
  });
});

describe('us-west-1, dev, with availability_zones = ["us-west-1a", "us-west-1c"]', () => {
  it('puts the subnets and the replicas in the zones named', async () => {
    const s = await synthProject(exampleIn('us-west-1', '[deploy.network]\navailability_zones = ["us-west-1a", "us-west-1c"]\n'), 'dev');
    expect(Object.values(subnetZones(s)).sort()).toEqual(['us-west-1a', 'us-west-1a', 'us-west-1a', 'us-west-1c', 'us-west-1c', 'us-west-1c']);
    expect(subnetZones(s)['10.0.2.0/24']).toBe('us-west-1a');
    expect(replicas(s)).toEqual([
      ['Replica0', '10.0.2.10', 'us-west-1a'],
      ['Replica1', '10.0.3.10', 'us-west-1c'],
      ['Replica2', '10.0.2.11', 'us-west-1a'],
    ]);
  }, 120_000);
});

describe('us-east-1, staging', () => {
  it('reserves the .8/29 of each private subnet that holds replicas', async () => {
    const s = await synthProject(join(REPO, 'examples', 'ledger-app'), 'staging');
    expect(reservations(s)).toEqual(['10.0.2.8/29', '10.0.3.8/29']);
    expect(Object.values(subnetZones(s)).sort()).toEqual(['us-east-1a', 'us-east-1a', 'us-east-1a', 'us-east-1b', 'us-east-1b', 'us-east-1b']);
  }, 120_000);
});
