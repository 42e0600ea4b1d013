// Rewrites the golden plans in test/golden/plan/ by running the built CLI (`npm run accept`).
// Review the diff before committing: a changed golden file is a changed plan.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FORMATS, PLAN_CASES } from './golden-cases.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const c of PLAN_CASES) {
  const dir = `${root}test/golden/plan/${c.name}`;
  mkdirSync(dir, { recursive: true });
  for (const [file, format] of FORMATS) {
    const r = spawnSync(process.execPath, [`${root}bin/dazzle`, 'deploy', 'plan', '--format', format, ...c.args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0) throw new Error(`${c.name} ${format}: exit ${r.status}\n${r.stderr}`);
    writeFileSync(`${dir}/${file}`, r.stdout);
    console.log(`test/golden/plan/${c.name}/${file}`);
  }
}
