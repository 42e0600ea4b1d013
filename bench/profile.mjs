// The functions a dazzle command spends its own CPU time in (`node --cpu-prof`), the top N by
// self time: where the hot spots are. Usage:
//
//   node bench/profile.mjs PROJECT [--bin PATH] [--top N] [-- COMMAND…]
//
// PROJECT: a project folder (bench/project.mjs makes one); --bin: the dazzle to run (default this
// repository's bin/dazzle; another checkout's bin/dazzle profiles that version); COMMAND: default
// `deploy plan`. Prints one line per function: self time, share, name and place.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Self time per function (ms), summed over the profile's samples, largest first. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'}\t${f.url ? `${f.url.replace(/^file:\/\//, '')}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .map(([key, ms]) => {
      const [name, place] = key.split('\t');
      return { name, place, ms, share: ms / total };
    })
    .sort((a, b) => b.ms - a.ms);
}

/** Run `command` of dazzle `bin` on `project` under the CPU profiler; the profile and the wall time. */
export function profileRun(project, { bin = join(ROOT, 'bin', 'dazzle'), command = ['deploy', 'plan'] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-profile-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, bin, ...command, '-p', project], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  const wall = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1 && r.status !== 2) throw new Error(`dazzle ${command.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { profile, wall };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const args = process.argv.slice(2);
  const dash = args.indexOf('--');
  const command = dash >= 0 ? args.slice(dash + 1) : undefined;
  const own = dash >= 0 ? args.slice(0, dash) : args;
  const opt = (name) => {
    const i = own.indexOf(name);
    return i >= 0 ? own[i + 1] : undefined;
  };
  const project = own.find((a, i) => !a.startsWith('--') && !own[i - 1]?.startsWith('--'));
  if (!project) {
    process.stderr.write('usage: node bench/profile.mjs PROJECT [--bin PATH] [--top N] [-- COMMAND…]\n');
    process.exit(2);
  }
  const bin = opt('--bin');
  const top = Number(opt('--top') ?? 5);
  const { profile, wall } = profileRun(resolve(project), { ...(bin ? { bin: resolve(bin) } : {}), ...(command ? { command } : {}) });
  const rows = selfTimes(profile).filter((r) => r.name !== '(idle)' && r.name !== '(program)' && r.name !== '(garbage collector)');
  const gc = selfTimes(profile).find((r) => r.name === '(garbage collector)');
  process.stdout.write(`wall ${wall.toFixed(0)} ms; garbage collector ${gc ? gc.ms.toFixed(0) : 0} ms\n`);
  for (const r of rows.slice(0, top)) process.stdout.write(`${r.ms.toFixed(1).padStart(9)} ms ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}  ${r.place ? relative(process.cwd(), r.place) : ''}\n`);
}
