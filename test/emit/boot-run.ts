/**
 * Runs a node's rendered boot script (user data) the way cloud-init would, but under a temporary root
 * (the script's DAZZLE_ROOT) and with stub commands first on PATH in place of what only exists on EC2:
 * the AWS CLI, the instance metadata service (curl), docker, systemd, the block device and filesystem
 * tools. Each stub records its arguments, in order, in `<root>/.stub/calls`, and keeps what it must
 * remember (the attached network interface and volume, a made filesystem) in `<root>/.stub`, so a
 * second boot on the same root sees what the first one left.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Stub bodies (bash), by command name. `$S` is the state folder; every stub logs its call first. */
const STUBS: Readonly<Record<string, string>> = {
  curl: `case "$*" in
  *api/token*) echo token ;;
  *meta-data/instance-id*) echo "$STUB_INSTANCE" ;;
  *placement/region*) echo us-east-1 ;;
esac`,
  aws: `arg() { local want=$1; shift; while [ $# -gt 0 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }
case "$1 $2" in
  'ec2 describe-network-interfaces') if [ -f "$S/eni" ]; then printf 'in-use\\t%s\\n' "$(cat "$S/eni")"; else printf 'available\\tNone\\n'; fi ;;
  'ec2 attach-network-interface') arg --instance-id "$@" > "$S/eni" ;;
  'ec2 describe-volumes') if [ -f "$S/volume" ]; then printf 'in-use\\t%s\\n' "$(cat "$S/volume")"; else printf 'available\\tNone\\n'; fi ;;
  'ec2 attach-volume') arg --instance-id "$@" > "$S/volume" ;;
  's3 cp') mkdir -p "$S/artifact" && echo '#!/bin/sh' > "$S/artifact/pulse-node" && tar -czf "\${@: -1}" -C "$S/artifact" pulse-node ;;
  'ssm get-parameter') printf '%s\\n' "$STUB_PARAMETER" ;;
  'secretsmanager get-secret-value') printf '%s\\n' "$STUB_SECRET" ;;
  'ecr get-login-password') echo password ;;
esac`,
  ip: `if [ -f "$S/eni" ]; then echo "3: ens6    inet $STUB_ADDRESS/24 brd 10.0.255.255 scope global ens6"; fi`,
  lsblk: '[ -f "$S/volume" ]',
  readlink: 'echo /dev/nvme1n1',
  blkid: `case "$*" in
  *TYPE*) if [ -f "$S/filesystem" ]; then echo xfs; else exit 2; fi ;;
  *UUID*) echo 0b2c7f5e-uuid ;;
esac`,
  'mkfs.xfs': 'touch "$S/filesystem"',
  mountpoint: '[ -f "$S/mounted" ]',
  mount: 'touch "$S/mounted"',
  xfs_growfs: '',
  systemctl: `case "$1" in
  is-active) exit 0 ;;
  show) echo 0 ;;
esac`,
  // docker login reads the password from stdin, as the real one does (the script pipes it from aws).
  docker: `if [ "$1" = login ]; then cat > /dev/null; fi
if [ "$1" = run ]; then for v in "$@"; do case "$v" in [A-Z]*) [ -n "\${!v+x}" ] && printf '%s=%s\\n' "$v" "\${!v}" >> "$S/docker-env" ;; esac; done; fi`,
  dnf: '',
  shutdown: '',
  sleep: '',
  id: 'exit 1',
  useradd: '',
  chown: '',
};

/** Commands the script runs by absolute path, below the root. */
const ROOT_STUBS = ['opt/aws/bin/cfn-signal', 'opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl'];

export interface BootRoot {
  readonly root: string;
  /** Run a script (a file's text) under the root with the stubs; `env` adds variables. */
  run(script: string, env?: Readonly<Record<string, string>>): { readonly status: number | null; readonly stderr: string };
  /** The recorded calls, one line each: the command's name and its arguments. */
  calls(): string[];
  /** A file below the root (`etc/fstab`). */
  path(p: string): string;
  /** Forget what a terminated instance held: its network interface and volume are detached, its mounts gone. */
  terminate(): void;
}

export function bootRoot(): BootRoot {
  const root = mkdtempSync(join(tmpdir(), 'dazzle-node-root-'));
  const state = join(root, '.stub');
  const bin = join(state, 'bin');
  mkdirSync(bin, { recursive: true });
  const stub = (file: string, name: string, body: string) => {
    // One write per call: the two sides of a pipe (aws … | docker login) log at the same time.
    writeFileSync(file, `#!/bin/bash\nS=${JSON.stringify(state)}\ncall=${JSON.stringify(name)}; for a in "$@"; do call+=" $a"; done; printf '%s\\n' "$call" >> "$S/calls"\n${body}\n`);
    chmodSync(file, 0o755);
  };
  for (const [name, body] of Object.entries(STUBS)) stub(join(bin, name), name, body);
  for (const p of ROOT_STUBS) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    stub(join(root, p), p.split('/').pop() as string, '');
  }
  return {
    root,
    run(script, env = {}) {
      const file = join(state, 'script');
      writeFileSync(file, script);
      const r = spawnSync('bash', [file], { encoding: 'utf8', env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, DAZZLE_ROOT: root } });
      return { status: r.status, stderr: r.stderr };
    },
    calls: () => (existsSync(join(state, 'calls')) ? readFileSync(join(state, 'calls'), 'utf8').trim().split('\n') : []),
    path: (p) => join(root, p),
    terminate() {
      for (const f of ['eni', 'volume', 'mounted', 'calls']) spawnSync('rm', ['-f', join(state, f)]);
    },
  };
}
