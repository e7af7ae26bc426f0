/** "Did you mean …?" for instance types and regions: Levenshtein distance, nearest first. */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Up to `count` names within a distance that grows with the input's length (a third of it,
 * at least 2), nearest first, then alphabetical: "m7i.lage" -> m7i.large.
 */
export function closest(input: string, names: Iterable<string>, count = 3): string[] {
  // Nothing is near an overlong input, and comparing one costs its length times every name's.
  if (input.length > 64) return [];
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.ceil(needle.length / 3));
  const scored: { name: string; d: number }[] = [];
  for (const name of names) {
    const d = editDistance(needle, name.toLowerCase());
    if (d <= limit) scored.push({ name, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return scored.slice(0, count).map((s) => s.name);
}
