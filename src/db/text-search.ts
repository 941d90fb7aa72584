import type { Database } from './index.js';

/**
 * A GLOB pattern matching `term` anywhere, case-insensitively: each letter becomes a class of
 * its cased forms (`é` → `[éÉ]`) and GLOB's own wildcards are made literal. SQLite's LOWER() and
 * LIKE fold ASCII letters only, so "école" would miss "ÉCOLE" without it.
 */
function caseInsensitiveGlob(term: string): string {
  let pattern = '*';
  for (const char of term) {
    // Only one-character case mappings: 'ß'.toUpperCase() is 'SS', which no class can hold.
    const forms = new Set(
      [char, char.toLowerCase(), char.toUpperCase()].filter((f) => [...f].length === 1),
    );
    if (forms.size > 1) pattern += `[${[...forms].join('')}]`;
    else pattern += '*?['.includes(char) ? `[${char}]` : char;
  }
  return `${pattern}*`;
}

/** Case-insensitive substring match of `term` on any of `columns`, the same on every dialect. */
export function searchAny(db: Database, columns: string[], term: string): string {
  if (db.dialect === 'sqlite') {
    const glob = db.sequelize.escape(caseInsensitiveGlob(term));
    return `(${columns.map((c) => `${c} GLOB ${glob}`).join(' OR ')})`;
  }
  // '!' escapes LIKE wildcards portably (the default escape character differs by dialect).
  const pattern = db.sequelize.escape(`%${term.toLowerCase().replace(/[!%_]/g, '!$&')}%`);
  return `(${columns.map((c) => `LOWER(COALESCE(${c}, '')) LIKE ${pattern} ESCAPE '!'`).join(' OR ')})`;
}
