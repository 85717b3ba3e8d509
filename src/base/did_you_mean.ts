/**
 * "did you mean dev?" for a mistyped name, as commander suggests commands and options: the
 * candidates within a small edit distance (letters added, dropped, changed or swapped), the
 * closest first.
 *
 * @module
 */
import { safeEcho } from "./safe_text.ts";

/** The optimal-string-alignment distance of `a` and `b` (a swap of neighbours counts once). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidates closest to `name` (at most 3 edits, and fewer than 40 % of the longer name;
 * a case-only difference always counts), at most `max`, in alphabetical order.
 */
export function similarNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const scored: [string, number][] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const distance = candidate.toLowerCase() === name.toLowerCase()
      ? 0
      : editDistance(name, candidate);
    const longest = Math.max(name.length, candidate.length);
    if (distance <= 3 && distance < 0.4 * longest) scored.push([candidate, distance]);
  }
  const best = Math.min(...scored.map(([, distance]) => distance));
  return scored.filter(([, distance]) => distance === best)
    .sort((a, b) => a[0].localeCompare(b[0])).slice(0, max).map(([candidate]) => candidate);
}

/** " (did you mean dev?)" / " (did you mean dev or dev2?)", or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const similar = similarNames(name, candidates).map((c) => safeEcho(c, 100));
  if (similar.length === 0) return "";
  const list = similar.length === 1
    ? similar[0]
    : `${similar.slice(0, -1).join(", ")} or ${similar.at(-1)}`;
  return ` (did you mean ${list}?)`;
}
