import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { BatchDto, Pagination as PageInfo } from '../api/types';
import { Pagination } from '../components/Pagination';
import { Empty, ErrorBox, Loading, PageHeader, StatusBadge } from '../components/ui';
import { fmtCost, fmtDate } from '../lib/format';

export function BatchesPage() {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const list = useQuery({
    queryKey: ['batches', page, status, search],
    queryFn: () =>
      api<{ batch_experiments: BatchDto[]; pagination: PageInfo }>('/batch-experiments', {
        query: { page, status, search },
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) =>
      q.state.data?.batch_experiments.some((b) => b.status === 'running' || b.status === 'queued')
        ? 3000
        : false,
  });
  return (
    <>
      <PageHeader title="Parameter sweeps">
        <Link className="btn btn-primary" to="/batches/new">
          New sweep
        </Link>
      </PageHeader>
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
            placeholder="Name"
          />
        </label>
        <label>
          Status
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setPage(1);
            }}
          >
            <option value="">Any</option>
            {['queued', 'running', 'paused', 'completed', 'failed', 'stopped'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {list.isLoading ? <Loading /> : null}
      <ErrorBox error={list.error} />
      {list.data && list.data.batch_experiments.length === 0 ? (
        <Empty title="No sweeps yet">
          <Link to="/batches/new">Start a sweep</Link> to find the best temperature, top_p and more
          in one run.
        </Empty>
      ) : null}
      {list.data && list.data.batch_experiments.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col" className="num">
                  Combinations
                </th>
                <th scope="col" className="num">
                  Spent / est.
                </th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.batch_experiments.map((b) => (
                <tr key={b.id}>
                  <td>
                    <Link to={`/batches/${b.id}`}>{b.name ?? `Sweep ${b.id}`}</Link>
                  </td>
                  <td>
                    <StatusBadge status={b.status} />
                  </td>
                  <td>
                    <progress max={100} value={b.progress} aria-label={`${b.progress}%`} />{' '}
                    {Math.round(b.progress)}%
                  </td>
                  <td className="num">{b.total_combinations}</td>
                  <td className="num">
                    {fmtCost(b.spent_cost)} / {fmtCost(b.estimated_cost)}
                  </td>
                  <td>{fmtDate(b.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pagination info={list.data?.pagination} onPage={setPage} />
    </>
  );
}
