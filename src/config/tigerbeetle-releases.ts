/**
 * The TigerBeetle releases this version of dazzle knows, so that a pinned
 * `tigerbeetle.version` that does not exist fails at `check`, not when the
 * nodes try to download it at boot.
 *
 * To update: read the "## TigerBeetle X.Y.Z" headings of TigerBeetle's
 * CHANGELOG.md (github.com/tigerbeetle/tigerbeetle), or its releases page,
 * extend the last series (or add one), and move {@link TIGERBEETLE_RELEASES_AS_OF}
 * to the day you looked. Releases are numbered without gaps within a series (a
 * week without a release is marked "(unreleased)" and takes no number).
 *
 * Starts at 0.15.3, the first stable release: data files from earlier
 * releases cannot be upgraded, and the boot script relies on the multiversion
 * binary that later releases ship.
 */

/** The day the list below was checked against TigerBeetle's releases. */
export const TIGERBEETLE_RELEASES_AS_OF = '2026-09-05';

/** Each series `major.minor` with its first and last patch release. */
const SERIES: readonly { readonly series: string; readonly first: number; readonly last: number }[] = [
  { series: '0.15', first: 3, last: 6 }, // 0.15.3 (first stable) … 0.15.6 (2024-08-19)
  { series: '0.16', first: 0, last: 78 }, // 0.16.0 (2024-09-02) … 0.16.67 (2025-12-12) … 0.16.78
  { series: '0.17', first: 0, last: 9 }, // 0.17.0 (new client API) … 0.17.9 (the default)
];

/** Every known release, oldest first. */
export const TIGERBEETLE_RELEASES: readonly string[] = SERIES.flatMap(({ series, first, last }) => Array.from({ length: last - first + 1 }, (_, i) => `${series}.${first + i}`));

export const OLDEST_TIGERBEETLE_RELEASE = TIGERBEETLE_RELEASES[0] as string;
export const LATEST_TIGERBEETLE_RELEASE = TIGERBEETLE_RELEASES[TIGERBEETLE_RELEASES.length - 1] as string;

function compare(a: string, b: string): number {
  const x = a.split('.').map((n) => Number.parseInt(n, 10));
  const y = b.split('.').map((n) => Number.parseInt(n, 10));
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/**
 * How a `major.minor.patch` version relates to the known releases: a known
 * release; newer than all of them (dazzle cannot tell whether it exists);
 * older than the first stable release; or inside the known range but not a
 * release.
 */
export function tigerBeetleRelease(version: string): 'known' | 'newer' | 'too-old' | 'unknown' {
  if (TIGERBEETLE_RELEASES.includes(version)) return 'known';
  if (compare(version, LATEST_TIGERBEETLE_RELEASE) > 0) return 'newer';
  if (compare(version, OLDEST_TIGERBEETLE_RELEASE) < 0) return 'too-old';
  return 'unknown';
}

/** The releases of the same series nearest to `version`, for a hint (e.g. 0.16.78 for 0.16.99). */
export function nearestTigerBeetleRelease(version: string): string {
  const series = version.split('.').slice(0, 2).join('.');
  const same = TIGERBEETLE_RELEASES.filter((r) => r.startsWith(`${series}.`));
  return same[same.length - 1] ?? LATEST_TIGERBEETLE_RELEASE;
}
