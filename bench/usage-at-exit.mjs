// Preloaded by bench/run.mjs (`node --import`) into each `dazzle check` it times: at exit, writes the
// process's peak resident set size (bytes) and CPU time (user + system, all threads, ms) as JSON to the
// file named by DAZZLE_BENCH_USAGE.
import { writeFileSync } from 'node:fs';

const file = process.env.DAZZLE_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ peakRss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
  });
}
