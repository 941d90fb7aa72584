import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import type { BatchDto } from '../api/types';
import { costPerToken, ModelPicker, useModels } from '../components/ModelPicker';
import { PromptSuggestions } from '../components/PromptSuggestions';
import { SweepEstimateStats } from '../components/SweepEstimate';
import { Card, ErrorBox, PageHeader, Stat } from '../components/ui';
import { label } from '../lib/format';
import {
  buildRanges,
  countCombinations,
  estimateSweepCost,
  TUNED_PARAMETERS,
  type RangeDraft,
  type TunedParameter,
} from '../lib/sweep';

const DEFAULT_DRAFTS: Record<TunedParameter, RangeDraft> = {
  temperature: {
    enabled: true,
    mode: 'values',
    min: '0.2',
    max: '1',
    step: '0.4',
    values: '0.2, 0.7, 1.2',
  },
  top_p: { enabled: true, mode: 'values', min: '0.5', max: '1', step: '0.25', values: '0.8, 1' },
  max_tokens: {
    enabled: false,
    mode: 'values',
    min: '250',
    max: '1000',
    step: '250',
    values: '500, 1000',
  },
  frequency_penalty: {
    enabled: false,
    mode: 'range',
    min: '0',
    max: '1',
    step: '0.5',
    values: '0, 0.5',
  },
  presence_penalty: {
    enabled: false,
    mode: 'range',
    min: '0',
    max: '1',
    step: '0.5',
    values: '0, 0.5',
  },
};

export function BatchNewPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const models = useModels();
  const [name, setName] = useState('');
  const [prompt, setPrompt] = useState('');
  const [model, setModel] = useState('');
  const [provider, setProvider] = useState('');
  const [iterations, setIterations] = useState(2);
  const [maxCost, setMaxCost] = useState('');
  const [drafts, setDrafts] = useState(DEFAULT_DRAFTS);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    if (models.data && !model) {
      setModel(models.data.current_model);
      setProvider(models.data.current_provider);
    }
  }, [models.data, model]);

  const { ranges, errors } = useMemo(() => buildRanges(drafts), [drafts]);
  const combinations = Object.keys(ranges).length ? countCombinations(ranges) : 0;
  const cells = combinations * iterations;
  const estimate = estimateSweepCost({
    costPerToken: costPerToken(models.data, model),
    prompt,
    combinations,
    iterations,
    maxTokens: 1000,
  });

  const create = useMutation({
    mutationFn: (body: unknown) =>
      api<{ batch_experiment: BatchDto }>('/batch-experiments', { body }),
    onSuccess: (d) => {
      void queryClient.invalidateQueries({ queryKey: ['batches'] });
      navigate(`/batches/${d.batch_experiment.id}`);
    },
  });

  // What the server is asked to estimate and then to create; null while the form is incomplete.
  const sweep =
    prompt.trim() && !Object.keys(errors).length && combinations > 0
      ? {
          prompt,
          ...(model ? { model } : {}),
          ...(provider ? { provider } : {}),
          parameter_ranges: ranges,
          iterations_per_combination: iterations,
        }
      : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!name.trim() || !sweep) return;
    create.mutate({
      name: name.trim(),
      ...sweep,
      ...(maxCost ? { max_cost: Number(maxCost) } : {}),
    });
  };
  const set = (p: TunedParameter, patch: Partial<RangeDraft>) =>
    setDrafts((d) => ({ ...d, [p]: { ...d[p], ...patch } }));

  return (
    <>
      <PageHeader title="New parameter sweep" />
      <form className="form form-wide" onSubmit={submit} noValidate>
        <div className="grid grid-2">
          <Card title="Prompt and model">
            <label>
              Name
              <input
                name="name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                aria-invalid={touched && !name.trim()}
              />
              {touched && !name.trim() ? (
                <span className="field-error">A name (text, 1-255 characters)</span>
              ) : null}
            </label>
            <label>
              Prompt
              <textarea
                name="prompt"
                rows={5}
                value={prompt}
                onChange={(e) => setPrompt(e.target.value)}
                aria-invalid={touched && !prompt.trim()}
              />
              {touched && !prompt.trim() ? (
                <span className="field-error">A prompt (text, 1-100000 characters)</span>
              ) : null}
            </label>
            <PromptSuggestions onUse={setPrompt} />
            <label htmlFor="batch-model">Model</label>
            <ModelPicker
              id="batch-model"
              value={model}
              onChange={(m, p) => {
                setModel(m);
                setProvider(p);
              }}
            />
            <label>
              Iterations per combination
              <input
                name="iterations"
                type="number"
                min={1}
                max={20}
                value={iterations}
                onChange={(e) =>
                  setIterations(Math.max(1, Math.min(20, Number(e.target.value) || 1)))
                }
              />
            </label>
            <label>
              Budget in USD <span className="muted">(optional: pauses the sweep when reached)</span>
              <input
                type="number"
                min={0}
                step="0.01"
                value={maxCost}
                onChange={(e) => setMaxCost(e.target.value)}
              />
            </label>
          </Card>
          <Card title="Parameter ranges">
            {TUNED_PARAMETERS.map((p) => (
              <fieldset key={p} className="range-row" data-param={p}>
                <legend>
                  <label className="inline">
                    <input
                      type="checkbox"
                      checked={drafts[p].enabled}
                      onChange={(e) => set(p, { enabled: e.target.checked })}
                    />{' '}
                    Sweep {label(p)}
                  </label>
                </legend>
                {drafts[p].enabled ? (
                  <>
                    <div className="segmented" role="radiogroup" aria-label={`${label(p)} input`}>
                      <label className="inline">
                        <input
                          type="radio"
                          name={`${p}-mode`}
                          checked={drafts[p].mode === 'values'}
                          onChange={() => set(p, { mode: 'values' })}
                        />{' '}
                        List
                      </label>
                      <label className="inline">
                        <input
                          type="radio"
                          name={`${p}-mode`}
                          checked={drafts[p].mode === 'range'}
                          onChange={() => set(p, { mode: 'range' })}
                        />{' '}
                        Min / max / step
                      </label>
                    </div>
                    {drafts[p].mode === 'values' ? (
                      <label>
                        Values (comma-separated)
                        <input
                          name={`${p}-values`}
                          value={drafts[p].values}
                          onChange={(e) => set(p, { values: e.target.value })}
                          aria-invalid={Boolean(errors[p])}
                        />
                      </label>
                    ) : (
                      <div className="row">
                        {(['min', 'max', 'step'] as const).map((k) => (
                          <label key={k} className="inline">
                            {k}
                            <input
                              type="number"
                              step="any"
                              value={drafts[p][k]}
                              onChange={(e) => set(p, { [k]: e.target.value })}
                              aria-invalid={Boolean(errors[p])}
                            />
                          </label>
                        ))}
                      </div>
                    )}
                    {errors[p] ? <span className="field-error">{errors[p]}</span> : null}
                  </>
                ) : null}
              </fieldset>
            ))}
          </Card>
        </div>
        <div className="stats-row" aria-live="polite">
          <Stat
            label="Combinations"
            value={<span data-testid="combination-count">{combinations}</span>}
          />
          <Stat label="Calls (× iterations)" value={cells} />
          <SweepEstimateStats body={sweep} localCost={estimate} />
        </div>
        {combinations === 0 ? <p className="field-error">Sweep at least one parameter.</p> : null}
        <ErrorBox error={create.error} title="Could not start the sweep" />
        <button className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Starting…' : `Start sweep (${cells} calls)`}
        </button>
      </form>
    </>
  );
}
