/**
 * Data stores: encrypted at rest everywhere; kept (retained or snapshotted)
 * when their stack or the resource goes, in prod.
 *
 * Types AWS always encrypts are not listed (S3 since January 2023,
 * DynamoDB, Secrets Manager, CloudWatch Logs, EventBridge archives, MSK).
 * Caches are not "stateful" here: what they hold can be rebuilt.
 */
import type { Res } from '../facts.js';
import { boolOf, isObj, listOf, literal, numberOf } from '../template.js';
import type { Check, Draft } from './context.js';
import { shownName } from './network-facts.js';

type Props = Readonly<Record<string, unknown>>;

/** How each data store says it is encrypted at rest: true, false, or 'n/a' (its data lives elsewhere). */
const ENCRYPTED: Readonly<Record<string, (p: Props) => boolean | 'n/a'>> = {
  'AWS::RDS::DBCluster': (p) => boolOf(p.StorageEncrypted) === true,
  // An instance of a cluster stores nothing of its own.
  'AWS::RDS::DBInstance': (p) => (p.DBClusterIdentifier !== undefined ? 'n/a' : boolOf(p.StorageEncrypted) === true),
  'AWS::DocDB::DBCluster': (p) => boolOf(p.StorageEncrypted) === true,
  'AWS::Neptune::DBCluster': (p) => boolOf(p.StorageEncrypted) === true,
  'AWS::Redshift::Cluster': (p) => boolOf(p.Encrypted) === true,
  'AWS::EC2::Volume': (p) => boolOf(p.Encrypted) === true,
  'AWS::EFS::FileSystem': (p) => boolOf(p.Encrypted) === true,
  'AWS::ElastiCache::ReplicationGroup': (p) => boolOf(p.AtRestEncryptionEnabled) === true,
  // SQS encrypts new queues with SQS-managed keys unless told not to.
  'AWS::SQS::Queue': (p) => !(boolOf(p.SqsManagedSseEnabled) === false && p.KmsMasterKeyId === undefined),
  'AWS::Kinesis::Stream': (p) => isObj(p.StreamEncryption),
  'AWS::OpenSearchService::Domain': (p) => isObj(p.EncryptionAtRestOptions) && boolOf(p.EncryptionAtRestOptions.Enabled) === true,
  // The EBS volumes an instance or launch template creates.
  'AWS::EC2::LaunchTemplate': (p) => blockDevicesEncrypted(isObj(p.LaunchTemplateData) ? p.LaunchTemplateData.BlockDeviceMappings : undefined),
  'AWS::EC2::Instance': (p) => blockDevicesEncrypted(p.BlockDeviceMappings),
};

function blockDevicesEncrypted(mappings: unknown): boolean | 'n/a' {
  const ebs = listOf(mappings)
    .filter(isObj)
    .map((m) => m.Ebs)
    .filter(isObj);
  return ebs.length ? ebs.every((e) => boolOf(e.Encrypted) === true) : 'n/a';
}

export const encryption: Check = ({ facts }) => {
  const out: Draft[] = [];
  for (const r of facts.resources) {
    const test = ENCRYPTED[r.type];
    if (!test || test(r.resource.Properties ?? {}) !== false) continue;
    out.push({ rule: 'DATA_UNENCRYPTED', message: `${r.type} ${shownName(r)} is not encrypted at rest`, resource: r });
  }
  return out;
};

/** Resources that hold data of their own, with the [deploy] key that sets their removal policy. */
const STATEFUL: Readonly<Record<string, string | null>> = {
  'AWS::RDS::DBCluster': 'database.removal_policy',
  'AWS::RDS::DBInstance': 'database.removal_policy',
  'AWS::DocDB::DBCluster': null,
  'AWS::Neptune::DBCluster': null,
  'AWS::Redshift::Cluster': null,
  'AWS::S3::Bucket': 'storage.removal_policy',
  'AWS::EC2::Volume': null,
  'AWS::EFS::FileSystem': null,
  'AWS::DynamoDB::Table': null,
  'AWS::OpenSearchService::Domain': null,
};

const KEEPS = ['Retain', 'Snapshot', 'RetainExceptOnCreate'];

/** A bucket whose every object expires by a lifecycle rule holds nothing lasting (access logs, say). */
function transientBucket(p: Props): boolean {
  const config = isObj(p.LifecycleConfiguration) ? p.LifecycleConfiguration : {};
  return listOf(config.Rules)
    .filter(isObj)
    .some((rule) => literal(rule.Status) === 'Enabled' && numberOf(rule.ExpirationInDays) !== undefined && rule.Prefix === undefined && rule.TagFilters === undefined && rule.ObjectSizeGreaterThan === undefined && rule.ObjectSizeLessThan === undefined);
}

export const retention: Check = ({ facts }) => {
  const out: Draft[] = [];
  for (const r of facts.resources) {
    if (!(r.type in STATEFUL)) continue;
    const p = r.resource.Properties ?? {};
    if (r.type === 'AWS::RDS::DBInstance' && p.DBClusterIdentifier !== undefined) continue;
    if (r.type === 'AWS::S3::Bucket' && transientBucket(p)) continue;
    const policy = r.resource.DeletionPolicy ?? 'Delete';
    if (KEEPS.includes(policy)) continue;
    const key = STATEFUL[r.type];
    out.push({
      rule: 'DATA_NOT_RETAINED',
      message: `${r.type} ${shownName(r)} has DeletionPolicy ${policy}: removing it from the stack, or deleting the stack, deletes its data`,
      ...(key ? { keys: [key] } : {}),
      resource: r as Res,
    });
  }
  return out;
};
