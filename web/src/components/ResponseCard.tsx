import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { ResponseDto, ResponseMetricsDto } from '../api/types';
import { fmtCost, fmtDate, fmtNumber, label, qualityBand } from '../lib/format';
import { MetricBars } from './MetricBars';
import { ErrorBox, Loading, StatusBadge } from './ui';

/** A response with its metric bars; "Why these scores?" loads the per-dimension explanations. */
export function ResponseCard({
  response,
  selected,
  onSelect,
}: {
  response: ResponseDto;
  selected: boolean;
  onSelect: (checked: boolean) => void;
}) {
  const [expanded, setExpanded] = useState(false);
  const [explain, setExplain] = useState(false);
  const q = response.quality_metrics?.overall_quality ?? null;
  const analysis = useQuery({
    queryKey: ['metrics', response.id],
    queryFn: () => api<ResponseMetricsDto>(`/metrics/${response.id}`),
    enabled: explain,
  });
  const long = response.content.length > 420;
  return (
    <article className="response-card" aria-labelledby={`resp-${response.id}`}>
      <header className="response-head">
        <label className="inline">
          <input type="checkbox" checked={selected} onChange={(e) => onSelect(e.target.checked)} />{' '}
          Compare
        </label>
        <h3 id={`resp-${response.id}`}>Response #{response.id}</h3>
        <StatusBadge status={response.status} />
        <span className={`score q-${qualityBand(q)}`}>
          {q === null ? 'unscored' : `Quality ${fmtNumber(q)}`}
        </span>
      </header>
      <p className="muted small">
        {response.model} · T={String(response.parameters?.temperature ?? '—')} · top_p=
        {String(response.parameters?.top_p ?? '—')} · {fmtNumber(response.response_time, 2)}s ·{' '}
        {response.token_count ?? '—'} tokens · {fmtCost(response.cost)}
        {response.cached ? ' · cached' : ''} · {fmtDate(response.created_at)}
      </p>
      {response.error ? <p className="field-error">{response.error}</p> : null}
      <div className="response-body">
        <p className={expanded || !long ? '' : 'clamp'}>{response.content}</p>
        {long ? (
          <button
            type="button"
            className="link-btn"
            onClick={() => setExpanded((e) => !e)}
            aria-expanded={expanded}
          >
            {expanded ? 'Show less' : 'Show all'}
          </button>
        ) : null}
      </div>
      <MetricBars metrics={response.quality_metrics} />
      {response.quality_metrics ? (
        <button
          type="button"
          className="link-btn"
          aria-expanded={explain}
          onClick={() => setExplain((e) => !e)}
        >
          {explain ? 'Hide explanations' : 'Why these scores?'}
        </button>
      ) : null}
      {explain ? (
        <div className="explanations">
          {analysis.isLoading ? <Loading /> : null}
          <ErrorBox error={analysis.error} />
          {analysis.data
            ? Object.entries(analysis.data.detailed_analysis).map(([dim, a]) => (
                <details key={dim}>
                  <summary>
                    {label(dim)} — {fmtNumber(a.score)}
                  </summary>
                  <p>{a.explanation}</p>
                  {a.suggestions.length ? (
                    <ul>
                      {a.suggestions.map((s) => (
                        <li key={s}>{s}</li>
                      ))}
                    </ul>
                  ) : null}
                </details>
              ))
            : null}
          {analysis.data ? (
            <p className="muted small">Method: {analysis.data.calculation_method}</p>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}
