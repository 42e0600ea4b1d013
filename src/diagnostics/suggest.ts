/** "Did you mean …?" suggestions by edit distance. */

/** Damerau-Levenshtein (optimal string alignment) distance, bounded for speed. */
export function editDistance(a: string, b: string, max = 8): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    d.push(row);
  }
  for (let j = 0; j < cols; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i < rows; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = v;
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}

/**
 * The closest candidate to `word`, if it is close enough to be a plausible typo:
 * one edit for words of up to three letters, otherwise at most a third of the
 * word's length (and at least two), or a word that starts with the candidate;
 * case-insensitive.
 * Ties go to the alphabetically first candidate, so the answer is deterministic.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const lc = c.toLowerCase();
    // A word that extends a candidate by a few letters (`string` for `str`) is a near miss too.
    const d = lc.length >= 3 && w.length <= lc.length + 3 && w.startsWith(lc) ? 1 : editDistance(w, lc, limit);
    if (d <= limit && (d < bestDistance || (d === bestDistance && best !== undefined && c < best))) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `, did you mean 'x'?` style hint text, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c === undefined ? undefined : `did you mean '${c}'?`;
}
