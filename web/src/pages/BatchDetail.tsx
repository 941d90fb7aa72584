import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import type { BatchDetailDto } from '../api/types';
import { useChannel } from '../api/ws';
import { ExportMenu } from '../components/ExportMenu';
import { Heatmap } from '../components/Heatmap';
import { Card, Empty, ErrorBox, Loading, PageHeader, Stat, StatusBadge } from '../components/ui';
import { fmtCost, fmtDate, fmtNumber, label, qualityBand } from '../lib/format';
import { sweptParameters, withPromptAxis, type SweepResult } from '../lib/heatmap';
import { sortResults, type ResultSort } from '../lib/results-table';

export interface BatchResult extends SweepResult {
  std_dev: number | null;
  ci95: [number, number] | null;
  n: number;
  completed: number;
  failed: number;
  prompt_index?: number;
}

interface ResultsPage {
  results: BatchResult[];
  analysis: {
    optimal_ranges?: Record<string, [number, number]>;
    confidence_interval_method?: string;
  };
  pagination: { total_pages: number };
}

const ACTIVE = new Set(['queued', 'running']);

/** Every page of a sweep's results (100 per call). */
async function allResults(id: number): Promise<ResultsPage> {
  const first = await api<ResultsPage>(`/batch-experiments/${id}/results`, {
    query: { limit: 100, page: 1 },
  });
  const rest = [];
  for (let p = 2; p <= Math.min(first.pagination.total_pages, 50); p += 1)
    rest.push(
      api<ResultsPage>(`/batch-experiments/${id}/results`, { query: { limit: 100, page: p } }),
    );
  const pages = await Promise.all(rest);
  return { ...first, results: [...first.results, ...pages.flatMap((p) => p.results)] };
}

export function BatchDetailPage() {
  const id = Number(useParams().id);
  const queryClient = useQueryClient();
  const [events, setEvents] = useState<string[]>([]);
  const [sort, setSort] = useState<ResultSort>({ key: 'average_quality', dir: 'desc' });
  const batch = useQuery({
    queryKey: ['batch', id],
    queryFn: () => api<{ batch_experiment: BatchDetailDto }>(`/batch-experiments/${id}`),
    // Events drive the page; a slow poll while it runs covers anything a socket drop missed.
    refetchInterval: (q) =>
      ACTIVE.has(q.state.data?.batch_experiment.status ?? '') ? 5000 : false,
  });
  const b = batch.data?.batch_experiment;
  const results = useQuery({
    queryKey: ['batch-results', id],
    queryFn: () => allResults(id),
    enabled: Boolean(b),
  });
  const live = b ? ACTIVE.has(b.status) || b.status === 'paused' : false;

  const channel = useChannel(
    `/ws/batch-experiments/${id}`,
    (m) => {
      const d = (m.data ?? {}) as Record<string, unknown>;
      if (m.event === 'progress_update' || m.event === 'batch_completed') {
        queryClient.setQueryData<{ batch_experiment: BatchDetailDto }>(['batch', id], (old) =>
          old
            ? {
                batch_experiment: {
                  ...old.batch_experiment,
                  ...(pick(d) as Partial<BatchDetailDto>),
                },
              }
            : old,
        );
      }
      if (
        m.event === 'combination_completed' ||
        m.event === 'batch_completed' ||
        m.event === 'insights_generated'
      ) {
        void queryClient.invalidateQueries({ queryKey: ['batch', id] });
        void queryClient.invalidateQueries({ queryKey: ['batch-results', id] });
      }
      setEvents((list) =>
        [
          `${new Date(m.timestamp).toLocaleTimeString()} ${m.event}${d.progress !== undefined ? ` ${fmtNumber(d.progress as number)}%` : ''}`,
          ...list,
        ].slice(0, 8),
      );
    },
    live,
  );
  // Without the socket (proxy without WebSocket support), poll while the sweep runs.
  useEffect(() => {
    if (!live || channel === 'open') return;
    const t = setInterval(
      () => void queryClient.invalidateQueries({ queryKey: ['batch', id] }),
      3000,
    );
    return () => clearInterval(t);
  }, [live, channel, id, queryClient]);

  const control = useMutation({
    mutationFn: (action: string) => api(`/batch-experiments/${id}/control`, { body: { action } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['batch', id] }),
  });

  const multiPrompt = Boolean(b?.prompts && b.prompts.length > 1);
  const list = useMemo(
    () => withPromptAxis(results.data?.results ?? [], multiPrompt),
    [results.data, multiPrompt],
  );
  const swept = useMemo(() => {
    const s = sweptParameters(list);
    return s.length ? s : Object.keys(b?.parameter_ranges ?? {});
  }, [list, b]);
  const [axes, setAxes] = useState<[string, string] | null>(null);
  const x = axes?.[0] ?? swept[0] ?? 'temperature';
  const y = axes?.[1] ?? swept[1] ?? swept[0] ?? 'top_p';
  const sorted = useMemo(() => sortResults(list, sort), [list, sort]);

  if (batch.isLoading) return <Loading />;
  if (!b) return <ErrorBox error={batch.error} title="Could not load the sweep" />;
  const summary = (b.results_summary ?? {}) as {
    best_quality?: number;
    average_quality?: number;
    optimal_parameters?: Record<string, number>;
  };
  const header = (key: ResultSort['key'], text: string) => (
    <th
      key={key}
      scope="col"
      className="num"
      aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button
        type="button"
        className="th-sort"
        onClick={() =>
          setSort({ key, dir: sort.key === key && sort.dir === 'desc' ? 'asc' : 'desc' })
        }
      >
        {text}
        {sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );

  return (
    <>
      <PageHeader title={b.name ?? `Sweep ${b.id}`}>
        <span data-testid="batch-status">
          <StatusBadge status={b.status} />
        </span>
        {b.status === 'running' || b.status === 'queued' ? (
          <button type="button" className="btn" onClick={() => control.mutate('pause')}>
            Pause
          </button>
        ) : null}
        {b.status === 'paused' ? (
          <button type="button" className="btn" onClick={() => control.mutate('resume')}>
            Resume
          </button>
        ) : null}
        {ACTIVE.has(b.status) || b.status === 'paused' ? (
          <button type="button" className="btn btn-danger" onClick={() => control.mutate('stop')}>
            Stop
          </button>
        ) : null}
        {b.failed_cells > 0 && !ACTIVE.has(b.status) ? (
          <button type="button" className="btn" onClick={() => control.mutate('retry_failed')}>
            Retry failed
          </button>
        ) : null}
      </PageHeader>
      <ErrorBox error={control.error} title="Action refused" />
      {b.status_reason ? <p className="notice">{b.status_reason}</p> : null}
      <div className="progress-block">
        <progress max={100} value={b.progress} aria-label="Sweep progress" />
        <span data-testid="batch-progress">{fmtNumber(b.progress, 0)}%</span>
        <span className="muted">
          {b.completed_cells}/{b.total_cells} calls · {b.failed_cells} failed · live:{' '}
          {live ? channel : 'done'}
          {b.estimated_completion && ACTIVE.has(b.status)
            ? ` · ETA ${fmtDate(b.estimated_completion)}`
            : ''}
        </span>
      </div>
      <div className="stats-row">
        <Stat label="Combinations" value={`${b.completed_combinations}/${b.total_combinations}`} />
        <Stat label="Best quality" value={fmtNumber(summary.best_quality)} />
        <Stat label="Average quality" value={fmtNumber(summary.average_quality)} />
        <Stat
          label="Spent / estimated"
          value={`${fmtCost(b.spent_cost)} / ${fmtCost(b.estimated_cost)}`}
        />
        <Stat
          label="Best settings"
          value={
            summary.optimal_parameters
              ? Object.entries(summary.optimal_parameters)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')
              : '—'
          }
        />
      </div>
      <p className="muted">
        {b.prompts && b.prompts.length > 1
          ? `${b.prompts.length} prompts`
          : `Prompt: ${b.prompt ?? ''}`}{' '}
        · model <code>{b.model}</code>
        {b.experiment_id ? (
          <>
            {' '}
            · <Link to={`/experiments/${b.experiment_id}`}>responses</Link>
          </>
        ) : null}
      </p>
      <ExportMenu batchId={id} />
      {events.length ? (
        <details className="event-log">
          <summary>Live events ({events.length})</summary>
          <ul>
            {events.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {b.insights.length ? (
        <Card title="Insights">
          <ul>
            {b.insights.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </Card>
      ) : null}
      <Card
        title="Quality heatmap"
        actions={
          <>
            <label className="inline">
              Columns
              <select value={x} onChange={(e) => setAxes([e.target.value, y])}>
                {swept.map((p) => (
                  <option key={p} value={p}>
                    {label(p)}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline">
              Rows
              <select value={y} onChange={(e) => setAxes([x, e.target.value])}>
                {swept.map((p) => (
                  <option key={p} value={p}>
                    {label(p)}
                  </option>
                ))}
              </select>
            </label>
          </>
        }
      >
        {results.isLoading ? <Loading /> : null}
        <ErrorBox error={results.error} />
        {list.length === 0 && !results.isLoading ? (
          <Empty title="No finished combinations yet" />
        ) : swept.length < 2 ? (
          <Empty title="The heatmap needs two varying parameters">
            This sweep varies {swept.length ? label(swept[0]!) : 'no parameter'}; the table below
            lists every combination.
          </Empty>
        ) : (
          <Heatmap results={list} x={x} y={y} />
        )}
      </Card>
      <Card title="Results">
        {list.length ? (
          <div className="table-wrap">
            <table className="table" data-testid="results-table">
              <thead>
                <tr>
                  {header('combination_id', '#')}
                  {swept.map((p) => header(p, label(p)))}
                  {header('average_quality', 'Mean quality')}
                  <th scope="col" className="num">
                    95% CI
                  </th>
                  {header('std_dev', 'Std dev')}
                  <th scope="col" className="num">
                    Runs
                  </th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((r) => (
                  <tr key={r.combination_id}>
                    <td className="num">{r.combination_id}</td>
                    {swept.map((p) => (
                      <td
                        key={p}
                        className="num"
                        title={
                          p === 'prompt' && r.prompt_index !== undefined
                            ? (b.prompts?.[r.prompt_index] ?? undefined)
                            : undefined
                        }
                      >
                        {r.parameters[p] ?? '—'}
                      </td>
                    ))}
                    <td className={`num q-${qualityBand(r.average_quality)}`}>
                      {fmtNumber(r.average_quality)}
                    </td>
                    <td className="num">
                      {r.ci95 ? `${fmtNumber(r.ci95[0])} – ${fmtNumber(r.ci95[1])}` : '—'}
                    </td>
                    <td className="num">{fmtNumber(r.std_dev, 2)}</td>
                    <td className="num">
                      {r.completed}
                      {r.failed ? ` (+${r.failed} failed)` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {results.data?.analysis.confidence_interval_method ? (
          <p className="muted small">{results.data.analysis.confidence_interval_method}</p>
        ) : null}
      </Card>
    </>
  );
}

/** The batch fields a progress event carries. */
function pick(d: Record<string, unknown>): Record<string, unknown> {
  const keys = [
    'status',
    'progress',
    'completed_cells',
    'failed_cells',
    'total_cells',
    'completed_combinations',
    'failed_combinations',
    'spent_cost',
  ];
  return Object.fromEntries(keys.filter((k) => d[k] !== undefined).map((k) => [k, d[k]]));
}
