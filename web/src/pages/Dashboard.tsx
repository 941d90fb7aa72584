import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { QualityLineChart } from '../components/QualityLineChart';
import { api } from '../api/client';
import { Card, Empty, ErrorBox, Loading, PageHeader, Stat } from '../components/ui';
import { fmtCost, fmtNumber, fmtPercent, label } from '../lib/format';

interface Dashboard {
  overview: {
    total_experiments: number;
    total_responses: number;
    average_quality: number | null;
    quality_trend: number | null;
    active_models: number;
    total_cost: number;
    cost_trend: number | null;
  };
  quality_trends: {
    date: string;
    average_quality: number | null;
    experiment_count: number;
    response_count?: number;
  }[];
  model_performance: {
    model: string;
    average_quality: number | null;
    response_count: number;
    cost_per_response: number | null;
  }[];
  top_experiments: {
    id: number;
    name: string;
    average_quality: number | null;
    response_count: number;
  }[];
  parameter_insights: {
    parameter: string;
    optimal_value: number | null;
    correlation_with_quality: number | null;
    mean_quality_at_optimal?: number | null;
  }[];
}

const PERIODS = ['24h', '7d', '30d', '90d', 'all'];

export function DashboardPage() {
  const [period, setPeriod] = useState('30d');
  const q = useQuery({
    queryKey: ['dashboard', period],
    queryFn: () => api<Dashboard>('/analytics/dashboard', { query: { period } }),
  });
  const d = q.data;
  return (
    <>
      <PageHeader title="Dashboard">
        <label className="inline">
          Period
          <select value={period} onChange={(e) => setPeriod(e.target.value)}>
            {PERIODS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <Link className="btn btn-primary" to="/experiments/new">
          New experiment
        </Link>
      </PageHeader>
      {q.isLoading ? <Loading /> : null}
      <ErrorBox error={q.error} title="Could not load the dashboard" />
      {d ? (
        <>
          <div className="stats-row">
            <Stat label="Experiments" value={d.overview.total_experiments} />
            <Stat label="Responses" value={d.overview.total_responses} />
            <Stat
              label="Average quality"
              value={fmtNumber(d.overview.average_quality)}
              hint={
                d.overview.quality_trend !== null
                  ? `${fmtPercent(d.overview.quality_trend)} vs previous period`
                  : undefined
              }
            />
            <Stat
              label="Total cost"
              value={fmtCost(d.overview.total_cost)}
              hint={
                d.overview.cost_trend !== null
                  ? `${fmtPercent(d.overview.cost_trend)} vs previous period`
                  : undefined
              }
            />
            <Stat label="Active models" value={d.overview.active_models} />
          </div>
          {d.overview.total_responses === 0 ? (
            <Empty title="Nothing scored in this period">
              <Link to="/experiments/new">Create an experiment</Link> and generate a few responses,
              or <Link to="/batches/new">run a sweep</Link>.
            </Empty>
          ) : (
            <>
              <div className="grid grid-2">
                <Card title="Quality trend">
                  <figure className="chart" aria-label="Average quality per day">
                    <QualityLineChart
                      data={d.quality_trends}
                      xKey="date"
                      yKey="average_quality"
                      name="Avg quality"
                      height={240}
                    />
                  </figure>
                </Card>
                <Card title="Model performance">
                  <figure className="chart" aria-label="Average quality per model">
                    <ResponsiveContainer width="100%" height={240}>
                      <BarChart
                        data={d.model_performance}
                        margin={{ top: 8, right: 16, bottom: 4, left: -12 }}
                      >
                        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                        <XAxis dataKey="model" tick={{ fontSize: 12 }} />
                        <YAxis domain={[0, 100]} tick={{ fontSize: 12 }} />
                        <Tooltip />
                        <Bar
                          dataKey="average_quality"
                          name="Avg quality"
                          fill="#4f46e5"
                          isAnimationActive={false}
                        />
                      </BarChart>
                    </ResponsiveContainer>
                  </figure>
                </Card>
              </div>
              <div className="grid grid-3">
                <Card title="Cost by model">
                  <table className="table compact">
                    <thead>
                      <tr>
                        <th scope="col">Model</th>
                        <th scope="col" className="num">
                          Responses
                        </th>
                        <th scope="col" className="num">
                          Per response
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.model_performance.map((m) => (
                        <tr key={m.model}>
                          <th scope="row">
                            <code>{m.model}</code>
                          </th>
                          <td className="num">{m.response_count}</td>
                          <td className="num">{fmtCost(m.cost_per_response)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Card>
                <Card title="Top experiments">
                  <ol className="rank">
                    {d.top_experiments.map((e) => (
                      <li key={e.id}>
                        <Link to={`/experiments/${e.id}`}>{e.name}</Link>{' '}
                        <span className="muted">
                          {fmtNumber(e.average_quality)} · {e.response_count} responses
                        </span>
                      </li>
                    ))}
                  </ol>
                </Card>
                <Card title="Parameter insights">
                  <table className="table compact">
                    <thead>
                      <tr>
                        <th scope="col">Parameter</th>
                        <th scope="col" className="num">
                          Best value
                        </th>
                        <th scope="col" className="num">
                          r with quality
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.parameter_insights.map((p) => (
                        <tr key={p.parameter}>
                          <th scope="row">{label(p.parameter)}</th>
                          <td className="num">{p.optimal_value ?? '—'}</td>
                          <td className="num">{fmtNumber(p.correlation_with_quality, 2)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Card>
              </div>
            </>
          )}
        </>
      ) : null}
    </>
  );
}
