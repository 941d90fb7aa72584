import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, download } from '../api/client';

const FORMATS = ['csv', 'json', 'xlsx'] as const;

interface Template {
  id: string;
  name: string;
  description: string;
}

/**
 * Download buttons for every export format: one experiment (with a template), several
 * experiments (one zip with an analysis file) or a batch sweep's results.
 */
export function ExportMenu({
  experimentId,
  experimentIds,
  batchId,
}: {
  experimentId?: number;
  experimentIds?: number[];
  batchId?: number;
}) {
  const [template, setTemplate] = useState('detailed');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const templates = useQuery({
    queryKey: ['export-templates'],
    queryFn: () => api<{ templates: Template[] }>('/export/templates'),
    enabled: batchId === undefined,
    staleTime: Infinity,
  });

  const run = async (format: (typeof FORMATS)[number]) => {
    setError(null);
    setStatus(`Preparing ${format.toUpperCase()}…`);
    try {
      let name: string;
      if (batchId !== undefined)
        name = await download(
          `/export/batch-experiments/${batchId}`,
          `batch-${batchId}.${format}`,
          { query: { format } },
        );
      else if (experimentId !== undefined)
        name = await download(`/export/${experimentId}`, `experiment-${experimentId}.${format}`, {
          query: { format, template },
        });
      else
        name = await download('/export/batch', 'experiments-export.zip', {
          method: 'POST',
          body: {
            experiment_ids: experimentIds,
            format,
            template,
            include_analysis: true,
            compression: 'zip',
          },
        });
      setStatus(`Downloaded ${name}`);
    } catch (err) {
      setStatus(null);
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const what =
    batchId !== undefined
      ? 'sweep results'
      : experimentId !== undefined
        ? 'experiment'
        : `${experimentIds?.length ?? 0} experiments (zip)`;
  return (
    <div className="export-menu" role="group" aria-label={`Export ${what}`}>
      <span className="muted">Export {what}:</span>
      {batchId === undefined && templates.data ? (
        <select
          aria-label="Export template"
          value={template}
          onChange={(e) => setTemplate(e.target.value)}
        >
          {templates.data.templates.map((t) => (
            <option key={t.id} value={t.id} title={t.description}>
              {t.name}
            </option>
          ))}
        </select>
      ) : null}
      {FORMATS.map((f) => (
        <button key={f} type="button" className="btn btn-small" onClick={() => void run(f)}>
          {f.toUpperCase()}
        </button>
      ))}
      <span className="export-status" role="status" aria-live="polite">
        {status}
      </span>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
