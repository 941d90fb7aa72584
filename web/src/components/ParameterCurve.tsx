import { useQuery } from '@tanstack/react-query';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../api/client';
import { fmtNumber, label } from '../lib/format';
import { ErrorBox, Loading } from './ui';

interface Curve {
  responses: number;
  points: { value: number; n: number; mean: number | null }[];
  fit: { r2: number | null };
  curve: {
    x: number;
    fitted: number | null;
    low: number | null;
    high: number | null;
    loess: number | null;
  }[];
  optimum: { value: number; interval_95: [number, number]; predicted: number | null };
}

/**
 * Quality against one parameter: the mean at each value (dots), the quadratic fit with its
 * bootstrap 95% band, a LOESS smooth, and the optimum with its interval.
 */
export function ParameterCurve({ parameter, model }: { parameter: string; model: string }) {
  const q = useQuery({
    queryKey: ['parameter-curve', parameter, model],
    queryFn: () => api<Curve>('/analytics/parameter-curve', { query: { parameter, model } }),
  });
  if (q.isLoading) return <Loading label="Fitting the curve…" />;
  if (q.error) return <ErrorBox error={q.error} title="No curve for this selection" />;
  if (!q.data) return null;
  const { curve, points, optimum, fit } = q.data;
  const band = curve.map((c) => ({
    ...c,
    band: c.low !== null && c.high !== null ? [c.low, c.high] : null,
  }));
  return (
    <figure
      className="chart"
      aria-label={`Fitted overall quality against ${label(parameter)} with a 95% band`}
    >
      <figcaption>
        Fitted quality vs {label(parameter)} — optimum ≈ <strong>{optimum.value}</strong> (95%
        interval {optimum.interval_95[0]}–{optimum.interval_95[1]}, predicted{' '}
        {fmtNumber(optimum.predicted)}; R² {fmtNumber(fit.r2, 2)})
      </figcaption>
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart data={band} margin={{ top: 8, right: 16, bottom: 4, left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis
            dataKey="x"
            type="number"
            domain={['dataMin', 'dataMax']}
            tick={{ fontSize: 12 }}
          />
          <YAxis domain={['auto', 'auto']} tick={{ fontSize: 12 }} />
          <Tooltip />
          <Legend />
          <Area
            dataKey="band"
            name="95% band"
            stroke="none"
            fill="#c7d2fe"
            fillOpacity={0.6}
            isAnimationActive={false}
          />
          <Line
            dataKey="fitted"
            name="Quadratic fit"
            stroke="#4f46e5"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            dataKey="loess"
            name="LOESS"
            stroke="#0891b2"
            strokeDasharray="5 4"
            dot={false}
            isAnimationActive={false}
          />
          <Scatter
            data={points.map((p) => ({ x: p.value, mean: p.mean }))}
            dataKey="mean"
            name="Mean at value"
            fill="#111827"
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
