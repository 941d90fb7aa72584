import type { ResponseMetricsDto } from '../metrics/metrics.dto.js';
import type { ResponseDto } from './response.dto.js';

/** Summary of one generate request (the spec's `batch_summary`). */
export interface BatchSummary {
  total_cost: number;
  total_tokens: number;
  /** Seconds, over successful generations. */
  average_response_time: number | null;
}

export interface GenerationOutcome {
  experiment_id: number;
  responses: ResponseDto[];
  total_generated: number;
  total_errors: number;
  batch_summary: BatchSummary;
}

/**
 * What a generation reports while it runs. The SSE route forwards these to the client; the
 * JSON route ignores them.
 */
export type GenerationEvent =
  | { type: 'started'; experiment_id: number; count: number; provider: string; model: string }
  | { type: 'delta'; index: number; response_id: number; text: string }
  | { type: 'response'; index: number; response: ResponseDto }
  | { type: 'quality_calculated'; index: number; response_id: number; metrics: ResponseMetricsDto }
  | {
      type: 'error';
      index: number;
      response_id: number;
      error: { code: 'LLM_SERVICE_ERROR'; message: string; details: Record<string, unknown> };
    }
  | { type: 'summary'; outcome: GenerationOutcome };
