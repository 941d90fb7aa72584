import { createHmac } from 'node:crypto';
import type { Logger } from '../lib/logger.js';
import type { BatchFinishedSummary } from './notifier.js';

export interface WebhookOptions {
  /** HMAC-SHA256 key of the `X-LQA-Signature` header. */
  secret: string;
  /** Attempts in all (network errors and 5xx answers are retried). */
  maxAttempts: number;
  /** Delay before the first retry; doubled on each further one. */
  retryBaseMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

/** `sha256=<hex HMAC-SHA256 of body>`: receivers recompute it over the raw body. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type WebhookResult =
  { ok: true; attempts: number; status: number } | { ok: false; attempts: number; error: string };

/** POSTs a signed JSON summary to the batch's webhook URL, with retries. */
export class WebhookSender {
  constructor(
    private readonly options: WebhookOptions,
    private readonly logger: Logger,
  ) {}

  /** Never rejects: the outcome is logged and returned. */
  async send(url: string, summary: BatchFinishedSummary): Promise<WebhookResult> {
    const body = JSON.stringify({ event: 'batch_completed', ...summary });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'llm-response-quality-analyzer',
      'x-lqa-event': 'batch_completed',
      'x-lqa-signature': signBody(this.options.secret, body),
    };
    // fetch refuses URLs with credentials: send them as Basic authentication instead.
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { ok: false, attempts: 0, error: 'invalid webhook URL' };
    }
    if (target.username || target.password) {
      const user = decodeURIComponent(target.username);
      const pass = decodeURIComponent(target.password);
      Object.assign(headers, {
        authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
      });
      target.username = '';
      target.password = '';
    }
    const { maxAttempts, retryBaseMs, timeoutMs } = this.options;
    let lastError = 'not attempted';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel().catch(() => {});
        if (res.status < 500) {
          if (res.ok) return { ok: true, attempts: attempt, status: res.status };
          // A 4xx will not get better by repeating it.
          lastError = `HTTP ${res.status}`;
          break;
        }
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      if (attempt < maxAttempts) {
        await new Promise((r) => setTimeout(r, retryBaseMs * 2 ** (attempt - 1)));
      }
    }
    this.logger.warn(
      { batch_id: summary.batch_id, error: lastError },
      'batch webhook notification failed',
    );
    return { ok: false, attempts: maxAttempts, error: lastError };
  }
}
