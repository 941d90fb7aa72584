/**
 * Curve fitting for parameter → quality analysis: ordinary least squares lines and
 * polynomials, and LOESS smoothing. Pure, no dependencies, no I/O.
 */

function assertSameLength(xs: readonly number[], ys: readonly number[]): void {
  if (xs.length !== ys.length) {
    throw new RangeError(`xs and ys must have the same length (${xs.length} vs ${ys.length})`);
  }
}

/**
 * Simple linear regression y = intercept + slope·x. `r2` is NaN when y is constant (there is
 * no variance to explain); `slope_standard_error` is NaN below three points. null below two
 * points or when x is constant (the slope is undefined).
 */
export function linearRegression(
  xs: readonly number[],
  ys: readonly number[],
): {
  slope: number;
  intercept: number;
  r2: number;
  n: number;
  slope_standard_error: number;
} | null {
  assertSameLength(xs, ys);
  const n = xs.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i += 1) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const residualSS = Math.max(syy - slope * sxy, 0);
  return {
    slope,
    intercept: my - slope * mx,
    r2: syy === 0 ? Number.NaN : (sxy * sxy) / (sxx * syy),
    n,
    slope_standard_error: n > 2 ? Math.sqrt(residualSS / (n - 2) / sxx) : Number.NaN,
  };
}

/** c0 + c1·x + c2·x² + … by Horner's rule. */
export function evaluatePolynomial(coefficients: readonly number[], x: number): number {
  let y = 0;
  for (let i = coefficients.length - 1; i >= 0; i -= 1) y = y * x + coefficients[i]!;
  return y;
}

/**
 * Least-squares polynomial of the given degree. x is centred and scaled to [−1, 1] before
 * the Vandermonde matrix is built (raw max_tokens values squared would otherwise make the
 * system ill-conditioned), solved by Householder QR, and the coefficients are mapped back to
 * powers of the original x. `r2` is NaN when y is constant; `residual_standard_error` is NaN
 * with no residual degrees of freedom. null when there are fewer distinct x values than
 * coefficients (under-determined) or the system is numerically singular.
 */
export function polynomialRegression(
  xs: readonly number[],
  ys: readonly number[],
  degree: number,
): { coefficients: number[]; r2: number; n: number; residual_standard_error: number } | null {
  assertSameLength(xs, ys);
  if (!Number.isInteger(degree) || degree < 0) {
    throw new RangeError(`degree must be a non-negative integer, got ${degree}`);
  }
  const n = xs.length;
  const k = degree + 1;
  if (new Set(xs).size < k) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const centre = (min + max) / 2;
  const scale = (max - min) / 2 || 1;
  const design = xs.map((x) => {
    const u = (x - centre) / scale;
    const row = new Array<number>(k);
    row[0] = 1;
    for (let j = 1; j < k; j += 1) row[j] = row[j - 1]! * u;
    return row;
  });
  const scaled = solveLeastSquares(design, ys, k);
  if (!scaled) return null;
  const coefficients = unscaleCoefficients(scaled, centre, scale);

  let my = 0;
  for (const y of ys) my += y;
  my /= n;
  let residualSS = 0;
  let totalSS = 0;
  for (let i = 0; i < n; i += 1) {
    residualSS += (ys[i]! - evaluatePolynomial(scaled, (xs[i]! - centre) / scale)) ** 2;
    totalSS += (ys[i]! - my) ** 2;
  }
  return {
    coefficients,
    r2: totalSS === 0 ? Number.NaN : Math.max(0, 1 - residualSS / totalSS),
    n,
    residual_standard_error: n > k ? Math.sqrt(residualSS / (n - k)) : Number.NaN,
  };
}

/**
 * Householder QR least squares for an n×k design (n ≥ k). Works on copies; returns null
 * when a column is (numerically) a combination of earlier ones.
 */
function solveLeastSquares(design: number[][], ys: readonly number[], k: number): number[] | null {
  const n = design.length;
  const a = design.map((row) => [...row]);
  const b = [...ys];
  let largestDiagonal = 0;
  for (let j = 0; j < k; j += 1) {
    let norm = 0;
    for (let i = j; i < n; i += 1) norm += a[i]![j]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) return null;
    const alpha = a[j]![j]! > 0 ? -norm : norm;
    // Householder vector v = x − alpha·e1, applied as H = I − 2vvᵀ/(vᵀv).
    const v = new Array<number>(n - j);
    for (let i = j; i < n; i += 1) v[i - j] = a[i]![j]!;
    v[0] = v[0]! - alpha;
    let vv = 0;
    for (const x of v) vv += x * x;
    if (vv === 0) continue;
    for (let c = j; c < k; c += 1) {
      let dot = 0;
      for (let i = j; i < n; i += 1) dot += v[i - j]! * a[i]![c]!;
      const f = (2 * dot) / vv;
      for (let i = j; i < n; i += 1) a[i]![c] = a[i]![c]! - f * v[i - j]!;
    }
    let dot = 0;
    for (let i = j; i < n; i += 1) dot += v[i - j]! * b[i]!;
    const f = (2 * dot) / vv;
    for (let i = j; i < n; i += 1) b[i] = b[i]! - f * v[i - j]!;
    largestDiagonal = Math.max(largestDiagonal, Math.abs(a[j]![j]!));
  }
  for (let j = 0; j < k; j += 1) {
    if (Math.abs(a[j]![j]!) <= 1e-12 * largestDiagonal) return null;
  }
  const beta = new Array<number>(k).fill(0);
  for (let j = k - 1; j >= 0; j -= 1) {
    let s = b[j]!;
    for (let c = j + 1; c < k; c += 1) s -= a[j]![c]! * beta[c]!;
    beta[j] = s / a[j]![j]!;
  }
  return beta;
}

/** Rewrites Σ b_j·((x − centre)/scale)^j as Σ c_i·x^i (binomial expansion). */
function unscaleCoefficients(scaled: readonly number[], centre: number, scale: number): number[] {
  const result = new Array<number>(scaled.length).fill(0);
  // poly holds the coefficients of ((x − centre)/scale)^j, built up one power at a time.
  let poly = [1];
  for (let j = 0; j < scaled.length; j += 1) {
    for (let i = 0; i < poly.length; i += 1) result[i] = result[i]! + scaled[j]! * poly[i]!;
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let i = 0; i < poly.length; i += 1) {
      next[i + 1] = next[i + 1]! + poly[i]! / scale;
      next[i] = next[i]! - (poly[i]! * centre) / scale;
    }
    poly = next;
  }
  return result;
}

/**
 * LOESS smoother (Cleveland 1979, degree 1, no robustness iterations): at each point of
 * `at`, a weighted linear fit over the nearest ⌈bandwidth·n⌉ observations (at least 2)
 * with tricube weights scaled to the distance of the farthest of them. Where those points
 * share one x the weighted mean is returned. NaN everywhere for empty input.
 */
export function loess(
  xs: readonly number[],
  ys: readonly number[],
  at: readonly number[],
  bandwidth = 0.5,
): number[] {
  assertSameLength(xs, ys);
  if (!(bandwidth > 0 && bandwidth <= 1)) {
    throw new RangeError(`bandwidth must be in (0, 1], got ${bandwidth}`);
  }
  const n = xs.length;
  if (n === 0) return at.map(() => Number.NaN);
  const order = xs.map((_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const sx = order.map((i) => xs[i]!);
  const sy = order.map((i) => ys[i]!);
  const span = Math.min(n, Math.max(2, Math.ceil(bandwidth * n)));
  return at.map((x0) => localLinearFit(sx, sy, x0, span));
}

/** Index of the first sorted x ≥ target. */
function lowerBound(sorted: readonly number[], target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function localLinearFit(sx: number[], sy: number[], x0: number, span: number): number {
  // Grow a window of the `span` nearest points outward from x0's insertion point.
  let left = lowerBound(sx, x0);
  let right = left; // window is [left, right)
  while (right - left < span) {
    const takeLeft = right >= sx.length || (left > 0 && x0 - sx[left - 1]! <= sx[right]! - x0);
    if (takeLeft) left -= 1;
    else right += 1;
  }
  const h = Math.max(x0 - sx[left]!, sx[right - 1]! - x0);
  // Points tied with the farthest one belong to the window too, so the choice between
  // equidistant neighbours never depends on which side the search happened to try first.
  while (left > 0 && x0 - sx[left - 1]! === h) left -= 1;
  while (right < sx.length && sx[right]! - x0 === h) right += 1;
  const weights = new Float64Array(right - left);
  let sw = 0;
  for (let i = left; i < right; i += 1) {
    const w = tricube(sx[i]! - x0, h);
    weights[i - left] = w;
    sw += w;
  }
  // Every point of the window sits exactly at distance h (x0 midway between two tied
  // clusters, or beyond the data): tricube gives them all zero, but they are equally near,
  // so weigh them equally.
  if (sw === 0) {
    weights.fill(1);
    sw = weights.length;
  }
  let swx = 0;
  let swy = 0;
  for (let i = left; i < right; i += 1) {
    swx += weights[i - left]! * sx[i]!;
    swy += weights[i - left]! * sy[i]!;
  }
  const mx = swx / sw;
  const my = swy / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = left; i < right; i += 1) {
    const w = weights[i - left]!;
    const dx = sx[i]! - mx;
    sxx += w * dx * dx;
    sxy += w * dx * (sy[i]! - my);
  }
  // Relative threshold: a window of (almost) one x value cannot support a slope.
  if (sxx <= 1e-12 * sw * (h * h || 1)) return my;
  return my + (sxy / sxx) * (x0 - mx);
}

/** Tricube weight (1 − |d/h|³)³; every point weighs 1 when the window has zero width. */
function tricube(d: number, h: number): number {
  if (h === 0) return 1;
  const r = Math.abs(d) / h;
  return r >= 1 ? 0 : (1 - r * r * r) ** 3;
}
