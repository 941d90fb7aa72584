import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { ExperimentDto, Pagination as PageInfo } from '../api/types';
import { ExportMenu } from '../components/ExportMenu';
import { useModels } from '../components/ModelPicker';
import { Pagination } from '../components/Pagination';
import { Empty, ErrorBox, Loading, PageHeader, StatusBadge } from '../components/ui';
import { fmtCost, fmtDate, fmtNumber, qualityBand } from '../lib/format';

const STATUSES = ['pending', 'running', 'completed', 'failed'];
const SORTS = [
  ['created_at', 'Created'],
  ['updated_at', 'Updated'],
  ['name', 'Name'],
  ['average_quality', 'Quality'],
  ['response_count', 'Responses'],
  ['status', 'Status'],
  ['model', 'Model'],
] as const;

export function ExperimentsPage() {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const [selected, setSelected] = useState<number[]>([]);
  const models = useModels();
  const query = {
    page: params.get('page') ?? '1',
    limit: '10',
    search: params.get('search') ?? '',
    status: params.get('status') ?? '',
    model: params.get('model') ?? '',
    sort: params.get('sort') ?? 'created_at',
    order: params.get('order') ?? 'desc',
    date_from: params.get('date_from') ?? '',
    date_to: params.get('date_to') ?? '',
  };
  const list = useQuery({
    queryKey: ['experiments', query],
    queryFn: () =>
      api<{ experiments: ExperimentDto[]; pagination: PageInfo }>('/experiments', { query }),
    placeholderData: keepPreviousData,
  });
  const update = (patch: Record<string, string>) => {
    // From the address bar, not `params`: two filter changes in quick succession (a search,
    // then a status) run before the page re-renders, and the second would bring back what
    // the first removed. Navigation updates the address at once; the render comes later.
    const next = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    if (!('page' in patch)) next.delete('page');
    setParams(next);
  };
  const toggleSort = (field: string) =>
    update({ sort: field, order: query.sort === field && query.order === 'desc' ? 'asc' : 'desc' });
  const sortMark = (field: string) =>
    query.sort === field ? (query.order === 'asc' ? ' ▲' : ' ▼') : '';
  const ariaSort = (field: string) =>
    query.sort === field ? (query.order === 'asc' ? 'ascending' : 'descending') : 'none';

  return (
    <>
      <PageHeader title="Experiments">
        {selected.length > 0 ? <ExportMenu experimentIds={selected} /> : null}
        <Link className="btn btn-primary" to="/experiments/new">
          New experiment
        </Link>
      </PageHeader>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          update({ search });
        }}
      >
        <label>
          Search
          <input
            type="search"
            value={search}
            placeholder="Name, description or prompt"
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label>
          Status
          <select value={query.status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={query.model} onChange={(e) => update({ model: e.target.value })}>
            <option value="">Any</option>
            {models.data?.providers.flatMap((p) =>
              p.models.map((m) => (
                <option key={`${p.id}/${m.id}`} value={m.id}>
                  {m.name}
                </option>
              )),
            )}
          </select>
        </label>
        <label>
          From
          <input
            type="date"
            value={query.date_from}
            onChange={(e) => update({ date_from: e.target.value })}
          />
        </label>
        <label>
          To
          <input
            type="date"
            value={query.date_to}
            onChange={(e) => update({ date_to: e.target.value })}
          />
        </label>
        <label>
          Sort by
          <select value={query.sort} onChange={(e) => update({ sort: e.target.value })}>
            {SORTS.map(([v, t]) => (
              <option key={v} value={v}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <button className="btn">Search</button>
      </form>
      {list.isLoading ? <Loading /> : null}
      <ErrorBox error={list.error} title="Could not load experiments" />
      {list.data && list.data.experiments.length === 0 ? (
        <Empty
          title={
            query.search || query.status || query.model
              ? 'No experiment matches these filters'
              : 'No experiments yet'
          }
        >
          <Link to="/experiments/new">Create your first experiment</Link> to generate and score
          responses.
        </Empty>
      ) : null}
      {list.data && list.data.experiments.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">Your experiments</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Select for export</span>
                </th>
                <th scope="col" aria-sort={ariaSort('name')}>
                  <button type="button" className="th-sort" onClick={() => toggleSort('name')}>
                    Name{sortMark('name')}
                  </button>
                </th>
                <th scope="col" aria-sort={ariaSort('model')}>
                  <button type="button" className="th-sort" onClick={() => toggleSort('model')}>
                    Model{sortMark('model')}
                  </button>
                </th>
                <th scope="col" aria-sort={ariaSort('status')}>
                  <button type="button" className="th-sort" onClick={() => toggleSort('status')}>
                    Status{sortMark('status')}
                  </button>
                </th>
                <th scope="col" className="num" aria-sort={ariaSort('response_count')}>
                  <button
                    type="button"
                    className="th-sort"
                    onClick={() => toggleSort('response_count')}
                  >
                    Responses{sortMark('response_count')}
                  </button>
                </th>
                <th scope="col" className="num" aria-sort={ariaSort('average_quality')}>
                  <button
                    type="button"
                    className="th-sort"
                    onClick={() => toggleSort('average_quality')}
                  >
                    Avg quality{sortMark('average_quality')}
                  </button>
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
                <th scope="col" aria-sort={ariaSort('created_at')}>
                  <button
                    type="button"
                    className="th-sort"
                    onClick={() => toggleSort('created_at')}
                  >
                    Created{sortMark('created_at')}
                  </button>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.experiments.map((e) => (
                <tr key={e.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${e.name}`}
                      checked={selected.includes(e.id)}
                      onChange={(ev) =>
                        setSelected((s) =>
                          ev.target.checked ? [...s, e.id] : s.filter((x) => x !== e.id),
                        )
                      }
                    />
                  </td>
                  <td>
                    <Link to={`/experiments/${e.id}`}>{e.name}</Link>
                    {e.tags.length ? (
                      <div className="tags">
                        {e.tags.map((t) => (
                          <span key={t} className="tag">
                            {t}
                          </span>
                        ))}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <code>{e.model}</code>
                  </td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td className="num">{e.response_count}</td>
                  <td className={`num q-${qualityBand(e.average_quality)}`}>
                    {fmtNumber(e.average_quality)}
                  </td>
                  <td className="num">{fmtCost(e.total_cost)}</td>
                  <td>{fmtDate(e.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pagination info={list.data?.pagination} onPage={(p) => update({ page: String(p) })} />
    </>
  );
}
