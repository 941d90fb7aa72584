import nodemailer, { type Transporter } from 'nodemailer';
import type { BatchFinishedSummary } from './notifier.js';

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Plain-text and HTML bodies of a batch summary email. */
export function renderEmail(summary: BatchFinishedSummary): {
  subject: string;
  text: string;
  html: string;
} {
  const name = summary.name ?? `Batch ${summary.batch_id}`;
  const rs = summary.results_summary ?? {};
  const lines: Array<[string, string]> = [
    ['Status', summary.status],
    [
      'Cells',
      `${summary.completed_cells} completed, ${summary.failed_cells} failed of ${summary.total_cells}`,
    ],
    ['Finished at', summary.finished_at],
  ];
  for (const key of ['best_quality', 'average_quality']) {
    if (rs[key] !== undefined && rs[key] !== null)
      lines.push([key.replace('_', ' '), String(rs[key])]);
  }
  if (rs.optimal_parameters)
    lines.push(['optimal parameters', JSON.stringify(rs.optimal_parameters)]);
  const text = [
    `Batch "${name}" (#${summary.batch_id}) finished: ${summary.status}.`,
    '',
    ...lines.map(([k, v]) => `${k}: ${v}`),
    ...(summary.insights.length ? ['', 'Insights:', ...summary.insights.map((i) => `- ${i}`)] : []),
  ].join('\n');
  const html = [
    `<h2>Batch "${escapeHtml(name)}" (#${summary.batch_id}) finished: ${escapeHtml(summary.status)}</h2>`,
    '<table>',
    ...lines.map(
      ([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
    ),
    '</table>',
    ...(summary.insights.length
      ? [
          '<h3>Insights</h3><ul>',
          ...summary.insights.map((i) => `<li>${escapeHtml(i)}</li>`),
          '</ul>',
        ]
      : []),
  ].join('\n');
  return { subject: `[LLM Quality Analyzer] Batch "${name}" ${summary.status}`, text, html };
}

/** Sends batch summaries through SMTP (`SMTP_URL`, from `SMTP_FROM`). */
export class EmailSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(to: string, summary: BatchFinishedSummary): Promise<void> {
    await this.transport.sendMail({ from: this.from, to, ...renderEmail(summary) });
  }

  close(): void {
    this.transport.close();
  }
}
