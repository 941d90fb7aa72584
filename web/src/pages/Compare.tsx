import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  Legend,
  PolarAngleAxis,
  PolarGrid,
  PolarRadiusAxis,
  Radar,
  RadarChart,
  ResponsiveContainer,
  Tooltip,
} from 'recharts';
import { api } from '../api/client';
import type { ExperimentDto, ResponseDto } from '../api/types';
import { Card, Empty, ErrorBox, Loading, PageHeader } from '../components/ui';
import { fmtNumber, label } from '../lib/format';
import { metricExtremes } from '../lib/compare';

interface ComparedResponse {
  id: number;
  overall_quality: number | null;
  metrics: Record<string, number | null>;
  content_preview: string;
  model: string | null;
  parameters: Record<string, unknown> | null;
  status?: string;
}

interface Comparison {
  responses: ComparedResponse[];
  analysis: { parameter_insights: string[]; recommendations: string[] } & Record<string, unknown>;
  detailed_comparison?: {
    quality_differences: {
      metric: string;
      range: number;
      highest: number;
      lowest: number;
      average: number;
      std_dev?: number;
    }[];
  };
}

const COLORS = ['#4f46e5', '#0891b2', '#d97706', '#db2777', '#16a34a', '#7c3aed'];
const CRITERIA = [
  'quality',
  'coherence',
  'creativity',
  'readability',
  'completeness',
  'factual_accuracy',
  'relevance',
  'engagement',
  'technical_depth',
];

export function ComparePage() {
  const [params, setParams] = useSearchParams();
  const ids = (params.get('ids') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const [experimentId, setExperimentId] = useState<string>('');
  const [criteria, setCriteria] = useState<string[]>([
    'quality',
    'coherence',
    'creativity',
    'readability',
    'completeness',
  ]);

  const experiments = useQuery({
    queryKey: ['experiments', 'picker'],
    queryFn: () =>
      api<{ experiments: ExperimentDto[] }>('/experiments', {
        query: { limit: 100, sort: 'updated_at' },
      }),
  });
  const pool = useQuery({
    queryKey: ['experiment-responses', Number(experimentId), 'picker'],
    queryFn: () =>
      api<{ responses: ResponseDto[] }>(`/experiments/${experimentId}/responses`, {
        query: { limit: 100, sort: 'quality' },
      }),
    enabled: experimentId !== '',
  });
  const comparison = useQuery({
    queryKey: ['compare', ids, criteria],
    queryFn: () =>
      api<{ comparison: Comparison }>('/responses/compare', {
        body: { response_ids: ids, comparison_criteria: criteria, include_detailed_analysis: true },
      }),
    enabled: ids.length >= 2,
  });
  const toggle = (id: number, on: boolean) => {
    const next = on ? [...new Set([...ids, id])] : ids.filter((x) => x !== id);
    setParams(next.length ? { ids: next.join(',') } : {});
  };

  const c = comparison.data?.comparison;
  const metricKeys = useMemo(
    () => (c ? ['overall_quality', ...Object.keys(c.responses[0]?.metrics ?? {})] : []),
    [c],
  );
  const valueOf = (r: ComparedResponse, k: string) =>
    k === 'overall_quality' ? r.overall_quality : (r.metrics[k] ?? null);
  const extremes = useMemo(
    () => (c ? metricExtremes(c.responses, metricKeys, valueOf) : {}),
    [c, metricKeys],
  );
  const radar = metricKeys.map((k) => ({
    metric: label(k),
    ...Object.fromEntries((c?.responses ?? []).map((r) => [`#${r.id}`, valueOf(r, k) ?? 0])),
  }));

  return (
    <>
      <PageHeader title="Compare responses" />
      <Card title="Pick responses">
        <div className="filters">
          <label>
            Experiment
            <select value={experimentId} onChange={(e) => setExperimentId(e.target.value)}>
              <option value="">Choose…</option>
              {experiments.data?.experiments.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="criteria">
            <legend>Criteria</legend>
            {CRITERIA.map((k) => (
              <label key={k} className="inline">
                <input
                  type="checkbox"
                  checked={criteria.includes(k)}
                  onChange={(e) =>
                    setCriteria((cs) => (e.target.checked ? [...cs, k] : cs.filter((x) => x !== k)))
                  }
                />
                {label(k)}
              </label>
            ))}
          </fieldset>
        </div>
        {pool.isLoading ? <Loading /> : null}
        {pool.data && pool.data.responses.length === 0 ? (
          <Empty title="This experiment has no responses yet" />
        ) : null}
        {pool.data ? (
          <ul className="pick-list">
            {pool.data.responses.map((r) => (
              <li key={r.id}>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={ids.includes(r.id)}
                    onChange={(e) => toggle(r.id, e.target.checked)}
                  />
                  #{r.id} · quality {fmtNumber(r.quality_metrics?.overall_quality)} · T=
                  {String(r.parameters?.temperature ?? '—')} —{' '}
                  <span className="muted">{r.content.slice(0, 90)}…</span>
                </label>
              </li>
            ))}
          </ul>
        ) : null}
        <p className="muted">
          Selected: {ids.length ? ids.map((i) => `#${i}`).join(', ') : 'none'} (pick at least two)
        </p>
      </Card>
      {ids.length < 2 ? (
        <Empty title="Pick two or more responses to compare">
          From an experiment above, or with the Compare boxes on an experiment page.
        </Empty>
      ) : null}
      {comparison.isLoading ? <Loading label="Comparing…" /> : null}
      <ErrorBox error={comparison.error} title="Could not compare" />
      {c ? (
        <>
          <div
            className="compare-grid"
            style={{ gridTemplateColumns: `repeat(${c.responses.length}, minmax(220px, 1fr))` }}
          >
            {c.responses.map((r, i) => (
              <Card
                key={r.id}
                title={<span style={{ color: COLORS[i % COLORS.length] }}>Response #{r.id}</span>}
                className="compare-col"
              >
                <p className="muted small">
                  {r.model} ·{' '}
                  {Object.entries(r.parameters ?? {})
                    .map(([k, v]) => `${k}=${String(v)}`)
                    .join(' · ')}
                </p>
                <table className="table compact" data-testid="compare-table">
                  <tbody>
                    {metricKeys.map((k) => {
                      const v = valueOf(r, k);
                      const ex = extremes[k];
                      const cls =
                        ex && v !== null && ex.best !== ex.worst
                          ? v === ex.best
                            ? 'best'
                            : v === ex.worst
                              ? 'worst'
                              : ''
                          : '';
                      return (
                        <tr key={k} className={cls}>
                          <th scope="row">{label(k)}</th>
                          <td className="num">
                            {fmtNumber(v)}
                            {cls === 'best' ? (
                              <span className="sr-only"> (highest)</span>
                            ) : cls === 'worst' ? (
                              <span className="sr-only"> (lowest)</span>
                            ) : null}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <p className="preview">{r.content_preview}</p>
              </Card>
            ))}
          </div>
          <div className="grid grid-2">
            <Card title="Profile">
              <figure className="chart" aria-label="Radar chart of the metrics of each response">
                <ResponsiveContainer width="100%" height={320}>
                  <RadarChart data={radar} outerRadius="70%">
                    <PolarGrid />
                    <PolarAngleAxis dataKey="metric" tick={{ fontSize: 11 }} />
                    <PolarRadiusAxis domain={[0, 100]} tick={{ fontSize: 10 }} />
                    {c.responses.map((r, i) => (
                      <Radar
                        key={r.id}
                        name={`#${r.id}`}
                        dataKey={`#${r.id}`}
                        stroke={COLORS[i % COLORS.length]}
                        fill={COLORS[i % COLORS.length]}
                        fillOpacity={0.15}
                        isAnimationActive={false}
                      />
                    ))}
                    <Legend />
                    <Tooltip />
                  </RadarChart>
                </ResponsiveContainer>
              </figure>
            </Card>
            <Card title="Insights & recommendations">
              <h3>Insights</h3>
              <ul>
                {c.analysis.parameter_insights.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
              <h3>Recommendations</h3>
              <ul>
                {c.analysis.recommendations.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
              {c.detailed_comparison ? (
                <table className="table compact">
                  <caption>Spread per metric</caption>
                  <thead>
                    <tr>
                      <th scope="col">Metric</th>
                      <th scope="col" className="num">
                        Range
                      </th>
                      <th scope="col" className="num">
                        Low
                      </th>
                      <th scope="col" className="num">
                        High
                      </th>
                      <th scope="col" className="num">
                        Mean
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.detailed_comparison.quality_differences.map((d) => (
                      <tr key={d.metric} className={d.range >= 10 ? 'highlight' : ''}>
                        <th scope="row">{label(d.metric)}</th>
                        <td className="num">{fmtNumber(d.range)}</td>
                        <td className="num">{fmtNumber(d.lowest)}</td>
                        <td className="num">{fmtNumber(d.highest)}</td>
                        <td className="num">{fmtNumber(d.average)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </Card>
          </div>
        </>
      ) : null}
    </>
  );
}
