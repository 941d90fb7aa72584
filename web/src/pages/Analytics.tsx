import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../api/client';
import { useModels } from '../components/ModelPicker';
import { ParameterCurve } from '../components/ParameterCurve';
import { Card, Empty, ErrorBox, Loading, PageHeader } from '../components/ui';
import { fmtCost, fmtNumber, label } from '../lib/format';
import { TUNED_PARAMETERS } from '../lib/sweep';

interface ParameterAnalysis {
  total_responses: number;
  bins: {
    range: [number, number];
    mean_value: number;
    n: number;
    mean_quality: number | null;
    ci_95: [number, number] | null;
  }[];
  correlations: { metric: string; correlation: number | null; p_value: number | null; n: number }[];
  optimal_range: {
    min: number;
    max: number;
    best_value: number;
    mean_quality: number;
    ci_95: [number, number] | null;
    n: number;
  } | null;
  finding: string;
}

interface ModelComparison {
  model_comparison: {
    model: string;
    metrics: {
      average_quality: number | null;
      consistency: number | null;
      cost_efficiency: number | null;
      response_time: number | null;
    };
    response_count: number;
    cost_per_response: number | null;
    strengths: string[];
    weaknesses: string[];
  }[];
  recommendation: {
    best_overall: string | null;
    best_value: string | null;
    best_speed: string | null;
  };
  significance: {
    model_a: string;
    model_b: string;
    mean_difference: number | null;
    p_value_adjusted: number | null;
    effect_size: number | null;
    significant: boolean;
    interpretation: string;
  }[];
}

export function AnalyticsPage() {
  const [parameter, setParameter] = useState<string>('temperature');
  const [model, setModel] = useState('');
  const models = useModels();
  const analysis = useQuery({
    queryKey: ['parameter-analysis', parameter, model],
    queryFn: () =>
      api<ParameterAnalysis>('/analytics/parameter-analysis', { query: { parameter, model } }),
  });
  const comparison = useQuery({
    queryKey: ['model-comparison'],
    queryFn: () => api<ModelComparison>('/analytics/model-comparison'),
  });
  const bins = (analysis.data?.bins ?? []).map((b) => ({
    value: b.range[0] === b.range[1] ? String(b.mean_value) : `${b.range[0]}–${b.range[1]}`,
    quality: b.mean_quality,
    // A floating bar from the lower to the upper 95% bound (none below two responses).
    ci: b.ci_95 ? [Math.max(0, b.ci_95[0]), Math.min(100, b.ci_95[1])] : null,
    n: b.n,
  }));

  return (
    <>
      <PageHeader title="Analytics" />
      <Card
        title="Parameter analysis"
        actions={
          <>
            <label className="inline">
              Parameter
              <select value={parameter} onChange={(e) => setParameter(e.target.value)}>
                {TUNED_PARAMETERS.map((p) => (
                  <option key={p} value={p}>
                    {label(p)}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline">
              Model
              <select value={model} onChange={(e) => setModel(e.target.value)}>
                <option value="">All</option>
                {models.data?.providers.flatMap((p) =>
                  p.models.map((m) => (
                    <option key={`${p.id}/${m.id}`} value={m.id}>
                      {m.name}
                    </option>
                  )),
                )}
              </select>
            </label>
          </>
        }
      >
        {analysis.isLoading ? <Loading /> : null}
        <ErrorBox error={analysis.error} />
        {analysis.data && analysis.data.total_responses === 0 ? (
          <Empty title="No scored responses for this selection" />
        ) : null}
        {analysis.data && analysis.data.total_responses > 0 ? (
          <>
            <p className="finding">{analysis.data.finding}</p>
            <ParameterCurve parameter={parameter} model={model} />
            <div className="grid grid-2">
              <figure
                className="chart"
                aria-label={`Mean quality by ${label(parameter)} with 95% confidence intervals`}
              >
                <figcaption>
                  Mean quality by {label(parameter)} with its 95% confidence interval
                </figcaption>
                <ResponsiveContainer width="100%" height={260}>
                  <ComposedChart data={bins} margin={{ top: 8, right: 16, bottom: 4, left: -12 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                    <XAxis dataKey="value" tick={{ fontSize: 12 }} />
                    <YAxis domain={[0, 100]} tick={{ fontSize: 12 }} />
                    <Tooltip />
                    <Legend />
                    <Bar
                      dataKey="ci"
                      name="95% CI"
                      fill="#c7d2fe"
                      maxBarSize={36}
                      isAnimationActive={false}
                    />
                    <Scatter
                      dataKey="quality"
                      name="Mean quality"
                      fill="#4f46e5"
                      isAnimationActive={false}
                    />
                  </ComposedChart>
                </ResponsiveContainer>
              </figure>
              <table className="table compact">
                <caption>Correlation of {label(parameter)} with each metric</caption>
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col" className="num">
                      r
                    </th>
                    <th scope="col" className="num">
                      p
                    </th>
                    <th scope="col" className="num">
                      n
                    </th>
                    <th scope="col">Significant</th>
                  </tr>
                </thead>
                <tbody>
                  {analysis.data.correlations.map((c) => {
                    const sig = c.p_value !== null && c.p_value < 0.05;
                    return (
                      <tr key={c.metric} className={sig ? 'highlight' : ''}>
                        <th scope="row">{label(c.metric)}</th>
                        <td className="num">{fmtNumber(c.correlation, 3)}</td>
                        <td className="num">
                          {c.p_value === null
                            ? '—'
                            : c.p_value < 0.0001
                              ? '<0.0001'
                              : fmtNumber(c.p_value, 4)}
                        </td>
                        <td className="num">{c.n}</td>
                        <td>{sig ? 'yes (p < 0.05)' : 'no'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </Card>
      <Card title="Model comparison">
        {comparison.isLoading ? <Loading /> : null}
        <ErrorBox error={comparison.error} />
        {comparison.data && comparison.data.model_comparison.length === 0 ? (
          <Empty title="No scored responses yet" />
        ) : null}
        {comparison.data && comparison.data.model_comparison.length > 0 ? (
          <>
            <p>
              Best overall: <strong>{comparison.data.recommendation.best_overall ?? '—'}</strong> ·
              best value: <strong>{comparison.data.recommendation.best_value ?? '—'}</strong> ·
              fastest: <strong>{comparison.data.recommendation.best_speed ?? '—'}</strong>
            </p>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col" className="num">
                      Quality
                    </th>
                    <th scope="col" className="num">
                      Consistency
                    </th>
                    <th scope="col" className="num">
                      Cost efficiency
                    </th>
                    <th scope="col" className="num">
                      Latency (s)
                    </th>
                    <th scope="col" className="num">
                      Per response
                    </th>
                    <th scope="col">Strengths</th>
                    <th scope="col">Weaknesses</th>
                  </tr>
                </thead>
                <tbody>
                  {comparison.data.model_comparison.map((m) => (
                    <tr key={m.model}>
                      <th scope="row">
                        <code>{m.model}</code>
                        <div className="muted small">{m.response_count} responses</div>
                      </th>
                      <td className="num">{fmtNumber(m.metrics.average_quality)}</td>
                      <td className="num">{fmtNumber(m.metrics.consistency, 2)}</td>
                      <td className="num">{fmtNumber(m.metrics.cost_efficiency, 2)}</td>
                      <td className="num">{fmtNumber(m.metrics.response_time, 2)}</td>
                      <td className="num">{fmtCost(m.cost_per_response)}</td>
                      <td>
                        <ul className="plain">
                          {m.strengths.slice(0, 3).map((s) => (
                            <li key={s}>{s}</li>
                          ))}
                        </ul>
                      </td>
                      <td>
                        <ul className="plain">
                          {m.weaknesses.slice(0, 3).map((s) => (
                            <li key={s}>{s}</li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3>Significance (Mann-Whitney U, Holm-adjusted)</h3>
            {comparison.data.significance.length === 0 ? (
              <p className="muted">Needs at least two models with scored responses.</p>
            ) : (
              <ul>
                {comparison.data.significance.map((s) => (
                  <li key={`${s.model_a}-${s.model_b}`} className={s.significant ? 'sig' : ''}>
                    {s.interpretation}{' '}
                    <span className="muted">(effect size {fmtNumber(s.effect_size, 2)})</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : null}
      </Card>
    </>
  );
}
