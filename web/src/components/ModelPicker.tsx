import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ModelsList } from '../api/types';

export function useModels() {
  return useQuery({
    queryKey: ['models'],
    queryFn: () => api<ModelsList>('/models'),
    staleTime: 60_000,
  });
}

/** The models of configured providers first; unconfigured ones are listed but disabled. */
export function ModelPicker({
  id,
  value,
  onChange,
  invalid,
}: {
  id: string;
  value: string;
  onChange: (model: string, provider: string) => void;
  invalid?: boolean;
}) {
  const models = useModels();
  if (models.isLoading)
    return (
      <select id={id} disabled>
        <option>Loading models…</option>
      </select>
    );
  if (!models.data)
    return (
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value, '')}
        aria-invalid={invalid}
      />
    );
  return (
    <select
      id={id}
      value={value}
      aria-invalid={invalid}
      onChange={(e) => {
        const provider = models.data.providers.find((p) =>
          p.models.some((m) => m.id === e.target.value),
        );
        onChange(e.target.value, provider?.id ?? '');
      }}
    >
      {value === '' ? <option value="">Choose a model</option> : null}
      {models.data.providers.map((p) => (
        <optgroup
          key={p.id}
          label={`${p.name}${p.status === 'connected' ? '' : ` (${p.status.replace('_', ' ')})`}`}
        >
          {p.models.map((m) => (
            <option key={`${p.id}/${m.id}`} value={m.id} disabled={p.status !== 'connected'}>
              {m.name}
              {m.cost_per_token ? ` · $${(m.cost_per_token * 1e6).toFixed(2)}/M tok` : ''}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

export function costPerToken(models: ModelsList | undefined, model: string): number | null {
  for (const p of models?.providers ?? [])
    for (const m of p.models) if (m.id === model) return m.cost_per_token;
  return null;
}
