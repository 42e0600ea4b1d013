/** A channel's retention, as the plan reads it. */

/** A topic's retention as days (`7`, `7d`, `2w`), or null when it is not a whole number of days or weeks. */
export function retentionDays(retention: string | null): number | null {
  if (retention === null) return null;
  const m = /^\s*(\d+)\s*(d|days?|w|weeks?)?\s*$/i.exec(retention);
  if (!m) return null;
  const n = Number(m[1]) * (m[2] && /^w/i.test(m[2]) ? 7 : 1);
  return n > 0 ? n : null;
}
