import { QueryTypes, type QueryInterface } from 'sequelize';
import { STARTER_DATASETS } from '../seed-data/starter-datasets/index.js';

/*
 * Seeds the starter datasets (creative, technical, analytical, conversational) as public
 * system datasets without an owner. Their prompts leave `category` empty so they follow the
 * dataset's category. Each dataset records its starter `key` in metadata, which is how down()
 * and later releases find exactly these rows (users' datasets are never touched).
 */

const STARTER_VERSION = 1;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const now = new Date();
  for (const dataset of STARTER_DATASETS) {
    await qi.bulkInsert('datasets', [
      {
        name: dataset.name,
        description: dataset.description,
        category: dataset.category,
        user_id: null,
        public: true,
        is_system: true,
        prompt_count: dataset.prompts.length,
        // A string: bulkInsert does not know the column is JSON, and every dialect accepts text.
        metadata: JSON.stringify({ starter_key: dataset.key, starter_version: STARTER_VERSION }),
        created_at: now,
        updated_at: now,
      },
    ]);
    const [row] = await qi.sequelize.query<{ id: number }>(
      'SELECT MAX(id) AS id FROM datasets WHERE is_system = :yes AND name = :name',
      { type: QueryTypes.SELECT, replacements: { yes: true, name: dataset.name } },
    );
    const datasetId = Number(row!.id);
    await qi.bulkInsert(
      'prompts',
      dataset.prompts.map((p) => ({
        dataset_id: datasetId,
        text: p.text,
        tags: JSON.stringify(p.tags),
        difficulty: p.difficulty,
        category: null,
        expected_length: p.expected_length ?? null,
        metadata: null,
        created_at: now,
      })),
    );
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  const rows = await qi.sequelize.query<{ id: number }>(
    'SELECT id FROM datasets WHERE is_system = :yes',
    { type: QueryTypes.SELECT, replacements: { yes: true } },
  );
  const ids = rows.map((r) => Number(r.id));
  if (ids.length === 0) return;
  await qi.bulkDelete('prompts', { dataset_id: ids });
  await qi.bulkDelete('datasets', { id: ids });
}
