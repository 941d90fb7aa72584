/**
 * Inputs that have broken web services before: NaN-ish and huge numbers, odd unicode (RTL
 * overrides, emoji, NUL, lone surrogates), SQL and NoSQL injection, prototype-pollution keys
 * and deep nesting. Each arbitrary is meant to be dropped into any string, number or object
 * position of a request.
 */
import fc from 'fast-check';

/** Keys that pollute `Object.prototype` when a parser or a merge copies them naively. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

export const NAN_ISH = ['NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '-0', '0x1F', '1_000'];

export const INJECTIONS = [
  "' OR 1=1--",
  "'; DROP TABLE experiments;--",
  '" OR ""="',
  '1; SELECT pg_sleep(5)--',
  "1' UNION SELECT password_hash FROM users--",
  '{"$gt":""}',
  '{"$where":"sleep(1000)"}',
  '$ne',
  '%',
  '_',
  '\\',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}',
];

export const ODD_UNICODE = [
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  '😀🚀👩‍👩‍👧‍👦',
  '\uD800',
  'x\uDC00y',
  '\uFEFF',
  '\u200B\u200D',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\r\n\t\u000b\f',
];

const hugeNumbers = [
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31) - 1,
  2 ** 63,
  0,
  -1,
  0.5,
  1e-320,
];

/** A hostile string: a named one, a very long one, or arbitrary full-range unicode. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAN_ISH, ...INJECTIONS, ...ODD_UNICODE) },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', '😀', '\u202E', "'", 'é'), fc.integer({ min: 300, max: 20_000 }))
      .map(([unit, n]) => unit.repeat(n)),
  },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...hugeNumbers),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** `depth` levels of `{"a":{"a":…}}` or `[[[…]]]`, as a JSON text (objects would be the same). */
export function deepJson(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object'
    ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/**
 * Hostile JSON values as JSON text, so `__proto__` stays an own key (a JS object literal would
 * set the prototype instead) and deep nesting costs nothing to build.
 */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString.map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: hostileNumber.map((n) => JSON.stringify(n)) },
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', 'false', '[]', '{}', '""', '1e309') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{"$gt":""}',
      '{"$ne":null}',
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"prototype":{"polluted":"yes"}}',
      '[{"__proto__":{"polluted":"yes"}}]',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 20, max: 3_000 }),
        fc.constantFrom('object', 'array') as fc.Arbitrary<'object' | 'array'>,
      )
      .map(([depth, kind]) => deepJson(depth, kind)),
  },
);

/** True when something wrote onto `Object.prototype` (the pollution this suite looks for). */
export function prototypeIsPolluted(): boolean {
  const probe: Record<string, unknown> = {};
  return (
    Object.getOwnPropertyNames(Object.prototype).some((k) => k === 'polluted') ||
    probe.polluted !== undefined ||
    Object.keys(Object.prototype).length > 0
  );
}
