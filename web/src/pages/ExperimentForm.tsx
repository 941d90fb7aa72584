import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import type { ExperimentDetailDto, ExperimentDto } from '../api/types';
import { ModelPicker, useModels } from '../components/ModelPicker';
import { ParamSlider } from '../components/ParamSlider';
import { PromptSuggestions } from '../components/PromptSuggestions';
import { Card, ErrorBox, Loading, PageHeader } from '../components/ui';
import { PARAMETER_BOUNDS, TUNED_PARAMETERS } from '../lib/sweep';
import {
  parseTags,
  validateExperiment,
  type DraftErrors,
  type ExperimentDraft,
} from '../lib/validation';

const EMPTY: ExperimentDraft = {
  name: '',
  description: '',
  prompt: '',
  model: '',
  tags: '',
  parameters: {
    temperature: 0.7,
    top_p: 1,
    max_tokens: 1000,
    frequency_penalty: 0,
    presence_penalty: 0,
  },
};

export function ExperimentFormPage() {
  const { id } = useParams();
  const editing = id !== undefined;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const models = useModels();
  const [draft, setDraft] = useState<ExperimentDraft>(EMPTY);
  const [provider, setProvider] = useState('');
  const [errors, setErrors] = useState<DraftErrors>({});
  const existing = useQuery({
    queryKey: ['experiment', Number(id)],
    queryFn: () =>
      api<{ experiment: ExperimentDetailDto }>(`/experiments/${id}`, {
        query: { responses_limit: 0 },
      }),
    enabled: editing,
  });

  useEffect(() => {
    const e = existing.data?.experiment;
    if (e)
      setDraft({
        name: e.name,
        description: e.description ?? '',
        prompt: e.prompt,
        model: e.model,
        tags: e.tags.join(', '),
        parameters: e.parameters,
      });
  }, [existing.data]);

  useEffect(() => {
    if (!editing && models.data && draft.model === '') {
      setDraft((d) => ({ ...d, model: models.data.current_model }));
      setProvider(models.data.current_provider);
    }
  }, [models.data, editing, draft.model]);

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      editing
        ? api<{ experiment: ExperimentDto }>(`/experiments/${id}`, { method: 'PUT', body })
        : api<{ experiment: ExperimentDto }>('/experiments', { body }),
    onSuccess: (data) => {
      void queryClient.invalidateQueries({ queryKey: ['experiments'] });
      void queryClient.invalidateQueries({ queryKey: ['experiment', data.experiment.id] });
      navigate(`/experiments/${data.experiment.id}`);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateExperiment(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    save.mutate({
      name: draft.name.trim(),
      description: draft.description || null,
      prompt: draft.prompt,
      model: draft.model,
      ...(provider ? { provider } : {}),
      tags: parseTags(draft.tags),
      parameters: draft.parameters,
    });
  };

  if (editing && existing.isLoading) return <Loading />;
  const err = (k: keyof DraftErrors) =>
    errors[k] ? (
      <span className="field-error" id={`${k}-error`}>
        {errors[k]}
      </span>
    ) : null;

  return (
    <>
      <PageHeader title={editing ? 'Edit experiment' : 'New experiment'} />
      <ErrorBox error={existing.error} />
      <form className="form form-wide" onSubmit={submit} noValidate>
        <div className="grid grid-2">
          <Card title="What to ask">
            <label>
              Name
              <input
                name="name"
                value={draft.name}
                aria-invalid={Boolean(errors.name)}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              />
              {err('name')}
            </label>
            <label>
              Prompt
              <textarea
                name="prompt"
                rows={6}
                value={draft.prompt}
                aria-invalid={Boolean(errors.prompt)}
                onChange={(e) => setDraft({ ...draft, prompt: e.target.value })}
              />
              {err('prompt')}
            </label>
            <PromptSuggestions onUse={(text) => setDraft((d) => ({ ...d, prompt: text }))} />
            <label>
              Description <span className="muted">(optional)</span>
              <textarea
                name="description"
                rows={2}
                value={draft.description}
                onChange={(e) => setDraft({ ...draft, description: e.target.value })}
              />
            </label>
            <label>
              Tags <span className="muted">(comma-separated)</span>
              <input
                name="tags"
                value={draft.tags}
                aria-invalid={Boolean(errors.tags)}
                onChange={(e) => setDraft({ ...draft, tags: e.target.value })}
              />
              {err('tags')}
            </label>
          </Card>
          <Card title="Model and parameters">
            <label htmlFor="model">Model</label>
            <ModelPicker
              id="model"
              value={draft.model}
              invalid={Boolean(errors.model)}
              onChange={(model, p) => {
                setDraft({ ...draft, model });
                setProvider(p);
              }}
            />
            {err('model')}
            {TUNED_PARAMETERS.map((p) => (
              <ParamSlider
                key={p}
                name={p}
                value={draft.parameters[p]}
                {...PARAMETER_BOUNDS[p]}
                error={errors[p]}
                onChange={(v) =>
                  setDraft({ ...draft, parameters: { ...draft.parameters, [p]: v } })
                }
              />
            ))}
          </Card>
        </div>
        <ErrorBox error={save.error} title="Could not save" />
        <div className="row">
          <button className="btn btn-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : editing ? 'Save changes' : 'Create experiment'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => navigate(-1)}>
            Cancel
          </button>
        </div>
      </form>
    </>
  );
}
