import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { ApiKey, ModelsList } from '../api/types';
import { useAuth } from '../auth';
import { Card, ErrorBox, Loading, PageHeader } from '../components/ui';
import { fmtDate } from '../lib/format';

export function SettingsPage() {
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const [copied, setCopied] = useState(false);
  const rotate = useMutation({
    mutationFn: () => api<ApiKey>('/auth/api-key', { method: 'POST' }),
  });
  const models = useQuery({ queryKey: ['models'], queryFn: () => api<ModelsList>('/models') });
  const [choice, setChoice] = useState('');
  const switchModel = useMutation({
    mutationFn: (v: { provider: string; model: string }) => api('/models/switch', { body: v }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['models'] }),
  });
  const test = useMutation({
    mutationFn: () =>
      api<{ provider: string; status: string; response_time: number; test_message: string }>(
        '/models/test-connection',
      ),
  });

  return (
    <>
      <PageHeader title="API keys & provider" />
      <div className="grid grid-2">
        <Card title="API key">
          <p className="muted">
            Scripts and CI can call the API with an <code>X-API-Key</code> header. Creating a key
            replaces the previous one.
          </p>
          <p>
            Current key:{' '}
            {rotate.data ? (
              <code>{rotate.data.api_key_prefix}…</code>
            ) : user?.api_key_prefix ? (
              <code>{user.api_key_prefix}…</code>
            ) : (
              <span className="muted">none</span>
            )}
          </p>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => rotate.mutate()}
            disabled={rotate.isPending}
          >
            {user?.api_key_prefix || rotate.data ? 'Rotate API key' : 'Create API key'}
          </button>
          <ErrorBox error={rotate.error} />
          {rotate.data ? (
            <div className="notice" role="status">
              <p>
                <strong>Copy this key now — it is shown only once.</strong> Created{' '}
                {fmtDate(rotate.data.created_at)}.
              </p>
              <div className="copy-row">
                <input
                  readOnly
                  value={rotate.data.api_key}
                  aria-label="New API key"
                  onFocus={(e) => e.target.select()}
                />
                <button
                  type="button"
                  className="btn"
                  onClick={() =>
                    void navigator.clipboard
                      ?.writeText(rotate.data.api_key)
                      .then(() => setCopied(true))
                  }
                >
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
            </div>
          ) : null}
        </Card>
        <Card title="Default model">
          {models.isLoading ? <Loading /> : <ErrorBox error={models.error} />}
          {models.data ? (
            <form
              className="form"
              onSubmit={(e) => {
                e.preventDefault();
                const [provider, model] = (
                  choice || `${models.data.current_provider}/${models.data.current_model}`
                ).split('/');
                if (provider && model) switchModel.mutate({ provider, model });
              }}
            >
              <p>
                Current:{' '}
                <code>
                  {models.data.current_provider}/{models.data.current_model}
                </code>
              </p>
              <label>
                Model for experiments that name none
                <select
                  value={choice || `${models.data.current_provider}/${models.data.current_model}`}
                  onChange={(e) => setChoice(e.target.value)}
                >
                  {models.data.providers.map((p) => (
                    <optgroup key={p.id} label={`${p.name} (${p.status})`}>
                      {p.models.map((m) => (
                        <option key={m.id} value={`${p.id}/${m.id}`}>
                          {m.name}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>
              </label>
              <div className="row">
                <button className="btn btn-primary" disabled={switchModel.isPending}>
                  Save default
                </button>
                <button
                  type="button"
                  className="btn"
                  onClick={() => test.mutate()}
                  disabled={test.isPending}
                >
                  Test connection
                </button>
              </div>
              <ErrorBox error={switchModel.error ?? test.error} />
              {switchModel.isSuccess ? <p role="status">Saved.</p> : null}
              {test.data ? (
                <p role="status">
                  {test.data.provider}: {test.data.status} in {test.data.response_time}s —{' '}
                  {test.data.test_message}
                </p>
              ) : null}
            </form>
          ) : null}
        </Card>
      </div>
    </>
  );
}
