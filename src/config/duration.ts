/**
 * Parses a duration such as `86400`, `"86400"`, `"30m"`, `"24h"` or `"7d"` into seconds.
 * Returns `undefined` for anything else so the caller can report the variable by name.
 */
export function parseDurationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  const match = /^\s*(\d+)\s*(s|m|h|d)?\s*$/i.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = { s: 1, m: 60, h: 3600, d: 86400 }[unit] ?? 1;
  const seconds = amount * factor;
  return seconds > 0 ? seconds : undefined;
}
