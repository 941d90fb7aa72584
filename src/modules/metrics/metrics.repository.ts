import { UniqueConstraintError } from 'sequelize';
import type { Database } from '../../db/index.js';
import { selectRows } from '../../db/raw-query.js';
import { insertRow } from '../../db/raw-write.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { DIMENSION_COLUMNS, DIMENSIONS, type QualityReport } from '../../quality/types.js';

export type MetricsRow = Record<string, unknown> & { response_id: number; created_at: Date };

/** A report as quality_metrics column values (without response_id). */
export function metricsValues(report: QualityReport): Record<string, unknown> {
  const values: Record<string, unknown> = {
    overall_quality: report.overall_quality,
    detailed_analysis: report.dimensions,
    calculation_method: report.method,
    processing_time: Math.round(report.processingMs) / 1000,
    metadata: report.metadata ?? null,
    // created_at is when these scores were calculated, so a recalculation moves it.
    created_at: new Date(),
  };
  for (const dimension of DIMENSIONS) {
    values[DIMENSION_COLUMNS[dimension]] = report.dimensions[dimension]?.score ?? null;
  }
  return values;
}

/** quality_metrics rows: one per response, replaced when recalculated. */
export class MetricsRepository {
  constructor(private readonly db: Database) {}

  async findByResponse(responseId: number): Promise<MetricsRow | undefined> {
    const row = await this.db.models.QualityMetric.findOne({ where: { response_id: responseId } });
    return (row?.get({ plain: true }) as MetricsRow | undefined) ?? undefined;
  }

  /**
   * Stores a report as the response's metrics, replacing any earlier row: insert, and update
   * when the unique response_id says a row exists. (Delete-then-insert in a transaction took
   * InnoDB gap locks that deadlocked concurrent scorings on MariaDB.) Dimensions the report did
   * not score are stored as NULL.
   */
  async replace(responseId: number, report: QualityReport): Promise<MetricsRow> {
    const values = metricsValues(report);
    const { QualityMetric } = this.db.models;
    // Insert first: scoring a new response (the hot path of every sweep) is one raw statement.
    try {
      const id = await insertRow(this.db, 'quality_metrics', {
        ...values,
        response_id: responseId,
      });
      return { ...values, id, response_id: responseId, created_at: values.created_at as Date };
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
    }
    await QualityMetric.update(values, { where: { response_id: responseId } });
    return (await this.findByResponse(responseId))!;
  }

  /**
   * Mean of one metric per time bucket (hour or day, UTC) for the caller's scored responses
   * since `from`, computed in SQL with each dialect's date truncation.
   */
  async trend(
    scope: OwnerScope,
    options: {
      column: string;
      from: Date;
      bucket: 'hour' | 'day';
      model?: string;
      experimentIds?: number[];
    },
  ): Promise<{ bucket: string; average: number; count: number }[]> {
    const bucketSql = this.bucketSql(options.bucket);
    const where = ['r.created_at >= :from', `q.${options.column} IS NOT NULL`];
    const replacements: Record<string, unknown> = { from: options.from };
    if (!scope.isAdmin) {
      where.push('e.user_id = :userId');
      replacements.userId = scope.userId;
    }
    if (options.model) {
      where.push('r.model = :model');
      replacements.model = options.model;
    }
    if (options.experimentIds?.length) {
      where.push('r.experiment_id IN (:experimentIds)');
      replacements.experimentIds = options.experimentIds;
    }
    return selectRows(
      this.db,
      `SELECT ${bucketSql} AS bucket, AVG(q.${options.column}) AS average, COUNT(*) AS count
         FROM quality_metrics q
         JOIN responses r ON r.id = q.response_id
         JOIN experiments e ON e.id = r.experiment_id
        WHERE ${where.join(' AND ')}
        GROUP BY ${bucketSql}
        ORDER BY bucket`,
      { replacements, numbers: ['average', 'count'] },
    );
  }

  /** `YYYY-MM-DD` or `YYYY-MM-DDTHH` of r.created_at in UTC, the same text on every dialect. */
  private bucketSql(bucket: 'hour' | 'day'): string {
    switch (this.db.dialect) {
      case 'postgres':
        return bucket === 'day'
          ? `to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
          : `to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')`;
      case 'mysql':
        return bucket === 'day'
          ? `DATE_FORMAT(r.created_at, '%Y-%m-%d')`
          : `DATE_FORMAT(r.created_at, '%Y-%m-%dT%H')`;
      default:
        // Stored as "YYYY-MM-DD HH:MM:SS.SSS +00:00" (UTC) by Sequelize.
        return bucket === 'day'
          ? `substr(r.created_at, 1, 10)`
          : `substr(r.created_at, 1, 10) || 'T' || substr(r.created_at, 12, 2)`;
    }
  }
}
