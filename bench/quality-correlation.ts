/**
 * How well the heuristic engine agrees with people: Spearman correlation between its scores
 * and the SummEval expert ratings (1,600 summaries of 100 CNN/DailyMail articles), both over
 * all items and within each article (averaged over articles; the G-Eval protocol).
 *
 *   npm run bench:quality-correlation            # table
 *   npm run bench:quality-correlation -- --json  # machine-readable
 *   npm run bench:quality-correlation -- --check # exit 1 when the goal is not met
 *
 * Data: ../shared/data/summeval.jsonl next to the repository, or SUMMEVAL_PATH.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeuristicEngine } from '../src/quality/heuristic-engine.js';
import type { Dimension } from '../src/quality/types.js';
import { isConstant, mean, spearman } from '../src/lib/stats.js';

interface Item {
  id: number;
  group: string;
  system: string;
  prompt: string;
  content: string;
  ratings: Record<Human, number[]>;
}

const HUMAN = ['coherence', 'consistency', 'fluency', 'relevance'] as const;
type Human = (typeof HUMAN)[number];
type HumanColumn = Human | 'mean';
const HUMAN_COLUMNS: readonly HumanColumn[] = [...HUMAN, 'mean'];

const ENGINE = ['coherence', 'factual_accuracy', 'readability', 'relevance', 'overall'] as const;
type EngineColumn = (typeof ENGINE)[number];
/** The suggested pairing (data README): engine dimension → human dimension. */
const MATCHED: Record<EngineColumn, HumanColumn> = {
  coherence: 'coherence',
  factual_accuracy: 'consistency',
  readability: 'fluency',
  relevance: 'relevance',
  overall: 'mean',
};
/** Best per-article Spearman of a trivial feature, per human column (data README). */
const NAIVE_BEST: Record<HumanColumn, number> = {
  coherence: 0.219,
  consistency: 0.238,
  fluency: 0.169,
  relevance: 0.242,
  mean: 0.233,
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataPath = process.env.SUMMEVAL_PATH ?? resolve(repoRoot, '../shared/data/summeval.jsonl');
if (!existsSync(dataPath)) {
  console.error(
    `SummEval data not found at ${dataPath}.\n` +
      'Place summeval.jsonl in ../shared/data/ beside the repository or set SUMMEVAL_PATH.',
  );
  process.exit(1);
}
const items = readFileSync(dataPath, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Item);

const engine = new HeuristicEngine();
const dims: Dimension[] = ['coherence', 'factual_accuracy', 'readability', 'relevance'];
const started = performance.now();
const rows = items.map((item) => {
  const report = engine.scoreSync({ content: item.content, prompt: item.prompt });
  const human = Object.fromEntries(HUMAN.map((h) => [h, mean(item.ratings[h])])) as Record<
    HumanColumn,
    number
  >;
  human.mean = mean(HUMAN.map((h) => human[h]));
  const ours = Object.fromEntries(dims.map((d) => [d, report.dimensions[d]!.score])) as Record<
    EngineColumn,
    number
  >;
  ours.overall = report.overall_quality;
  return { group: item.group, human, ours };
});
const elapsed = performance.now() - started;

function itemLevel(e: EngineColumn, h: HumanColumn): number {
  return spearman(
    rows.map((r) => r.ours[e]),
    rows.map((r) => r.human[h]),
  );
}

function perArticle(e: EngineColumn, h: HumanColumn): { rho: number; groups: number } {
  const groups = new Map<string, typeof rows>();
  for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const values: number[] = [];
  for (const g of groups.values()) {
    const xs = g.map((r) => r.ours[e]);
    const ys = g.map((r) => r.human[h]);
    if (isConstant(xs) || isConstant(ys)) continue;
    values.push(spearman(xs, ys));
  }
  return { rho: mean(values), groups: values.length };
}

const table = (
  fn: (e: EngineColumn, h: HumanColumn) => number,
): Record<string, Record<string, number>> =>
  Object.fromEntries(
    ENGINE.map((e) => [e, Object.fromEntries(HUMAN_COLUMNS.map((h) => [h, fn(e, h)]))]),
  );
const item = table(itemLevel);
const article = table((e, h) => perArticle(e, h).rho);

if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({ items: rows.length, item_level: item, per_article: article }, null, 2),
  );
} else {
  const fmt = (x: number): string => (Number.isNaN(x) ? '  n/a' : x.toFixed(3).padStart(6));
  const print = (title: string, t: Record<string, Record<string, number>>): void => {
    console.log(`\n${title}`);
    console.log(
      `${'engine \\ human'.padEnd(18)}${HUMAN_COLUMNS.map((h) => h.padStart(13)).join('')}`,
    );
    for (const e of ENGINE) {
      const cells = HUMAN_COLUMNS.map((h) =>
        `${MATCHED[e] === h ? '*' : ' '}${fmt(t[e]![h]!)}`.padStart(13),
      );
      console.log(`${e.padEnd(18)}${cells.join('')}`);
    }
  };
  console.log(
    `SummEval: ${rows.length} summaries scored in ${(elapsed / 1000).toFixed(1)} s (${dataPath})`,
  );
  print('Spearman, item level (all summaries)', item);
  print('Spearman, per article (mean over articles; G-Eval protocol)', article);
  console.log(
    '\n* = matched pair. Per-article goal: beat the best naive feature, and overall ≥ 0.30.',
  );
  let ok = true;
  for (const e of ENGINE) {
    const h = MATCHED[e];
    const rho = article[e]![h]!;
    const pass = rho > NAIVE_BEST[h] && (e !== 'overall' || rho >= 0.3);
    ok &&= pass;
    console.log(
      `  ${e} ~ ${h}: ${rho.toFixed(3)} vs naive best ${NAIVE_BEST[h].toFixed(3)} ${pass ? 'PASS' : 'FAIL'}`,
    );
  }
  console.log(ok ? 'Goal met.' : 'Goal not met.');
  // --check turns the goal into an exit code (for CI or a pre-merge check).
  if (!ok && process.argv.includes('--check')) process.exitCode = 1;
}
