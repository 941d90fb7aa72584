/**
 * Download file names: `<slug of the name>-<YYYY-MM-DD>.<ext>`, with an ASCII fallback for
 * old clients and the Unicode name in RFC 6266 / RFC 5987 `filename*`, so "Análisis 创意"
 * downloads under its own name without breaking the header.
 */

const MAX_SLUG_LENGTH = 60;

function trimSlug(slug: string): string {
  return slug
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
}

/** Letters and digits of any script, lower-cased, words joined by `-`. */
export function unicodeSlug(name: string): string {
  return trimSlug(
    name
      .normalize('NFC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-'),
  );
}

/** ASCII only: accents dropped (é → e), other scripts removed. */
export function asciiSlug(name: string): string {
  return trimSlug(
    name
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-'),
  );
}

export interface DownloadName {
  /** What `filename*` carries (UTF-8). */
  unicode: string;
  /** What plain `filename` carries (ASCII). */
  ascii: string;
}

/** The file name of an export of `name` made on `date`; `fallback` when nothing is left of it. */
export function downloadName(
  name: string,
  extension: string,
  fallback: string,
  date = new Date(),
): DownloadName {
  const day = date.toISOString().slice(0, 10);
  const unicode = unicodeSlug(name) || fallback;
  const ascii = asciiSlug(name) || fallback;
  return { unicode: `${unicode}-${day}.${extension}`, ascii: `${ascii}-${day}.${extension}` };
}

/** RFC 5987 value-chars: encodeURIComponent leaves `'()*` and `!` alone, which are not attr-chars. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `attachment; filename="ascii"; filename*=UTF-8''unicode`. */
export function contentDisposition(name: DownloadName): string {
  const header = `attachment; filename="${name.ascii.replace(/["\\]/g, '')}"`;
  return name.unicode === name.ascii
    ? header
    : `${header}; filename*=UTF-8''${encodeRfc5987(name.unicode)}`;
}

export const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
} as const;
