import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Suggestion } from '../../../src/modules/datasets/prompt-suggestions.js';
import { api } from '../api/client';
import { fmtNumber } from '../lib/format';
import { ErrorBox, Loading } from './ui';

const CATEGORIES = ['', 'creative', 'technical', 'analytical', 'conversational'];
const DIFFICULTIES = ['', 'easy', 'medium', 'hard'];

/** Prompt ideas from the datasets, ranked by match and by how well similar prompts scored. */
export function PromptSuggestions({ onUse }: { onUse: (text: string) => void }) {
  const [open, setOpen] = useState(false);
  const [category, setCategory] = useState('');
  const [difficulty, setDifficulty] = useState('');
  const q = useQuery({
    queryKey: ['prompt-suggestions', category, difficulty],
    queryFn: () =>
      api<{ suggestions: Suggestion[] }>('/prompts/suggest', {
        query: { category, difficulty, limit: 6 },
      }),
    enabled: open,
  });
  return (
    <details
      className="suggestions"
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>Need a prompt? Browse suggestions</summary>
      <div className="row">
        <label className="inline">
          Category
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c || 'Any'}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Difficulty
          <select value={difficulty} onChange={(e) => setDifficulty(e.target.value)}>
            {DIFFICULTIES.map((d) => (
              <option key={d} value={d}>
                {d || 'Any'}
              </option>
            ))}
          </select>
        </label>
      </div>
      {q.isLoading ? <Loading /> : null}
      <ErrorBox error={q.error} />
      {q.data && q.data.suggestions.length === 0 ? (
        <p className="muted">No suggestions for this choice.</p>
      ) : null}
      <ul className="suggestion-list">
        {q.data?.suggestions.map((s) => (
          <li key={s.id}>
            <span>
              {s.text}{' '}
              <span className="muted small">
                · {s.category ?? '—'} · {s.difficulty}
                {s.performance.average_quality !== null
                  ? ` · your similar prompts scored ${fmtNumber(s.performance.average_quality)}`
                  : ''}
              </span>
            </span>
            <button type="button" className="btn btn-small" onClick={() => onUse(s.text)}>
              Use
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
