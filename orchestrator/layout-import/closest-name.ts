/**
 * "Did you mean ...?" for names typed by hand (keys of a site file, node ids, enum values).
 */

/**
 * The candidate `name` was most likely meant as, or undefined when none is close: equal ignoring case,
 * one a prefix of the other (`maxSpeed` -> `maxSpeedMps`), or at most a third of the letters apart
 * (edit distance). Ties go to the earlier candidate. Candidates equal to `name` are never returned.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const other = candidate.toLowerCase();
    const score =
      other === lower
        ? 0
        : lower.length >= 3 && (other.startsWith(lower) || lower.startsWith(other))
          ? 0.5
          : editDistance(lower, other);
    if (score <= limit && score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions, each costing 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
