import type { Pagination as PageInfo } from '../api/types';

export function Pagination({
  info,
  onPage,
}: {
  info: PageInfo | undefined;
  onPage: (page: number) => void;
}) {
  if (!info || info.total_pages <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      <button
        type="button"
        className="btn"
        disabled={info.current_page <= 1}
        onClick={() => onPage(info.current_page - 1)}
      >
        ← Previous
      </button>
      <span aria-live="polite">
        Page {info.current_page} of {info.total_pages} · {info.total_items} items
      </span>
      <button
        type="button"
        className="btn"
        disabled={info.current_page >= info.total_pages}
        onClick={() => onPage(info.current_page + 1)}
      >
        Next →
      </button>
    </nav>
  );
}
