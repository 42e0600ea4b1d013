/**
 * The availability zones each supported region offers, by name, so that the
 * VPC is planned over zones that exist (synth needs no AWS lookup, and
 * `<region>a/b/c` is wrong for several regions).
 *
 * Zone names are `<region><letter>`. Regions introduced after November 2012
 * (and every account created since November 2025) map the names to the same
 * physical zones (AZ IDs) in every account. In the oldest regions the names
 * were mapped per account, and a few zones are closed to new accounts, so an
 * account may see other letters than those below; this table lists the names
 * most accounts have, and `[deploy.network] availability_zones` overrides it:
 *
 * - us-east-1: six zones, a to f (which AZ ID each letter is differs per
 *   account); the VPC takes the first two or three.
 * - us-west-1: two zones per account. Most accounts, and every account created
 *   in the last years, have us-west-1b and us-west-1c; some older ones have a
 *   and b, or a and c.
 * - us-west-2: a to d.
 * - ap-northeast-1: a, c and d. Most accounts have no ap-northeast-1b (apne1-az3
 *   is closed to new accounts); an account that has it can list it.
 * - ca-central-1: a, b and d (ca-central-1c is closed to new accounts).
 *
 * Run `aws ec2 describe-availability-zones --region <region>` to see the names
 * of your account. Local Zones and Wavelength Zones (`us-east-1-bos-1a`) are
 * not listed: the load balancer, NAT gateways and the database need zones of
 * the region itself.
 *
 * To update: compare with the AWS documentation ("AWS Availability Zones" in
 * the Regions and Availability Zones guide lists every AZ ID per region) and
 * `describe-availability-zones` in a new account, and move
 * {@link AVAILABILITY_ZONES_AS_OF} to the day you looked.
 */
import type { AWS_REGIONS } from './vocabulary.js';

export type Region = (typeof AWS_REGIONS)[number];

/** The day the table below was checked. */
export const AVAILABILITY_ZONES_AS_OF = '2026-12-01';

/** Zone letters per region, in the order the VPC takes them (the first `az_count`). */
const LETTERS: Readonly<Record<Region, string>> = {
  'af-south-1': 'abc',
  'ap-east-1': 'abc',
  'ap-east-2': 'abc',
  'ap-northeast-1': 'acd',
  'ap-northeast-2': 'abcd',
  'ap-northeast-3': 'abc',
  'ap-south-1': 'abc',
  'ap-south-2': 'abc',
  'ap-southeast-1': 'abc',
  'ap-southeast-2': 'abc',
  'ap-southeast-3': 'abc',
  'ap-southeast-4': 'abc',
  'ap-southeast-5': 'abc',
  'ap-southeast-7': 'abc',
  'ca-central-1': 'abd',
  'ca-west-1': 'abc',
  'eu-central-1': 'abc',
  'eu-central-2': 'abc',
  'eu-north-1': 'abc',
  'eu-south-1': 'abc',
  'eu-south-2': 'abc',
  'eu-west-1': 'abc',
  'eu-west-2': 'abc',
  'eu-west-3': 'abc',
  'il-central-1': 'abc',
  'me-central-1': 'abc',
  'me-south-1': 'abc',
  'mx-central-1': 'abc',
  'sa-east-1': 'abc',
  'us-east-1': 'abcdef',
  'us-east-2': 'abc',
  'us-gov-east-1': 'abc',
  'us-gov-west-1': 'abc',
  'us-west-1': 'bc',
  'us-west-2': 'abcd',
};

/** The zone names of a region, as most accounts see them; empty for a region the table does not know. */
export function regionZones(region: string): readonly string[] {
  const letters = Object.hasOwn(LETTERS, region) ? LETTERS[region as Region] : '';
  return [...letters].map((l) => `${region}${l}`);
}

/** The zones the VPC spans by default: the first `count` of the region's. */
export function defaultZones(region: string, count: number): readonly string[] {
  return regionZones(region).slice(0, count);
}

/**
 * Whether `zone` names an availability zone of `region` at all (`<region>` and one
 * letter), whether or not the table lists it: Local Zones and other regions' zones are not.
 */
export function isZoneOfRegion(zone: string, region: string): boolean {
  return zone.length === region.length + 1 && zone.startsWith(region) && /[a-z]$/.test(zone);
}
