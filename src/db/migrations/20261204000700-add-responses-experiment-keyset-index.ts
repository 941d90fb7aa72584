import type { QueryInterface } from 'sequelize';

/*
 * responses (experiment_id, id): exports read an experiment's responses in keyset pages
 * (`experiment_id = ? AND id > ? ORDER BY id LIMIT n`). Without it every page scanned all of
 * the experiment's rows and sorted them (measured: a 20,000-response export spent most of its
 * time re-sorting), which made large exports quadratic; with it each page is one range scan.
 */
const NAME = 'responses_experiment_id_id';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addIndex('responses', ['experiment_id', 'id'], { name: NAME });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('responses', NAME);
}
