/** Small helpers for turning measurements into scores and quoting the text in explanations. */

export function clamp(value: number, lo = 0, hi = 100): number {
  if (Number.isNaN(value)) return lo;
  return Math.min(hi, Math.max(lo, value));
}

/** Linear ramp: 0 at `from`, 1 at `to` (either direction), clamped to [0, 1]. */
export function ramp(value: number, from: number, to: number): number {
  if (from === to) return value >= to ? 1 : 0;
  return clamp((value - from) / (to - from), 0, 1);
}

/** Final dimension score: clamped to 0..100 and rounded to one decimal. */
export function toScore(value: number): number {
  return Math.round(clamp(value) * 10) / 10;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A quotation of the text, shortened in the middle of words only when needed. */
export function quote(text: string, max = 110): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return `"${flat}"`;
  const head = flat.slice(0, max - 1);
  const cut = head.lastIndexOf(' ');
  return `"${(cut > max * 0.6 ? head.slice(0, cut) : head).trimEnd()}…"`;
}

/** A quotation of the end of the text (where a cut-off response stops). */
export function quoteTail(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return `"${flat}"`;
  const tail = flat.slice(-(max - 1));
  const cut = tail.indexOf(' ');
  return `"…${(cut >= 0 && cut < max * 0.4 ? tail.slice(cut + 1) : tail).trimStart()}"`;
}

/** `"a"`, `"a" and "b"`, `"a", "b" and 3 more`. */
export function listTerms(terms: readonly string[], max = 4): string {
  const shown = terms.slice(0, max).map((t) => `"${t}"`);
  const rest = terms.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** Share of a count in a total, 0 when the total is 0. */
export function share(part: number, total: number): number {
  return total > 0 ? part / total : 0;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
