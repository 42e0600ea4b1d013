// Preloaded by bench/run.mjs (`node --import`) into each `dazzle check` it times: at exit, writes the
// process's peak resident set size in bytes to the file named by DAZZLE_BENCH_RSS.
import { writeFileSync } from 'node:fs';

const file = process.env.DAZZLE_BENCH_RSS;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
