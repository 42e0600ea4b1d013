// Rewrites the golden plans in test/golden/plan/ and the golden apps in test/golden/app/ by running
// the built CLI (`npm run accept`). Review the diff before committing: a changed golden file is a
// changed plan, a changed generated app, or (construct-ids.txt) a resource AWS would replace.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_CASES, FORMATS, PLAN_CASES, constructIds, normalizeVersionFile } from './golden-cases.mjs';

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

const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
const cli = (args) => {
  const r = spawnSync(process.execPath, [`${root}bin/dazzle`, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`dazzle ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
};
for (const c of APP_CASES) {
  // Generate into a copy of the project (as users do: <project>/infra), then synthesize it.
  const project = mkdtempSync(join(tmpdir(), 'dazzle-accept-'));
  cpSync(join(root, c.project), project, { recursive: true, filter: (f) => !/[\\/](infra|cdk\.out|node_modules)$/.test(f) });
  cli(['deploy', 'generate', '-p', project, '--env', c.env]);
  cli(['deploy', 'synth', '-p', project, '--env', c.env]);
  const app = join(project, 'infra');
  const golden = `${root}test/golden/app/${c.name}`;
  rmSync(golden, { recursive: true, force: true });
  for (const file of walk(app).filter((f) => !relative(app, f).startsWith('cdk.out'))) {
    const rel = relative(app, file);
    const text = readFileSync(file, 'utf8');
    mkdirSync(join(golden, 'files', rel, '..'), { recursive: true });
    writeFileSync(join(golden, 'files', rel), rel === '.dazzle-infra-version.json' ? normalizeVersionFile(text) : text);
  }
  const out = join(app, 'cdk.out');
  const templates = readdirSync(out).filter((f) => f.endsWith('.template.json')).sort().map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')));
  writeFileSync(join(golden, 'construct-ids.txt'), constructIds(templates));
  rmSync(project, { recursive: true, force: true });
  console.log(`test/golden/app/${c.name}/`);
}
