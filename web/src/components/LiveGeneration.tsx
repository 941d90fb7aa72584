import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { postEventStream } from '../api/sse';
import type { GenerationOutcome, ResponseDto, ResponseMetricsDto } from '../api/types';
import { fmtCost, fmtNumber } from '../lib/format';
import { MetricBars } from './MetricBars';
import { ErrorBox } from './ui';

interface LiveItem {
  index: number;
  responseId: number;
  text: string;
  status: 'streaming' | 'completed' | 'failed';
  response?: ResponseDto;
  metrics?: ResponseMetricsDto['metrics'];
  error?: string;
}

const SUMMARY_KEYS = [
  'overall_quality',
  'coherence_score',
  'creativity_score',
  'readability_score',
  'completeness_score',
] as const;

/**
 * Generates responses over Server-Sent Events: text appears token by token, then the stored
 * response and its scores as each one finishes.
 */
export function LiveGeneration({ experimentId }: { experimentId: number }) {
  const queryClient = useQueryClient();
  const [count, setCount] = useState(3);
  const [items, setItems] = useState<LiveItem[]>([]);
  const [running, setRunning] = useState(false);
  const [summary, setSummary] = useState<GenerationOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const patch = (index: number, change: (item: LiveItem) => LiveItem) =>
    setItems((list) => list.map((it) => (it.index === index ? change(it) : it)));

  const start = async () => {
    setItems([]);
    setSummary(null);
    setError(null);
    setRunning(true);
    const controller = new AbortController();
    abort.current = controller;
    try {
      await postEventStream(
        '/responses/generate',
        { experiment_id: experimentId, count },
        ({ event, data }) => {
          const d = data as Record<string, unknown>;
          if (event === 'delta') {
            const index = d.index as number;
            setItems((list) =>
              list.some((it) => it.index === index)
                ? list.map((it) =>
                    it.index === index ? { ...it, text: it.text + String(d.text) } : it,
                  )
                : [
                    ...list,
                    {
                      index,
                      responseId: d.response_id as number,
                      text: String(d.text),
                      status: 'streaming' as const,
                    },
                  ].sort((a, b) => a.index - b.index),
            );
          } else if (event === 'response') {
            const response = d.response as ResponseDto;
            const index = d.index as number;
            setItems((list) => {
              const next: LiveItem = {
                index,
                responseId: response.id,
                text: response.content,
                status: 'completed',
                response,
              };
              return list.some((it) => it.index === index)
                ? list.map((it) =>
                    it.index === index
                      ? {
                          ...it,
                          ...next,
                          metrics: it.metrics ?? response.quality_metrics ?? undefined,
                        }
                      : it,
                  )
                : [...list, { ...next, metrics: response.quality_metrics ?? undefined }].sort(
                    (a, b) => a.index - b.index,
                  );
            });
          } else if (event === 'quality_calculated') {
            patch(d.index as number, (it) => ({
              ...it,
              metrics: (d.metrics as ResponseMetricsDto).metrics,
            }));
          } else if (event === 'error') {
            const err = d.error as { message?: string } | undefined;
            const message =
              err?.message ?? (d.message as string | undefined) ?? 'Generation failed';
            if (typeof d.index === 'number')
              setItems((list) =>
                list.some((it) => it.index === d.index)
                  ? list.map((it) =>
                      it.index === d.index ? { ...it, status: 'failed', error: message } : it,
                    )
                  : [
                      ...list,
                      {
                        index: d.index as number,
                        responseId: d.response_id as number,
                        text: '',
                        status: 'failed',
                        error: message,
                      },
                    ],
              );
            else setError(new Error(message));
          } else if (event === 'summary') {
            setSummary(d as unknown as GenerationOutcome);
          }
        },
        controller.signal,
      );
    } catch (err) {
      if (!controller.signal.aborted) setError(err);
    } finally {
      setRunning(false);
      abort.current = null;
      void queryClient.invalidateQueries({ queryKey: ['experiment', experimentId] });
      void queryClient.invalidateQueries({ queryKey: ['experiment-responses', experimentId] });
      void queryClient.invalidateQueries({ queryKey: ['experiment-stats', experimentId] });
    }
  };

  return (
    <div className="live">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label className="inline">
          Responses
          <input
            type="number"
            min={1}
            max={20}
            value={count}
            onChange={(e) => setCount(Math.max(1, Math.min(20, Number(e.target.value) || 1)))}
          />
        </label>
        <button className="btn btn-primary" disabled={running}>
          {running ? 'Generating…' : 'Generate'}
        </button>
        {running ? (
          <button type="button" className="btn" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        ) : null}
      </form>
      <ErrorBox error={error} title="Generation failed" />
      {items.length > 0 ? (
        <ol className="live-list" aria-live="polite" aria-label="Responses being generated">
          {items.map((it) => (
            <li
              key={it.index}
              className={`live-item live-${it.status}`}
              data-testid="live-response"
            >
              <div className="live-head">
                <strong>#{it.index + 1}</strong>
                <span
                  className={`badge badge-${it.status === 'streaming' ? 'running' : it.status}`}
                >
                  {it.status}
                </span>
                {it.response ? (
                  <span className="muted">
                    {fmtNumber(it.response.response_time, 2)}s · {it.response.token_count ?? '—'}{' '}
                    tokens · {fmtCost(it.response.cost)}
                  </span>
                ) : null}
                {it.metrics?.overall_quality !== undefined &&
                it.metrics?.overall_quality !== null ? (
                  <span className="score" data-testid="live-score">
                    Quality {fmtNumber(it.metrics.overall_quality)}
                  </span>
                ) : null}
              </div>
              {it.error ? (
                <p className="field-error">{it.error}</p>
              ) : (
                <p className="live-text">{it.text}</p>
              )}
              {it.metrics ? <MetricBars metrics={it.metrics} keys={SUMMARY_KEYS} /> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {summary ? (
        <p role="status" className="notice">
          Generated {summary.total_generated} response{summary.total_generated === 1 ? '' : 's'}
          {summary.total_errors ? `, ${summary.total_errors} failed` : ''} ·{' '}
          {fmtCost(summary.batch_summary.total_cost)} · {summary.batch_summary.total_tokens} tokens
        </p>
      ) : null}
    </div>
  );
}
