import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { SweepEstimate } from '../api/types';
import { fmtCost } from '../lib/format';
import { Stat } from './ui';

/** Waits until `value` has stopped changing for `ms`: a request per keystroke helps nobody. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The server's estimate of the sweep being composed (POST /api/batch-experiments/estimate):
 * its cost and its duration from the model's measured latency, and whatever would refuse
 * the sweep (too many cells, an unusable model) before the user presses Start. Until it
 * answers, the cost computed here from the catalogue price shows.
 */
export function SweepEstimateStats({
  body,
  localCost,
}: {
  /** The creation body, or null while the form cannot make a valid sweep. */
  body: Record<string, unknown> | null;
  localCost: number | null;
}) {
  const settled = useSettled(body === null ? null : JSON.stringify(body), 400);
  const estimate = useQuery({
    queryKey: ['sweep-estimate', settled],
    queryFn: ({ signal }) =>
      api<{ estimate: SweepEstimate }>('/batch-experiments/estimate', {
        body: JSON.parse(settled!) as unknown,
        signal,
      }),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
  // A refused sweep shows the refusal, not the figures of the sweep before it.
  const server = body !== null && !estimate.isError ? estimate.data?.estimate : undefined;
  const refusal = estimate.error instanceof ApiError ? estimate.error.message : null;
  const cost = server?.estimated_cost ?? localCost;
  return (
    <>
      <Stat
        label="Estimated cost"
        value={cost === null ? '—' : `≈ ${fmtCost(cost)}`}
        hint="Catalogue price × expected tokens"
      />
      <Stat
        label="Estimated duration"
        value={<span data-testid="estimated-duration">{server?.estimated_duration ?? '—'}</span>}
        hint="From this model's measured latency and the workers' concurrency"
      />
      {body !== null && refusal ? (
        <p className="field-error" role="alert">
          {refusal}
        </p>
      ) : null}
    </>
  );
}
