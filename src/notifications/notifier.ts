/**
 * Batch completion notifications: once a batch reaches a final status (completed, failed,
 * stopped) its owner's `notify` targets get a summary — a signed webhook and/or an email.
 * Senders never throw into the batch runner: failures are logged.
 */
import type { Logger } from '../lib/logger.js';
import type { EmailSender } from './email.js';
import type { WebhookSender } from './webhook.js';

/** What a batch may ask for at creation (`notify` in POST /api/batch-experiments). */
export interface NotifyTargets {
  webhook_url?: string;
  email?: string;
}

/** The summary sent when a batch finishes. */
export interface BatchFinishedSummary {
  batch_id: number;
  name: string | null;
  status: string;
  total_cells: number;
  completed_cells: number;
  failed_cells: number;
  results_summary: Record<string, unknown> | null;
  insights: string[];
  finished_at: string;
}

export interface BatchNotifier {
  /** Sends to every target; resolves when done, never rejects. */
  batchFinished(summary: BatchFinishedSummary, targets: NotifyTargets): Promise<void>;
}

/** Sends nothing (tests, or processes that must not notify). */
export const noopNotifier: BatchNotifier = { batchFinished: async () => {} };

export class Notifier implements BatchNotifier {
  constructor(
    private readonly webhook: WebhookSender,
    private readonly email: EmailSender | undefined,
    private readonly logger: Logger,
  ) {}

  async batchFinished(summary: BatchFinishedSummary, targets: NotifyTargets): Promise<void> {
    const tasks: Array<Promise<unknown>> = [];
    if (targets.webhook_url) tasks.push(this.webhook.send(targets.webhook_url, summary));
    if (targets.email) {
      if (this.email) tasks.push(this.email.send(targets.email, summary));
      else
        this.logger.warn(
          { batch_id: summary.batch_id },
          'batch asks for an email notification but SMTP is not configured',
        );
    }
    const results = await Promise.allSettled(tasks);
    for (const r of results) {
      if (r.status === 'rejected')
        this.logger.error({ err: r.reason, batch_id: summary.batch_id }, 'notification failed');
    }
  }
}

/** `notify` as stored, or undefined when the batch asked for nothing. */
export function parseTargets(value: unknown): NotifyTargets | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const targets: NotifyTargets = {};
  if (typeof v.webhook_url === 'string' && v.webhook_url) targets.webhook_url = v.webhook_url;
  if (typeof v.email === 'string' && v.email) targets.email = v.email;
  return targets.webhook_url || targets.email ? targets : undefined;
}

/**
 * The webhook URL as shown to API clients: credentials removed and the query string masked,
 * since either may carry a token.
 */
export function redactWebhookUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    const masked = url.search ? '?…' : '';
    url.search = '';
    url.hash = '';
    return `${url.toString()}${masked}`;
  } catch {
    return '[invalid URL]';
  }
}
