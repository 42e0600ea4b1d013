// Writes src/ir/time-zones.ts, the bundled list of IANA time zone names the linker accepts for a
// schedule's `timezone:` (EventBridge Scheduler evaluates schedules in IANA zones).
// Every Zone and Link of the IANA tz database: canonical names (Europe/London) and the aliases
// EventBridge Scheduler also accepts (UTC, Etc/UTC, US/Eastern, Asia/Calcutta…); not "Factory".
//   node scripts/time-zones.mjs [path/to/tzdata.zi]   (default /usr/share/zoneinfo/tzdata.zi)
// Re-run it when a tzdata release adds or renames zones, and commit the result.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = process.argv[2] ?? '/usr/share/zoneinfo/tzdata.zi';
const text = readFileSync(source, 'utf8');
const version = /^# version (\S+)/m.exec(text)?.[1];
if (!version) throw new Error(`${source} has no "# version" line; is it a tzdata.zi file?`);
const names = new Set();
for (const line of text.split('\n')) {
  const f = line.split(' ');
  if (f[0] === 'Z') names.add(f[1]);
  if (f[0] === 'L') names.add(f[2]);
}
names.delete('Factory');
const sorted = [...names].sort();
const today = new Date().toISOString().slice(0, 10);
const body = `/**
 * IANA time zone names: every zone and link of the tz database, release ${version}
 * (${sorted.length} names), generated ${today} from tzdata.zi by \`node scripts/time-zones.mjs\`.
 * Do not edit by hand: re-run the script with a newer tzdata.zi and commit the result.
 */

/** The tz database release the list comes from. */
export const TIME_ZONE_RELEASE = '${version}';

/** Every name a schedule's \`timezone:\` may take, case-sensitive as IANA spells it. */
export const TIME_ZONES: ReadonlySet<string> = new Set([
${sorted.map((n) => `  '${n}',`).join('\n')}
]);
`;
writeFileSync(`${root}src/ir/time-zones.ts`, body);
console.log(`src/ir/time-zones.ts: ${sorted.length} names from tzdata ${version}`);
