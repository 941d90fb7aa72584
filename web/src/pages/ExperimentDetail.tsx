import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import type { ExperimentDetailDto, Pagination as PageInfo, ResponseDto } from '../api/types';
import { useChannel } from '../api/ws';
import { ExperimentCharts, type ExperimentStats } from '../components/ExperimentCharts';
import { ExportMenu } from '../components/ExportMenu';
import { LiveGeneration } from '../components/LiveGeneration';
import { Pagination } from '../components/Pagination';
import { ResponseCard } from '../components/ResponseCard';
import { Card, Empty, ErrorBox, Loading, PageHeader, Stat, StatusBadge } from '../components/ui';
import { fmtCost, fmtNumber, label } from '../lib/format';

interface ResponsesPage {
  responses: ResponseDto[];
  summary: {
    total_responses: number;
    average_quality: number | null;
    total_cost: number;
    total_tokens: number;
  };
  pagination: PageInfo;
}

export function ExperimentDetailPage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState('created_at:desc');
  const [selected, setSelected] = useState<number[]>([]);
  const [field, order] = sort.split(':');

  const experiment = useQuery({
    queryKey: ['experiment', id],
    queryFn: () =>
      api<{ experiment: ExperimentDetailDto }>(`/experiments/${id}`, {
        query: { responses_limit: 0 },
      }),
  });
  const stats = useQuery({
    queryKey: ['experiment-stats', id],
    queryFn: () => api<ExperimentStats>(`/experiments/${id}/stats`),
  });
  const responses = useQuery({
    queryKey: ['experiment-responses', id, page, sort],
    queryFn: () =>
      api<ResponsesPage>(`/experiments/${id}/responses`, {
        query: { page, limit: 10, sort: field, order },
      }),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: () => api(`/experiments/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['experiments'] });
      navigate('/experiments');
    },
  });
  const rescore = useMutation({
    mutationFn: () => api(`/experiments/${id}/rescore`, { method: 'POST', body: {} }),
  });

  // Responses generated elsewhere (another tab, the API, a rescore) refresh this page too.
  const channel = useChannel(`/ws/experiments/${id}`, (m) => {
    if (m.event === 'experiment_completed' || m.event === 'quality_calculated') {
      void queryClient.invalidateQueries({ queryKey: ['experiment', id] });
      void queryClient.invalidateQueries({ queryKey: ['experiment-stats', id] });
      void queryClient.invalidateQueries({ queryKey: ['experiment-responses', id] });
    }
  });

  if (experiment.isLoading) return <Loading />;
  if (!experiment.data)
    return <ErrorBox error={experiment.error} title="Could not load the experiment" />;
  const e = experiment.data.experiment;
  const o = stats.data?.overview;

  return (
    <>
      <PageHeader title={e.name}>
        <StatusBadge status={e.status} />
        <Link className="btn" to={`/experiments/${id}/edit`}>
          Edit
        </Link>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => {
            if (confirm(`Delete "${e.name}" with all its responses?`)) remove.mutate();
          }}
        >
          Delete
        </button>
      </PageHeader>
      <ErrorBox error={remove.error} />
      <div className="meta-row">
        <code>
          {e.provider ? `${e.provider}/` : ''}
          {e.model}
        </code>
        {Object.entries(e.parameters).map(([k, v]) => (
          <span key={k} className="chip">
            {label(k)} {String(v)}
          </span>
        ))}
        <span
          className={`live-dot live-dot-${channel}`}
          title={`Live updates: ${channel}`}
          aria-label={`Live updates ${channel}`}
        />
      </div>
      <blockquote className="prompt">{e.prompt}</blockquote>
      {e.description ? <p className="muted">{e.description}</p> : null}
      <ExportMenu experimentId={id} />

      <div className="stats-row">
        <Stat label="Responses" value={o?.total_responses ?? e.response_count} />
        <Stat label="Average quality" value={fmtNumber(o?.average_quality ?? e.average_quality)} />
        <Stat
          label="Best / worst"
          value={`${fmtNumber(o?.best_quality ?? e.best_quality)} / ${fmtNumber(o?.worst_quality ?? e.worst_quality)}`}
        />
        <Stat label="Total cost" value={fmtCost(o?.total_cost ?? e.total_cost)} />
        <Stat label="Tokens" value={fmtNumber(o?.total_tokens ?? e.total_tokens, 0)} />
        <Stat
          label="Avg latency"
          value={`${fmtNumber(o?.average_response_time ?? e.average_response_time, 2)} s`}
        />
      </div>

      <Card title="Generate responses (live)">
        <LiveGeneration experimentId={id} />
      </Card>

      {stats.data && stats.data.time_series.length > 0 ? (
        <Card title="Statistics">
          <ExperimentCharts stats={stats.data} />
          {stats.data.parameter_performance.optimal_settings ? (
            <p className="muted">
              Best settings so far:{' '}
              {Object.entries(stats.data.parameter_performance.optimal_settings)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}{' '}
              (mean quality {fmtNumber(stats.data.parameter_performance.optimal_mean_quality)})
            </p>
          ) : null}
        </Card>
      ) : null}
      <ErrorBox error={stats.error} title="Could not load statistics" />

      <Card
        title={`Responses${responses.data ? ` (${responses.data.summary.total_responses})` : ''}`}
        actions={
          <>
            <label className="inline">
              Sort
              <select value={sort} onChange={(ev) => setSort(ev.target.value)}>
                <option value="created_at:desc">Newest</option>
                <option value="created_at:asc">Oldest</option>
                <option value="quality:desc">Best quality</option>
                <option value="quality:asc">Worst quality</option>
                <option value="response_time:asc">Fastest</option>
              </select>
            </label>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => rescore.mutate()}
              disabled={rescore.isPending}
            >
              Rescore all
            </button>
            <button
              type="button"
              className="btn btn-primary btn-small"
              disabled={selected.length < 2}
              onClick={() => navigate(`/compare?ids=${selected.join(',')}`)}
            >
              Compare selected ({selected.length})
            </button>
          </>
        }
      >
        <ErrorBox error={responses.error ?? rescore.error} />
        {rescore.isSuccess ? (
          <p role="status">Rescoring queued; scores update as they finish.</p>
        ) : null}
        {responses.isLoading ? <Loading /> : null}
        {responses.data && responses.data.responses.length === 0 ? (
          <Empty title="No responses yet">Use Generate above to produce and score some.</Empty>
        ) : null}
        <div className="responses">
          {responses.data?.responses.map((r) => (
            <ResponseCard
              key={r.id}
              response={r}
              selected={selected.includes(r.id)}
              onSelect={(checked) =>
                setSelected((s) => (checked ? [...s, r.id] : s.filter((x) => x !== r.id)))
              }
            />
          ))}
        </div>
        <Pagination info={responses.data?.pagination} onPage={setPage} />
      </Card>
    </>
  );
}
