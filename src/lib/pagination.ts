/** The spec's pagination block. */
export interface Pagination {
  current_page: number;
  total_pages: number;
  total_items: number;
  per_page: number;
  has_next: boolean;
  has_prev: boolean;
}

export function paginate(page: number, perPage: number, totalItems: number): Pagination {
  const totalPages = Math.ceil(totalItems / perPage);
  return {
    current_page: page,
    total_pages: totalPages,
    total_items: totalItems,
    per_page: perPage,
    has_next: page < totalPages,
    has_prev: page > 1,
  };
}

export function offsetFor(page: number, perPage: number): number {
  return (page - 1) * perPage;
}
