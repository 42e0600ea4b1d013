/**
 * The TigerBeetle stack: one self-healing single-instance Auto Scaling group
 * per replica, each with a fixed private address (an ENI attached at boot) and
 * a persistent encrypted data volume (attached at boot), so a replacement
 * instance comes back with the same address and the same data. Rendered only
 * from `plan.aws.tigerbeetle`.
 */
import type { AlarmMetric, AwsAlarm, AwsTigerBeetle, DeploymentPlan } from '../../plan/index.js';
import { InternalError } from '../../diagnostics/index.js';
import { TIGERBEETLE_HARDWARE_DOCS, TIGERBEETLE_INSTANCE_TYPES, TIGERBEETLE_MIN_MEMORY_GIB } from '../../config/tigerbeetle-sizes.js';
import { replicaList, sharedZones } from '../../lower/index.js';
import { alarmCode } from '../alarms.js';
import { commentBlock, header, ident, jsdoc, lineComment, lit, mdCode, mdText, SHELL_WORD_FUNCTION, str, tpl } from '../code.js';
import { availabilityZones, because, propsInterface, removalPolicy, stackSource, type EmitContext, type StackSource } from '../model.js';
import { amazonLinuxParameter, isGraviton, machineImageCode } from './machine-image.js';
import { retention } from './network.js';

export { isGraviton } from './machine-image.js';

/**
 * The boot script, as the source of a function in the generated file. Static: every value
 * comes in through `r` (the replica), `v` (tokens resolved at deploy time) or the file's
 * constants, and enters the bash once, through `sh()` (SHELL_WORD_FUNCTION), in the block of
 * values at the top of the script; the rest of the script reads them as "$VARIABLES". The
 * systemd units, the start and grow scripts and the agent's configuration are built in
 * TypeScript and written by printf, so no value is parsed by a heredoc or a unit file. Inside its
 * template literal every `${…}` is a TypeScript value: the bash itself uses `$VAR` only, and no
 * backticks. The generated functions run one at a time in tests (readiness, growing the
 * filesystem): each is a `name() {` line up to a `}` alone on a line.
 */
const BOOT_SCRIPT = `/**
 * The boot script of one replica (user data, run once per instance by cloud-init).
 * Every value enters it once, quoted by sh() in the block of values at its top; the rest is
 * fixed text that reads those variables in double quotes. Every wait is bounded; any failure
 * signals FAILURE to CloudFormation, and success is signalled only once the replica serves.
 */
function bootScript(r: Replica, v: BootValues): string {
  const binary = \`/opt/tigerbeetle/\${RELEASE}/tigerbeetle\`;
  const dataFile = \`\${DATA_DIR}/\${CLUSTER_ID}_\${r.index}.tigerbeetle\`;
  // The CloudWatch agent: this script's output and the replica's log go to the replica's log group.
  const agentConfig = {
    agent: { run_as_user: 'root' },
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            { file_path: '/var/log/tigerbeetle/tigerbeetle.log', log_group_name: v.logGroupName, log_stream_name: \`\${r.id}/{instance_id}/tigerbeetle\` },
            { file_path: '/var/log/cloud-init-output.log', log_group_name: v.logGroupName, log_stream_name: \`\${r.id}/{instance_id}/boot\` },
          ],
        },
      },
    },
  };
  // What systemd starts: the replica's command line as a script, so that the unit holds no value.
  // Its index is its position in --addresses: the one ordered list.
  const start = \`#!/bin/bash\\nexec \${sh(binary)} start \${sh(\`--addresses=\${ADDRESSES.join(',')}\`)} \${sh(dataFile)}\\n\`;
  const unit = [
    '[Unit]',
    \`Description=TigerBeetle replica \${r.index}\`,
    'Wants=network-online.target',
    'After=network-online.target',
    \`RequiresMountsFor=\${DATA_DIR}\`,
    '',
    '[Service]',
    'User=tigerbeetle',
    'Group=tigerbeetle',
    \`ExecStart=\${START_SCRIPT}\`,
    'Restart=always',
    'RestartSec=5',
    'LimitMEMLOCK=infinity',
    'LimitNOFILE=65536',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    \`ReadWritePaths=\${DATA_DIR} /var/log/tigerbeetle\`,
    'StandardOutput=append:/var/log/tigerbeetle/tigerbeetle.log',
    'StandardError=append:/var/log/tigerbeetle/tigerbeetle.log',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\\n');
  // Grows the data filesystem to its volume at every boot, before the replica starts, so that a larger
  // volume_size_gb takes effect at the next boot. XFS grows online; it never shrinks, and nothing is formatted.
  const grow = [
    '#!/bin/bash',
    '# Grow the TigerBeetle data filesystem (XFS, online) to the size of its volume, when the volume is larger.',
    'set -euo pipefail',
    \`data_dir=\${sh(DATA_DIR)}\`,
    'mountpoint -q "$data_dir" || { echo "tigerbeetle-grow: $data_dir is not mounted" >&2; exit 1; }',
    'fstype=$(findmnt -n -o FSTYPE --mountpoint "$data_dir")',
    'if [ "$fstype" != xfs ]; then echo "tigerbeetle-grow: $data_dir holds $fstype, not xfs: left as it is" >&2; exit 1; fi',
    'device=$(findmnt -n -o SOURCE --mountpoint "$data_dir")',
    'device_bytes=$(blockdev --getsize64 "$device")',
    '# xfs_growfs -n changes nothing: it prints the geometry, whose data line holds the block size and count.',
    \`read -r bsize blocks <<< "$(xfs_growfs -n "$data_dir" | awk '$1 == "data" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "bsize") b = kv[2]; if (kv[1] == "blocks") n = kv[2] } } END { sub(/,$/, "", n); print b, n }')"\`,
    'if ! [[ "$bsize" =~ ^[0-9]+$ && "$blocks" =~ ^[0-9]+$ ]]; then echo "tigerbeetle-grow: cannot read the size of $data_dir from xfs_growfs -n" >&2; exit 1; fi',
    'fs_bytes=$((bsize * blocks))',
    'if [ "$device_bytes" -gt "$fs_bytes" ]; then',
    '  echo "tigerbeetle-grow: growing $data_dir from $fs_bytes to $device_bytes bytes ($device)"',
    '  xfs_growfs -d "$data_dir"',
    'else',
    '  echo "tigerbeetle-grow: $data_dir fills its volume ($fs_bytes bytes)"',
    'fi',
    '',
  ].join('\\n');
  const growUnit = [
    '[Unit]',
    'Description=Grow the TigerBeetle data filesystem to the size of its volume',
    \`RequiresMountsFor=\${DATA_DIR}\`,
    'Before=tigerbeetle.service',
    '',
    '[Service]',
    'Type=oneshot',
    \`ExecStart=\${GROW_SCRIPT}\`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\\n');
  return \`# One TigerBeetle replica: claims its fixed address and its data volume, installs the pinned
# release, formats the data file once, runs the replica under systemd and signals CloudFormation.
set -Eeuo pipefail

# The values, each one single-quoted word.
REPLICA=\${sh(String(r.index))}
REPLICA_ID=\${sh(r.id)}
REPLICA_COUNT=\${sh(String(ADDRESSES.length))}
CLUSTER_ID=\${sh(CLUSTER_ID)}
ADDRESS=\${sh(r.address)}
CLIENT_PORT=\${sh(String(CLIENT_PORT))}
ADDRESS_LIST=\${sh(ADDRESSES.join(','))}
MAJORITY=\${sh(String(Math.floor(ADDRESSES.length / 2) + 1))}
RELEASE_URL=\${sh(releaseUrl())}
BINARY=\${sh(binary)}
DATA_DIR=\${sh(DATA_DIR)}
DATA_FILE=\${sh(dataFile)}
START_SCRIPT=\${sh(START_SCRIPT)}
GROW_SCRIPT=\${sh(GROW_SCRIPT)}
REGION=\${sh(v.region)}
STACK_NAME=\${sh(v.stackName)}
SIGNAL_RESOURCE=\${sh(v.signalResource)}
ENI_ID=\${sh(v.networkInterfaceId)}
VOLUME_ID=\${sh(v.volumeId)}
FORMAT_MARKER=\${sh(v.formatMarker)}
FORMAT_MARKER_UNSET=\${sh(FORMAT_MARKER_UNSET)}
AGENT_CONFIG=\${sh(JSON.stringify(agentConfig, null, 2))}
START=\${sh(start)}
UNIT=\${sh(unit)}
GROW=\${sh(grow)}
GROW_UNIT=\${sh(growUnit)}
# End of the values.

# Tell CloudFormation how the boot went (--exit-code 0 or 1, and what else cfn-signal takes).
signal() {
  /opt/aws/bin/cfn-signal --stack "$STACK_NAME" --resource "$SIGNAL_RESOURCE" --region "$REGION" "$@"
}

# Any failure: tell CloudFormation (creation or the rolling update fails now instead of timing out).
# Outside a CloudFormation operation (self-healing), stop the instance so that the group replaces it
# and the next instance tries again, instead of keeping an instance in service with no replica.
fail() {
  # Inside $(...) an error goes back to the caller, which decides; only the script itself signals.
  if [ "$BASH_SUBSHELL" -gt 0 ]; then exit 1; fi
  echo "tigerbeetle boot: $1" >&2
  if [ -x /opt/aws/bin/cfn-signal ]; then
    signal --exit-code 1 --reason "$1" || true
  fi
  shutdown -h +2 "tigerbeetle boot failed: $1" || true
  exit 1
}
trap 'fail "boot script failed at line $LINENO"' ERR

# Run a check until it passes: at most $1 tries, $2 seconds apart. Returns 1 when it never passed.
poll() {
  local tries=$1 delay=$2
  shift 2
  for _ in $(seq "$tries"); do
    if "$@"; then return 0; fi
    sleep "$delay"
  done
  return 1
}

# The same, where giving up fails the boot.
wait_until() {
  local tries=$1 delay=$2
  shift 2
  poll "$tries" "$delay" "$@" || fail "gave up waiting for: $*"
}

# The replica runs but the cluster does not answer: tell CloudFormation why (creation or the rolling update
# fails and rolls back) and leave the replica running, so that it serves once the rest of the cluster is back
# (replacing this instance would not bring the others back).
not_ready() {
  trap - ERR
  echo "tigerbeetle boot: not ready: $1" >&2
  if [ -x /opt/aws/bin/cfn-signal ]; then
    signal --exit-code 1 --reason "$1" || true
  fi
  exit 1
}

# Tools: cfn-signal, the CloudWatch agent, unzip, logrotate (retried: mirrors can be briefly unreachable).
wait_until 6 10 dnf install -y aws-cfn-bootstrap amazon-cloudwatch-agent unzip logrotate

# This instance (IMDSv2 only).
TOKEN=$(curl -sSf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
INSTANCE_ID=$(curl -sSf -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)

# Logs: this script's output and the replica's log go to the replica's log group.
mkdir -p /var/log/tigerbeetle
printf '%s\\\\n' "$AGENT_CONFIG" > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json
cat > /etc/logrotate.d/tigerbeetle <<'ROTATE'
/var/log/tigerbeetle/*.log {
  daily
  maxsize 100M
  rotate 5
  compress
  missingok
  notifempty
  copytruncate
}
ROTATE

# 1. The fixed address (the replica's network interface). When this instance replaces another,
#    that one's termination detaches it: wait until it is free, then attach it.
claim_address() {
  local status owner
  local out
  # A failed call (throttling, credentials not ready yet) is retried by wait_until.
  out=$(aws ec2 describe-network-interfaces --region "$REGION" --network-interface-ids "$ENI_ID" --query 'NetworkInterfaces[0].[Status,Attachment.InstanceId]' --output text) || return 1
  read -r status owner <<< "$out"
  if [ "$owner" = "$INSTANCE_ID" ]; then return 0; fi
  if [ "$status" = available ]; then
    aws ec2 attach-network-interface --region "$REGION" --network-interface-id "$ENI_ID" --instance-id "$INSTANCE_ID" --device-index 1 > /dev/null || true
  fi
  return 1
}
wait_until 60 5 claim_address
# amazon-ec2-net-utils configures the interface (with its own route table); wait for the exact address.
address_up() { ip -4 -o addr show | awk '{ print $4 }' | cut -d / -f 1 | grep -Fx -e "$ADDRESS" > /dev/null; }
wait_until 60 2 address_up

# 2. The data volume: the same way, then find its device by volume id.
claim_volume() {
  local state owner
  local out
  out=$(aws ec2 describe-volumes --region "$REGION" --volume-ids "$VOLUME_ID" --query 'Volumes[0].[State,Attachments[0].InstanceId]' --output text) || return 1
  read -r state owner <<< "$out"
  if [ "$owner" = "$INSTANCE_ID" ]; then return 0; fi
  if [ "$state" = available ]; then
    aws ec2 attach-volume --region "$REGION" --volume-id "$VOLUME_ID" --instance-id "$INSTANCE_ID" --device /dev/sdf > /dev/null || true
  fi
  return 1
}
wait_until 60 5 claim_volume
# Nitro instances name the NVMe device after the volume id (without the dash); others use /dev/xvdf.
DEVICE_LINK=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$(printf '%s' "$VOLUME_ID" | tr -d '-')
device_present() { [ -b "$DEVICE_LINK" ] || [ -b /dev/xvdf ]; }
wait_until 60 2 device_present
if [ -b "$DEVICE_LINK" ]; then DEVICE=$(readlink -f "$DEVICE_LINK"); else DEVICE=/dev/xvdf; fi

# 3. A filesystem only on a blank volume: a volume with a filesystem is never formatted again.
FSTYPE=$(blkid -p -o value -s TYPE "$DEVICE" || true)
if [ -z "$FSTYPE" ]; then
  mkfs.xfs "$DEVICE"
elif [ "$FSTYPE" != xfs ]; then
  fail "data volume $VOLUME_ID holds a $FSTYPE filesystem, not xfs: left untouched"
fi
FS_UUID=$(blkid -p -o value -s UUID "$DEVICE")
mkdir -p "$DATA_DIR"
if ! grep -qF -e " $DATA_DIR " /etc/fstab; then
  echo "UUID=$FS_UUID $DATA_DIR xfs defaults,noatime,nofail 0 2" >> /etc/fstab
fi
systemctl daemon-reload
mountpoint -q "$DATA_DIR" || mount "$DATA_DIR"
# The filesystem fills its volume: now (this instance may replace one whose volume was enlarged since) and at
# every boot before the replica starts, so that a larger volume_size_gb takes effect at the next boot.
printf '%s' "$GROW" > "$GROW_SCRIPT"
chmod 0755 "$GROW_SCRIPT"
printf '%s' "$GROW_UNIT" > /etc/systemd/system/tigerbeetle-grow.service
systemctl daemon-reload
systemctl enable tigerbeetle-grow.service
"$GROW_SCRIPT" || echo "tigerbeetle boot: the data filesystem was not grown (see above); the replica runs on it as it is" >&2

# 4. The pinned release (through the NAT gateway), never "latest".
if [ ! -x "$BINARY" ]; then
  mkdir -p "$(dirname "$BINARY")"
  curl -fsSL --retry 5 --retry-connrefused -o /tmp/tigerbeetle.zip "$RELEASE_URL"
  unzip -o /tmp/tigerbeetle.zip -d "$(dirname "$BINARY")"
  chmod 0755 "$BINARY"
  rm -f /tmp/tigerbeetle.zip
fi
"$BINARY" version
id -u tigerbeetle > /dev/null 2>&1 || useradd --system --no-create-home --home-dir "$DATA_DIR" --shell /sbin/nologin tigerbeetle
chown -R tigerbeetle:tigerbeetle "$DATA_DIR" /var/log/tigerbeetle

# 5. The data file is formatted once, ever, for $REPLICA_COUNT replicas (the count is fixed at format).
#    The format marker records the volume that was formatted. A replica that was formatted before and
#    has lost its data file must not be formatted again (it would forget what it promised the cluster
#    and could lose committed transfers): recover it with 'tigerbeetle recover' instead.
MARKER=$(aws ssm get-parameter --region "$REGION" --name "$FORMAT_MARKER" --query Parameter.Value --output text)
FORMATTED=no
if [ ! -e "$DATA_FILE" ]; then
  if [ "$MARKER" != "$FORMAT_MARKER_UNSET" ]; then
    fail "replica $REPLICA was formatted before (on $MARKER) but $DATA_FILE is missing: run 'tigerbeetle recover' (https://docs.tigerbeetle.com/operating/recovering), do not format"
  fi
  rm -f "$DATA_FILE.formatting"
  runuser -u tigerbeetle -- "$BINARY" format --cluster="$CLUSTER_ID" --replica="$REPLICA" --replica-count="$REPLICA_COUNT" "$DATA_FILE.formatting"
  mv "$DATA_FILE.formatting" "$DATA_FILE"
  FORMATTED=yes
fi
if [ "$MARKER" != "$VOLUME_ID" ]; then
  aws ssm put-parameter --region "$REGION" --name "$FORMAT_MARKER" --value "$VOLUME_ID" --overwrite > /dev/null
fi

# 6. The replica, under systemd: the unit runs the start script.
printf '%s' "$START" > "$START_SCRIPT"
chmod 0755 "$START_SCRIPT"
printf '%s' "$UNIT" > /etc/systemd/system/tigerbeetle.service
systemctl daemon-reload
systemctl enable --now tigerbeetle.service

# 7. Success only once the replica serves: it listens on its address (TigerBeetle listens once its data file is
#    open) and, where a majority of the replicas can be running, the cluster answers a request sent through
#    the one address list. CloudFormation creates and rolls the replicas one at a time, each after this signal,
#    so the next replica is replaced only once the cluster works with this one. Every wait is bounded.
replica_listening() {
  systemctl is-active --quiet tigerbeetle.service || return 1
  timeout 2 bash -c ': > "/dev/tcp/$1/$2"' _ "$ADDRESS" "$CLIENT_PORT" 2> /dev/null
}
# A read (lookup_accounts) commits through the cluster's consensus like any request: an answer needs a
# primary and a majority of replicas.
cluster_answers() {
  timeout 10 "$BINARY" repl --cluster="$CLUSTER_ID" --addresses="$ADDRESS_LIST" --command='lookup_accounts id=1;' > /dev/null 2>&1
}
# Always when this replica rejoins the cluster (its data file was there); in a new cluster, once this replica
# completes a majority (the replicas before it run already: each is created after the previous one signalled).
majority_can_run() {
  [ "$FORMATTED" = no ] || [ "$((REPLICA + 1))" -ge "$MAJORITY" ]
}
replica_ready() {
  poll 36 5 replica_listening || fail "replica $REPLICA does not listen on $ADDRESS:$CLIENT_PORT after 3 minutes: see the $REPLICA_ID/$INSTANCE_ID/tigerbeetle log stream"
  if majority_can_run; then
    poll 24 5 cluster_answers || not_ready "replica $REPLICA listens on $ADDRESS:$CLIENT_PORT, but the cluster did not answer a request through $ADDRESS_LIST within 6 minutes: see every replica's tigerbeetle log stream"
  fi
  if [ "$(systemctl show --property NRestarts --value tigerbeetle.service)" != 0 ]; then
    fail "tigerbeetle.service restarted while starting: see the $REPLICA_ID/$INSTANCE_ID/tigerbeetle log stream"
  fi
}
replica_ready
trap - ERR
signal --exit-code 0 || echo "no CloudFormation operation is waiting for this instance (a self-healing replacement)"
\`;
}`;

/** The consistency the stack relies on; a violation is a dazzle bug, never a user error. */
function checkPlan(plan: DeploymentPlan): void {
  const tb = plan.aws.tigerbeetle;
  if (!tb) return;
  tb.nodes.forEach((n, i) => {
    if (n.index !== i || n.id !== `Replica${i}` || tb.addresses[i] !== `${n.address}:${tb.clientPort}` || n.az >= plan.aws.network.azCount) {
      throw new InternalError(`TigerBeetle plan is inconsistent at replica ${i}: ${JSON.stringify(n)} vs ${tb.addresses[i] ?? 'no address'}`);
    }
  });
  if (tb.addresses.length !== tb.nodes.length) throw new InternalError('TigerBeetle plan: the address list and the nodes differ in length');
}

export function tigerBeetleStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const tb = plan.aws.tigerbeetle;
  // The plan has a TigerBeetle stack only when it has a ledger cluster (index.ts composes only planned stacks).
  if (!tb) throw new InternalError('tigerBeetleStack: the plan has no TigerBeetle cluster');
  checkPlan(plan);
  const prod = plan.environment === 'prod';
  const zones = availabilityZones(plan);
  const arm = isGraviton(tb.instanceType);
  const clusterBecause = because(plan, 'TigerBeetle', 'ClusterParameters');
  const v = tb.volume;
  const volumeLine = `${v.sizeGb} GiB ${v.type}, ${v.iops} IOPS${v.throughput === null ? '' : `, ${v.throughput} MiB/s`}`;

  const replicaCalls = tb.nodes.map((n) => {
    const spec = { address: n.address, availabilityZone: zones[n.az] as string, id: n.id, index: n.index };
    const cidr = plan.aws.network.subnets.private[n.az] as string;
    return `${commentBlock(`Replica ${n.index}: ${n.address} in ${spec.availabilityZone} (private subnet ${cidr}), ${tb.instanceType}, ${volumeLine}.`, because(plan, 'TigerBeetle', n.id), projectRoot, '    ')}
    const ${varName(n.index)} = this.replica(network, ${lit(spec)});${n.index > 0 ? `\n${lineComment(`One replica at a time: created, and rolled on update, only after replica ${n.index - 1} has signalled.`, '    ')}\n    ${varName(n.index)}.node.addDependency(${varName(n.index - 1)});` : ''}`;
  });

  const source = `${header('TigerBeetle stack: one self-healing replica per zone, each with a fixed address and a persistent data volume.', plan.app, plan.environment)}
import { Aws, Duration, RemovalPolicy, Size, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';${tb.image.kind === 'first-deploy' ? "\nimport * as cr from 'aws-cdk-lib/custom-resources';" : ''}
import type { Construct } from 'constructs';
import { ALARMS, creationId, importSecurityGroup, importVpc, notify, PARAMETERS } from './wiring';

/** The pinned TigerBeetle release every replica runs (downloaded at boot from GitHub; never "latest"). */
const RELEASE = ${str(tb.version)};
${jsdoc(`The release build for ${tb.instanceType}.`)}
const ARCH = ${str(arm ? 'aarch64' : 'x86_64')};
const CLUSTER_ID = ${str(String(tb.clusterId))};
/**
 * The one ordered address list. A replica's index is its position here; every replica and
 * every client (TIGERBEETLE_ADDRESSES) uses exactly this list, in this order.
 */
const ADDRESSES: readonly string[] = ${lit(tb.addresses)};
const INSTANCE_TYPE = ${str(tb.instanceType)};
/** Where each replica mounts its data volume. */
const DATA_DIR = '/var/lib/tigerbeetle';
/** The script the replica's systemd unit runs: the TigerBeetle command line. */
const START_SCRIPT = '/usr/local/bin/tigerbeetle-replica';
/** The script that grows the data filesystem to its volume, at every boot before the replica starts. */
const GROW_SCRIPT = '/usr/local/bin/tigerbeetle-grow-data';
/** The one port of a replica: clients and the other replicas connect to it (TigerBeetle uses no other). */
const CLIENT_PORT = ${lit(tb.clientPort)};
/** SSM parameters under this prefix describe the cluster. */
const PARAMETER_PREFIX = ${str(tb.parameterPrefix)};
/** The value of a replica's format marker until its data file has been formatted. */
const FORMAT_MARKER_UNSET = 'never';

/** One replica: its identity (the index is its position in ADDRESSES), its zone and its fixed address. */
interface Replica {
  readonly id: string;
  readonly index: number;
  readonly availabilityZone: string;
  readonly address: string;
}

/** What the boot script needs that is only known at deploy time. */
interface BootValues {
  readonly region: string;
  readonly stackName: string;
  /** The logical ID of the replica's Auto Scaling group (the resource that waits for the signal). */
  readonly signalResource: string;
  readonly networkInterfaceId: string;
  readonly volumeId: string;
  readonly logGroupName: string;
  readonly formatMarker: string;
}

${machineImageCode(tb.image, tb.instanceType, plan.region, { fn: 'replicaImage', one: 'replica', many: 'replicas', key: 'tigerbeetle.ami', resourceType: 'Custom::TigerBeetleImage' })}

function releaseUrl(): string {
  return \`https://github.com/tigerbeetle/tigerbeetle/releases/download/\${RELEASE}/tigerbeetle-\${ARCH}-linux.zip\`;
}

${propsInterface('TigerBeetleStack', [])}

/** Where the replicas live: the Network stack's VPC (a replica in the private subnet of its zone) and the TigerBeetle tier's security group. */
interface ReplicaNetwork {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
}

/** Instances in service in one replica's group (published because the group enables it). */
function inService(group: autoscaling.AutoScalingGroup): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/AutoScaling',
    metricName: 'GroupInServiceInstances',
    dimensionsMap: { AutoScalingGroupName: group.autoScalingGroupName },
    statistic: cloudwatch.Stats.MINIMUM,
    period: Duration.minutes(1),
  });
}

export class TigerBeetleStack extends Stack {
  /** The replicas' single-instance groups, by replica index (this stack alarms on each). */
  readonly replicas: autoscaling.AutoScalingGroup[];
  /** The replicas' logs: one stream per replica and instance, plus its boot output. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TigerBeetleStackProps) {
    super(scope, id, props);

    // The VPC (private subnets) and the TigerBeetle tier's security group, from the Network stack's SSM
    // parameters, read when this stack deploys (lib/wiring.ts): no CloudFormation export.
    const network: ReplicaNetwork = {
      vpc: importVpc(this, { private: true }),
      securityGroup: importSecurityGroup(this, 'SecurityGroup', PARAMETERS.tigerBeetleSecurityGroup),
    };

${commentBlock(`Log group ${tb.logGroup}-<creation id>, kept ${plan.aws.observability.logRetentionDays} days${prod ? ' and retained when the stack is deleted' : ''}.`, clusterBecause, projectRoot, '    ')}
    // It can be kept after the stack is deleted, so its name ends with this stack's creation id.
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: \`${tpl(tb.logGroup)}-\${creationId(this)}\`,
      retention: ${retention(plan.aws.observability.logRetentionDays)},
      removalPolicy: ${removalPolicy(prod ? 'retain' : 'destroy')},
    });

${commentBlock(`Cluster parameters for clients and operators: ${tb.parameterPrefix}/cluster_id and /replica_count.`, clusterBecause, projectRoot, '    ')}
    new ssm.StringParameter(this, 'ClusterIdParameter', {
      parameterName: \`\${PARAMETER_PREFIX}/cluster_id\`,
      stringValue: CLUSTER_ID,
      description: 'TigerBeetle cluster id',
    });
    new ssm.StringParameter(this, 'ReplicaCountParameter', {
      parameterName: \`\${PARAMETER_PREFIX}/replica_count\`,
      stringValue: String(ADDRESSES.length),
      description: 'TigerBeetle replica count (fixed when the data files are formatted)',
    });

${replicaCalls.join('\n\n')}
    this.replicas = [${tb.nodes.map((n) => varName(n.index)).join(', ')}];

    // Alarms on the replicas: each group keeps its one instance in service. This stack owns them.
${alarmCode(ctx, 'TigerBeetle', replicaMetric)}
  }

  /**
   * One replica: a fixed address (a network interface attached at boot), a persistent
   * encrypted data volume (attached at boot), and a single-instance Auto Scaling group
   * that replaces a failed instance. The address and the data outlive every instance.
   */
  private replica(props: ReplicaNetwork, r: Replica): autoscaling.AutoScalingGroup {
    const subnets = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: [r.availabilityZone] });
    if (subnets.subnetIds.length !== 1) {
      throw new Error(\`\${r.id}: expected one private subnet in \${r.availabilityZone}, found \${subnets.subnetIds.length}\`);
    }
    const name = \`\${this.stackName}-\${r.id}\`;

    // The fixed address: clients and the other replicas reach this replica at r.address, port 3000.
    // The boot script attaches it as the second interface; it outlives every instance.
    const networkInterface = new ec2.CfnNetworkInterface(this, \`\${r.id}Address\`, {
      subnetId: subnets.subnetIds[0] as string,
      privateIpAddress: r.address,
      groupSet: [props.securityGroup.securityGroupId],
      description: \`TigerBeetle replica \${r.index} (\${ADDRESSES[r.index]})\`,
    });
    Tags.of(networkInterface).add('Name', name);

    // The data volume: encrypted, in the replica's zone, ${prod ? 'retained' : 'snapshotted'} when removed from the stack or replaced.
    const volume = new ec2.Volume(this, \`\${r.id}Data\`, {
      availabilityZone: r.availabilityZone,
      size: Size.gibibytes(${lit(v.sizeGb)}),
      volumeType: ec2.EbsDeviceVolumeType.${v.type === 'io2' ? 'IO2' : 'GP3'},
      iops: ${lit(v.iops)},${v.throughput === null ? '' : `\n      throughput: ${lit(v.throughput)},`}
      encrypted: true,
      removalPolicy: ${removalPolicy(prod ? 'retain' : 'snapshot')},
    });
    Tags.of(volume).add('Name', name);

    // The format marker: which volume holds this replica's formatted data file (written by the
    // boot script). It stops a replica that lost its data from being formatted again.
    // Do not change this resource: an update would reset the marker.
    const formatMarker = new ssm.StringParameter(this, \`\${r.id}FormatMarker\`, {
      parameterName: \`\${PARAMETER_PREFIX}/formatted/\${r.index}\`,
      stringValue: FORMAT_MARKER_UNSET,
      description: \`The volume holding TigerBeetle replica \${r.index}'s formatted data file (written at boot)\`,
    });

    new ssm.StringParameter(this, \`\${r.id}Parameter\`, {
      parameterName: \`\${PARAMETER_PREFIX}/nodes/\${r.index}\`,
      stringValue: ADDRESSES[r.index] as string,
      description: \`TigerBeetle replica \${r.index}'s address (its position in the ordered address list)\`,
    });

    // The instance role: Session Manager, and exactly what the boot script does.
    const role = new iam.Role(this, \`\${r.id}Role\`, {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: \`TigerBeetle replica \${r.index}\`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    const anyInstance = \`arn:\${Aws.PARTITION}:ec2:\${Aws.REGION}:\${Aws.ACCOUNT_ID}:instance/*\`;
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ec2:AttachNetworkInterface'],
      resources: [this.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: networkInterface.ref }), anyInstance],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ec2:AttachVolume'],
      resources: [this.formatArn({ service: 'ec2', resource: 'volume', resourceName: volume.volumeId }), anyInstance],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVolumes'],
      resources: ['*'],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [this.logGroup.logGroupArn],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter', 'ssm:PutParameter'],
      resources: [formatMarker.parameterArn],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['cloudformation:SignalResource'],
      resources: [this.stackId],
    }));
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        reason: 'The AWS managed policy for Session Manager: operator access without SSH or inbound ports.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:DescribeNetworkInterfaces and ec2:DescribeVolumes are read-only and support no resource-level permissions.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
        reason: "The instance ID is only known at launch; each attach statement also names this replica's own network interface or volume.",
      },
    );

    // The instance: Amazon Linux 2023 (the pinned image, see replicaImage), IMDSv2 only, no key pair (Session
    // Manager instead), encrypted root volume. A new Amazon Linux release replaces nothing.
    const userData = ec2.UserData.forLinux();
    const launchTemplate = new ec2.LaunchTemplate(this, \`\${r.id}LaunchTemplate\`, {
      instanceType: new ec2.InstanceType(INSTANCE_TYPE),
      machineImage: replicaImage(this),
      userData,
      role,
      securityGroup: props.securityGroup,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
        },
      ],
    });
    Tags.of(launchTemplate).add('Name', name);

    // Self-healing: exactly one instance (min = max = 1), in the replica's subnet. Creation waits for
    // the boot script's signal; an update replaces the instance (the old one first: the address and
    // the volume can only be attached to one) and waits for the new one's signal.
    const group = new autoscaling.AutoScalingGroup(this, r.id, {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: [r.availabilityZone] },
      launchTemplate,
      minCapacity: 1,
      maxCapacity: 1,
      signals: autoscaling.Signals.waitForCount(1, { timeout: Duration.minutes(15) }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({ maxBatchSize: 1, minInstancesInService: 0 }),
      // This stack alarms on GroupInServiceInstances < 1: the metric must be collected.
      groupMetrics: [new autoscaling.GroupMetrics(autoscaling.GroupMetric.IN_SERVICE_INSTANCES, autoscaling.GroupMetric.DESIRED_CAPACITY)],
    });
    Tags.of(group).add('Name', name);
    Validations.of(group).acknowledge({
      id: 'AwsSolutions-AS3',
      reason: 'A fixed single-instance group never scales; a missing replica is alarmed on GroupInServiceInstances by this stack.',
    });

    userData.addCommands(bootScript(r, {
      region: this.region,
      stackName: this.stackName,
      signalResource: this.getLogicalId(group.node.defaultChild as autoscaling.CfnAutoScalingGroup),
      networkInterfaceId: networkInterface.ref,
      volumeId: volume.volumeId,
      logGroupName: this.logGroup.logGroupName,
      formatMarker: formatMarker.parameterName,
    }));
    return group;
  }
}

${SHELL_WORD_FUNCTION}

${BOOT_SCRIPT}
`;
  return stackSource('TigerBeetle', [], source);
}

/** A replica alarm's metric: its group's instances in service. */
function replicaMetric(m: AlarmMetric, _a: AwsAlarm): string {
  if (m.kind !== 'replica-in-service') throw new InternalError(`a ${m.kind} alarm in the TigerBeetle stack`);
  return `inService(${varName(m.replica)})`;
}

/**
 * The generated README's TigerBeetle section: which image the replicas run and how to move it, when
 * an instance counts as ready, the zones, the memory, and how the data volume grows. Empty without a cluster.
 */
export function tigerBeetleReadme(plan: DeploymentPlan): string {
  const tb = plan.aws.tigerbeetle;
  if (!tb) return '';
  const zones = availabilityZones(plan);
  const n = tb.nodes.length;
  const lookup = `aws ssm get-parameter --region ${plan.region} --name ${amazonLinuxParameter(tb.instanceType)} --query Parameter.Value --output text`;
  const image =
    tb.image.kind === 'pinned'
      ? `Every replica runs the image ${mdCode(tb.image.ami)} (\`tigerbeetle.ami\`).`
      : `Every replica runs the Amazon Linux 2023 image that was the latest when this TigerBeetle stack was first deployed: the stack's \`Image\` resource reads ${mdCode(amazonLinuxParameter(tb.instanceType))} once and keeps what it found (it reads it again only if that resource changes, which \`npx cdk diff\` shows).`;
  const placement = tb.nodes.map((r) => `replica ${r.index} in ${mdText(zones[r.az] ?? '?')}`).join(', ');
  const shared = sharedZones(n, plan.aws.network.azCount).map((z) => ` ${replicaList(z.replicas).replace(/^r/, 'R')} share a zone: losing it ${z.survives ? 'leaves a majority' : 'stops the cluster'}.`);
  const memory = TIGERBEETLE_INSTANCE_TYPES[tb.instanceType as keyof typeof TIGERBEETLE_INSTANCE_TYPES]?.memoryGib;
  return `## TigerBeetle

${n} replica${n === 1 ? '' : 's'} of cluster ${mdText(String(tb.clusterId))}, release ${mdText(tb.version)}, each in its own self-healing Auto Scaling group.
Clients and the other replicas reach a replica on port ${tb.clientPort} at its fixed address; TigerBeetle uses no other port.

- **Image.** ${image} A new Amazon Linux release replaces no replica. To move to another image on
  purpose (for security updates), look up the current one with ${mdCode(lookup)}, set
  \`ami = "ami-…"\` under \`[deploy.env.${mdText(plan.environment)}.tigerbeetle]\` in \`dazzle.toml\`, run \`dazzle deploy generate\`, check
  \`npx cdk diff\` and deploy: CloudFormation replaces the replicas one at a time, each only after the previous
  one is ready.${n === 1 ? ' With one replica, that replacement is an outage of a few minutes.' : ''}
- **Ready.** An instance signals CloudFormation only when its replica listens on its address and, once a
  majority of the replicas can run, the cluster answers a request sent through the address list
  (\`tigerbeetle repl\` with \`lookup_accounts\`). The waits are bounded (3 and 6 minutes); the reason of a failure is in
  the CloudFormation event and in the replica's \`<replica>/<instance>/boot\` log stream.
- **Zones.** ${placement}.${shared.join('')}
- **Memory.** ${mdText(tb.instanceType)}${memory === undefined ? '' : ` has ${memory} GiB`}; TigerBeetle needs at least ${TIGERBEETLE_MIN_MEMORY_GIB} GiB per replica and recommends
  16 to 32 GiB (${TIGERBEETLE_HARDWARE_DOCS}).
- **Data volume.** EBS volumes only grow: raise \`volume_size_gb\`, regenerate and deploy, and the volume grows in
  place. Its XFS filesystem grows at the replica's next boot (\`tigerbeetle-grow.service\` runs before the replica);
  to grow it at once, run \`sudo systemctl start tigerbeetle-grow.service\` in a Session Manager shell on the instance.

`;
}

/** `replica0`, `replica1`… (the variables in the generated constructor). */
function varName(index: number): string {
  return ident(`replica${index}`);
}
