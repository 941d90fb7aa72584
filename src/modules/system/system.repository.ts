import type { Database } from '../../db/index.js';
import { selectRows } from '../../db/raw-query.js';
import { round, toNumber } from '../../lib/numbers.js';

export interface SystemStatistics {
  total_experiments: number;
  total_responses: number;
  avg_quality_score: number | null;
}

export class SystemRepository {
  constructor(private readonly db: Database) {}

  /** Counts across the whole installation in one round trip (also the liveness probe). */
  /** The cheapest live round trip: is the database answering? */
  async ping(): Promise<void> {
    await selectRows(this.db, 'SELECT 1 AS ok');
  }

  async statistics(): Promise<SystemStatistics> {
    const [row] = await selectRows(
      this.db,
      `SELECT
         (SELECT COUNT(*) FROM experiments) AS total_experiments,
         (SELECT COUNT(*) FROM responses) AS total_responses,
         (SELECT AVG(overall_quality) FROM quality_metrics) AS avg_quality_score`,
      { numbers: ['total_experiments', 'total_responses', 'avg_quality_score'] },
    );
    return {
      total_experiments: toNumber(row?.total_experiments) ?? 0,
      total_responses: toNumber(row?.total_responses) ?? 0,
      avg_quality_score: round(toNumber(row?.avg_quality_score), 1),
    };
  }
}
