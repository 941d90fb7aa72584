import { z } from 'zod';

/** The spec's pagination block. */
export const PaginationSchema = z.object({
  current_page: z.number().int(),
  total_pages: z.number().int(),
  total_items: z.number().int(),
  per_page: z.number().int(),
  has_next: z.boolean(),
  has_prev: z.boolean(),
});
export type Pagination = z.infer<typeof PaginationSchema>;

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
