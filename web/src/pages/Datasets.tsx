import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import type { BatchDto, DatasetDto, Pagination as PageInfo, PromptDto } from '../api/types';
import { ModelPicker } from '../components/ModelPicker';
import { Pagination } from '../components/Pagination';
import { Card, Empty, ErrorBox, Loading, PageHeader } from '../components/ui';

export function DatasetsPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [category, setCategory] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['datasets', category, search, page],
    queryFn: () =>
      api<{ datasets: DatasetDto[]; categories: string[]; pagination: PageInfo }>('/datasets', {
        query: { category, search, page },
      }),
    placeholderData: keepPreviousData,
  });
  const [form, setForm] = useState({
    name: '',
    category: 'technical',
    description: '',
    prompts: '',
  });
  const create = useMutation({
    mutationFn: () =>
      api<{ dataset: DatasetDto }>('/datasets', {
        body: {
          name: form.name,
          category: form.category,
          description: form.description || undefined,
          prompts: form.prompts
            .split('\n')
            .map((t) => t.trim())
            .filter(Boolean)
            .map((text) => ({ text })),
        },
      }),
    onSuccess: (d) => {
      void queryClient.invalidateQueries({ queryKey: ['datasets'] });
      navigate(`/datasets/${d.dataset.id}`);
    },
  });
  const [file, setFile] = useState<File | null>(null);
  const [importMeta, setImportMeta] = useState({ name: '', category: 'technical' });
  const importFile = useMutation({
    mutationFn: async () => {
      if (!file) throw new Error('Choose a CSV or JSON Lines file');
      const content = await file.text();
      const format = /\.jsonl?$/i.test(file.name) ? 'jsonl' : 'csv';
      return api<{ dataset: DatasetDto }>('/datasets/import', {
        body: {
          name: importMeta.name || file.name.replace(/\.[^.]+$/, ''),
          category: importMeta.category,
          format,
          content,
        },
      });
    },
    onSuccess: (d) => {
      void queryClient.invalidateQueries({ queryKey: ['datasets'] });
      navigate(`/datasets/${d.dataset.id}`);
    },
  });

  return (
    <>
      <PageHeader title="Datasets & prompts" />
      <div className="filters" role="search">
        <label>
          Search
          <input
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(1);
            }}
          />
        </label>
        <label>
          Category
          <select
            value={category}
            onChange={(e) => {
              setCategory(e.target.value);
              setPage(1);
            }}
          >
            <option value="">Any</option>
            {list.data?.categories.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      </div>
      {list.isLoading ? <Loading /> : null}
      <ErrorBox error={list.error} />
      {list.data && list.data.datasets.length === 0 ? <Empty title="No datasets match" /> : null}
      <div className="card-grid">
        {list.data?.datasets.map((d) => (
          <Link key={d.id} to={`/datasets/${d.id}`} className="card dataset-card">
            <strong>{d.name}</strong>
            <span className="muted small">
              {d.category} · {d.prompt_count} prompts · by {d.created_by}
              {d.public ? ' · public' : ''}
            </span>
            {d.description ? <span className="small">{d.description}</span> : null}
          </Link>
        ))}
      </div>
      <Pagination info={list.data?.pagination} onPage={setPage} />
      <div className="grid grid-2">
        <Card title="Create a dataset">
          <form
            className="form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <label>
              Name
              <input
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
                required
              />
            </label>
            <label>
              Category
              <input
                value={form.category}
                onChange={(e) => setForm({ ...form, category: e.target.value })}
                required
              />
            </label>
            <label>
              Description
              <input
                value={form.description}
                onChange={(e) => setForm({ ...form, description: e.target.value })}
              />
            </label>
            <label>
              Prompts (one per line)
              <textarea
                rows={4}
                value={form.prompts}
                onChange={(e) => setForm({ ...form, prompts: e.target.value })}
              />
            </label>
            <ErrorBox error={create.error} title="Could not create" />
            <button className="btn btn-primary" disabled={create.isPending}>
              Create dataset
            </button>
          </form>
        </Card>
        <Card title="Import CSV or JSON Lines">
          <form
            className="form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              importFile.mutate();
            }}
          >
            <label>
              File
              <input
                type="file"
                accept=".csv,.jsonl,.ndjson,text/csv"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </label>
            <label>
              Name
              <input
                value={importMeta.name}
                placeholder="Defaults to the file name"
                onChange={(e) => setImportMeta({ ...importMeta, name: e.target.value })}
              />
            </label>
            <label>
              Category
              <input
                value={importMeta.category}
                onChange={(e) => setImportMeta({ ...importMeta, category: e.target.value })}
              />
            </label>
            <p className="muted small">
              CSV needs a <code>text</code> column (optional <code>tags</code>,{' '}
              <code>difficulty</code>); JSON Lines one <code>{'{"text": …}'}</code> per line.
            </p>
            <ErrorBox error={importFile.error} title="Import failed" />
            <button className="btn btn-primary" disabled={importFile.isPending}>
              Import
            </button>
          </form>
        </Card>
      </div>
    </>
  );
}

export function DatasetDetailPage() {
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const detail = useQuery({
    queryKey: ['dataset', id, page],
    queryFn: () =>
      api<{ dataset: DatasetDto & { prompts: PromptDto[]; prompts_pagination: PageInfo } }>(
        `/datasets/${id}`,
        { query: { page, limit: 20 } },
      ),
    placeholderData: keepPreviousData,
  });
  const [model, setModel] = useState('');
  const [provider, setProvider] = useState('');
  const [limit, setLimit] = useState(5);
  const [temperature, setTemperature] = useState(0.7);
  const run = useMutation({
    mutationFn: () =>
      api<{ batch_experiment: BatchDto }>(`/datasets/${id}/run`, {
        body: {
          ...(model ? { model } : {}),
          ...(provider ? { provider } : {}),
          limit,
          parameters: { temperature },
        },
      }),
    onSuccess: (d) => navigate(`/batches/${d.batch_experiment.id}`),
  });
  if (detail.isLoading) return <Loading />;
  const d = detail.data?.dataset;
  if (!d) return <ErrorBox error={detail.error} />;
  return (
    <>
      <PageHeader title={d.name ?? `Dataset ${d.id}`} />
      <p className="muted">
        {d.category} · {d.prompt_count} prompts · by {d.created_by}
      </p>
      {d.description ? <p>{d.description}</p> : null}
      <div className="grid grid-2">
        <Card title="Prompts">
          {d.prompts.length === 0 ? <Empty title="No prompts in this dataset" /> : null}
          <ol className="prompt-list">
            {d.prompts.map((p) => (
              <li key={p.id}>
                {p.text}{' '}
                <span className="muted small">
                  · {p.difficulty}
                  {p.tags.length ? ` · ${p.tags.join(', ')}` : ''}
                </span>
              </li>
            ))}
          </ol>
          <Pagination info={d.prompts_pagination} onPage={setPage} />
        </Card>
        <Card title="Run this dataset">
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              run.mutate();
            }}
          >
            <label htmlFor="ds-model">Model</label>
            <ModelPicker
              id="ds-model"
              value={model}
              onChange={(m, p) => {
                setModel(m);
                setProvider(p);
              }}
            />
            <label>
              Prompts to run (first N)
              <input
                type="number"
                min={1}
                max={10000}
                value={limit}
                onChange={(e) => setLimit(Math.max(1, Number(e.target.value) || 1))}
              />
            </label>
            <label>
              Temperature
              <input
                type="number"
                min={0}
                max={2}
                step={0.1}
                value={temperature}
                onChange={(e) => setTemperature(Number(e.target.value))}
              />
            </label>
            <ErrorBox error={run.error} title="Could not start the run" />
            <button className="btn btn-primary" disabled={run.isPending}>
              Run as a sweep
            </button>
          </form>
        </Card>
      </div>
    </>
  );
}
