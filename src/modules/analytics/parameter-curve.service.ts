import type { OwnerScope } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { round } from '../../lib/numbers.js';
import { createRng, randomNormal } from '../../lib/random.js';
import { evaluatePolynomial, loess, polynomialRegression } from '../../lib/regression.js';
import { quantile, standardDeviation } from '../../lib/stats.js';
import type { TunedParameter } from '../metrics/parameter-insights.js';
import type { AnalyticsRepository } from './analytics.repository.js';
import type { MetricColumn } from './metric-columns.js';
import { binGroups, groupDecimals } from './parameter-bins.js';
import { optimumOf, withinOfBest } from './curve-optimum.js';
import { sampleVariance } from './summary-stats.js';

/** Points fitted: distinct values, or this many equal-width bins of a continuous parameter. */
const CURVE_BINS = 25;
const GRID_POINTS = 41;
const RESAMPLES = 400;
const SEED = 20261204;
const LOESS_BANDWIDTH = 0.75;

export interface ParameterCurveInput {
  parameter: TunedParameter;
  metric: MetricColumn;
  model?: string;
  from?: Date;
  to?: Date;
}

interface Point {
  x: number;
  y: number;
  n: number;
  /** Standard error of the point's mean (null for a single response). */
  se: number | null;
}

/** GET /api/analytics/parameter-curve: a quadratic fit with a bootstrap band and its optimum. */
export class ParameterCurveService {
  constructor(private readonly repo: AnalyticsRepository) {}

  async curve(scope: OwnerScope, input: ParameterCurveInput) {
    const { parameter, metric } = input;
    const groups = await this.repo.parameterGroups(
      {
        scope,
        ...(input.from ? { from: input.from } : {}),
        ...(input.to ? { to: input.to } : {}),
        ...(input.model ? { models: [input.model] } : {}),
      },
      parameter,
      [metric],
      groupDecimals(parameter),
    );
    const points: Point[] = binGroups(groups, metric, CURVE_BINS).map((b) => ({
      x: b.value,
      y: b.mean,
      n: b.sums.n,
      se: b.low_ci === null ? null : standardErrorOf(b.sums.n, b.sums.sy, b.sums.syy),
    }));
    if (points.length < 3) {
      throw new ValidationError(
        `A curve needs at least 3 distinct ${parameter} values among the scored responses; these filters give ${points.length}. Widen the filters or sweep ${parameter} with a batch experiment.`,
        {
          field: 'parameter',
          value: parameter,
          expected: 'At least 3 distinct values in the data',
        },
      );
    }
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    // Each parameter value is one point: a heavily sampled setting does not dominate the shape.
    const fit = polynomialRegression(xs, ys, 2)!;
    const min = Math.min(...xs);
    const max = Math.max(...xs);
    const grid = Array.from(
      { length: GRID_POINTS },
      (_, i) => min + ((max - min) * i) / (GRID_POINTS - 1),
    );
    const optimum = optimumOf(fit.coefficients, min, max);
    const boot = this.bootstrap(points, fit.residual_standard_error, grid, optimum.x, min, max);
    const se = boot.atOptimum.length > 1 ? standardDeviation(boot.atOptimum) : 0;
    const range = withinOfBest(fit.coefficients, min, max, optimum.x, optimum.y - se);
    const smooth = loess(xs, ys, grid, LOESS_BANDWIDTH);
    const digits = parameter === 'max_tokens' ? 0 : 3;
    return {
      parameter,
      metric,
      model: input.model ?? null,
      date_range: {
        from: input.from?.toISOString() ?? null,
        to: input.to?.toISOString() ?? null,
      },
      responses: points.reduce((s, p) => s + p.n, 0),
      points: points.map((p) => ({
        value: round(p.x, digits),
        n: p.n,
        mean: round(p.y, 2),
        standard_error: round(p.se, 3),
      })),
      fit: {
        kind: 'quadratic',
        coefficients: fit.coefficients,
        r2: Number.isNaN(fit.r2) ? null : round(fit.r2, 4),
        residual_standard_error: Number.isNaN(fit.residual_standard_error)
          ? null
          : round(fit.residual_standard_error, 3),
        weighting: 'Unweighted over the points: each parameter value (or bin) counts once.',
      },
      curve: grid.map((x, i) => ({
        x: round(x, digits),
        fitted: round(evaluatePolynomial(fit.coefficients, x), 2),
        low: round(
          quantile(
            boot.curves.map((c) => c[i]!),
            0.025,
          ),
          2,
        ),
        high: round(
          quantile(
            boot.curves.map((c) => c[i]!),
            0.975,
          ),
          2,
        ),
        loess: Number.isFinite(smooth[i]!) ? round(smooth[i]!, 2) : null,
      })),
      optimum: {
        value: round(optimum.x, digits),
        interval_95: [
          round(quantile(boot.optima, 0.025), digits),
          round(quantile(boot.optima, 0.975), digits),
        ],
        predicted: round(optimum.y, 2),
        standard_error: round(se, 3),
        at_boundary: optimum.atBoundary,
      },
      one_se_range: { min: round(range.min, digits), max: round(range.max, digits) },
      bootstrap: {
        resamples: RESAMPLES,
        seed: SEED,
        method:
          'Parametric: each point is redrawn from a normal distribution with its mean and standard error, and the quadratic refitted.',
      },
    };
  }

  /** Refits on redrawn points: curve values on the grid, each refit's optimum and value there. */
  private bootstrap(
    points: Point[],
    residualSe: number,
    grid: number[],
    optimumX: number,
    min: number,
    max: number,
  ) {
    // A point from one response has no spread of its own: borrow the pooled within-point one.
    const withSpread = points.filter((p) => p.se !== null);
    const pooledSd = withSpread.length
      ? Math.sqrt(
          withSpread.reduce((s, p) => s + p.se! ** 2 * p.n * (p.n - 1), 0) /
            withSpread.reduce((s, p) => s + p.n - 1, 0),
        )
      : Number.isFinite(residualSe)
        ? residualSe
        : 0;
    const rng = createRng(SEED);
    const curves: number[][] = [];
    const optima: number[] = [];
    const atOptimum: number[] = [];
    const xs = points.map((p) => p.x);
    for (let b = 0; b < RESAMPLES; b += 1) {
      const ys = points.map((p) => randomNormal(rng, p.y, p.se ?? pooledSd / Math.sqrt(p.n)));
      const refit = polynomialRegression(xs, ys, 2);
      if (!refit) continue;
      curves.push(grid.map((x) => evaluatePolynomial(refit.coefficients, x)));
      optima.push(optimumOf(refit.coefficients, min, max).x);
      atOptimum.push(evaluatePolynomial(refit.coefficients, optimumX));
    }
    return { curves, optima, atOptimum };
  }
}

function standardErrorOf(n: number, sum: number, sumSquares: number): number {
  return Math.sqrt(sampleVariance(n, sum, sumSquares) / n);
}
