// Preloaded by bench/run.mjs (`node --import`) into each `dazzle check` it times: at exit, writes the
// process's peak resident set size (bytes) and CPU time (user + system, all threads, ms) as JSON to the
// file named by DAZZLE_BENCH_USAGE; on Linux also the CPU time of the child processes it waited for
// (preflight's validating process), from /proc/self/stat (cutime + cstime, in ticks of 1/100 s).
import { readFileSync, writeFileSync } from 'node:fs';

function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

const file = process.env.DAZZLE_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ peakRss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, childrenCpuMs: childrenCpuMs() }));
  });
}
