import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { QualityLineChart } from './QualityLineChart';
import { label } from '../lib/format';

export interface ExperimentStats {
  overview: Record<string, number | null>;
  quality_breakdown: Record<string, number | null>;
  parameter_performance: {
    optimal_settings?: Record<string, number>;
    optimal_mean_quality?: number | null;
  };
  time_series: { response_order: number; quality: number | null; timestamp: string }[];
}

/** Quality per response in order, and the mean of each dimension. */
export function ExperimentCharts({ stats }: { stats: ExperimentStats }) {
  const breakdown = Object.entries(stats.quality_breakdown).map(([k, v]) => ({
    metric: label(k),
    value: v ?? 0,
  }));
  return (
    <div className="grid grid-2">
      <figure className="chart" aria-label="Quality of each response in order">
        <figcaption>Quality by response</figcaption>
        <QualityLineChart
          data={stats.time_series}
          xKey="response_order"
          yKey="quality"
          height={220}
        />
      </figure>
      <figure className="chart" aria-label="Mean score of each quality dimension">
        <figcaption>Dimension means</figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart
            data={breakdown}
            layout="vertical"
            margin={{ top: 4, right: 16, bottom: 4, left: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
            <XAxis type="number" domain={[0, 100]} tick={{ fontSize: 12 }} />
            <YAxis
              type="category"
              dataKey="metric"
              tick={{ fontSize: 12 }}
              width={120}
              interval={0}
            />
            <Tooltip />
            <Bar dataKey="value" fill="#4f46e5" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
