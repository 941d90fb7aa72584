import analytical from './analytical.json' with { type: 'json' };
import conversational from './conversational.json' with { type: 'json' };
import creative from './creative.json' with { type: 'json' };
import technical from './technical.json' with { type: 'json' };

/** One prompt of a starter dataset, as written in the JSON files beside this one. */
export interface StarterPrompt {
  text: string;
  difficulty: 'easy' | 'medium' | 'hard';
  tags: string[];
  expected_length?: number;
}

/** A dataset shipped with the product; `key` identifies it across releases. */
export interface StarterDataset {
  key: string;
  name: string;
  description: string;
  category: string;
  prompts: StarterPrompt[];
}

/** The starter datasets, one per standard category, seeded by a migration. */
export const STARTER_DATASETS = [
  creative,
  technical,
  analytical,
  conversational,
] as StarterDataset[];
