import { describe, expect, it } from 'vitest';
import { readJudgeReply } from '../../src/quality/judge/judge-reply.js';
import {
  parseScore,
  probabilityWeightedScore,
  toPercent,
  weightedScoreFromLogprobs,
  type ParsedScore,
} from '../../src/quality/judge/parse-score.js';

function parsed(text: string, scale?: { min: number; max: number }): ParsedScore {
  const result = parseScore(text, scale);
  if (!result.ok) throw new Error(`expected a score in ${JSON.stringify(text)}: ${result.reason}`);
  return result;
}

function rejection(text: string, scale?: { min: number; max: number }): string {
  const result = parseScore(text, scale);
  if (result.ok) throw new Error(`expected no score in ${JSON.stringify(text)}, got ${result.raw}`);
  return result.reason;
}

describe('parseScore: the shapes judges answer in', () => {
  it.each([
    ['Reasoning: clear and well ordered.\nScore: 4', 4, 'label'],
    ['The flow is good.\n**Score:** 4/5', 4, 'label'],
    ['**Score: 5**', 5, 'label'],
    ['Score: **3**', 3, 'label'],
    ['final score = 4.5', 4.5, 'label'],
    ['score=2', 2, 'label'],
    ['Rating (1-5): 3 out of 5', 3, 'label'],
    ['The overall score is 2.', 2, 'label'],
    ['Score: four', 4, 'label'],
    ['SCORE:\n5', 5, 'label'],
    ['{"score": 4}', 4, 'json'],
    ['```json\n{"reasoning": "ok", "score": "3"}\n```', 3, 'json'],
    ['It reads well overall.\n4', 4, 'last_line'],
    ['Mostly on topic.\n\n**4/5**\n', 4, 'last_line'],
    ['Solid.\n5.', 5, 'last_line'],
  ] as const)('when the judge writes %j, then the score is %d (via %s)', (text, raw, via) => {
    const result = parsed(text);
    expect(result.raw).toBe(raw);
    expect(result.via).toBe(via);
  });

  it('when the reasoning quotes an earlier score, then the last verdict wins', () => {
    const text = 'At first I would say Score: 2, but the ending fixes it.\nScore: 4';
    expect(parsed(text).raw).toBe(4);
  });

  it('when "score is" is followed by a word, then it is prose, not a verdict', () => {
    expect(parsed('The score is one of many signals.\nScore: 3').raw).toBe(3);
    expect(rejection('The score is one of many signals.')).toMatch(/no "Score: N"/);
  });

  it('when a JSON answer follows a labelled line, then the later one wins', () => {
    expect(parsed('Score: 2\n{"score": 5}').raw).toBe(5);
  });

  it('when a score is found, then its index points at the number in the text', () => {
    const text = 'Good.\n**Score:** 4/5';
    const result = parsed(text);
    expect(text[result.index]).toBe('4');
    const json = '{"reasoning": "fine", "score": 3}';
    expect(json[parsed(json).index]).toBe('3');
    const bare = 'Fine.\n  **5**  \n';
    expect(bare[parsed(bare).index]).toBe('5');
  });

  it('when the number merely ends a sentence of reasoning, then it is not a score', () => {
    expect(rejection('The response lists 3 reasons and skips 2.')).toMatch(/no "Score: N"/);
  });

  it.each([
    ['Score: 7', /outside the 1-5 scale/],
    ['Score: 0', /outside the 1-5 scale/],
    ['Score: -1', /outside/],
    ['Score: 8/10', /not on the 1-5 scale/],
    ['{"score": 6}', /outside/],
    ['Reasoning only, no verdict.', /no "Score: N"/],
    ['Score: N/A', /no "Score: N"/],
    ['', /empty/],
    ['   \n ', /empty/],
  ])('when the judge writes %j, then it is rejected with a reason', (text, reason) => {
    expect(rejection(text)).toMatch(reason);
  });

  it('when the scale is 1-10, then 8/10 is accepted and 8/5 is not', () => {
    const scale = { min: 1, max: 10 };
    expect(parsed('Score: 8/10', scale).raw).toBe(8);
    expect(rejection('Score: 8/5', scale)).toMatch(/not on the 1-10 scale/);
  });
});

describe('toPercent: the judge scale mapped onto 0-100', () => {
  it('maps 1-5 linearly with the ends at 0 and 100', () => {
    expect([1, 2, 3, 4, 5, 4.5].map((s) => toPercent(s))).toEqual([0, 25, 50, 75, 100, 87.5]);
  });

  it('maps another scale by its own ends', () => {
    expect(toPercent(10, { min: 1, max: 10 })).toBe(100);
    expect(toPercent(4, { min: 1, max: 10 })).toBe(33.3);
  });

  it('carries the mapped value in the parse result', () => {
    expect(parsed('Score: 4').score).toBe(75);
  });
});

describe('probabilityWeightedScore (G-Eval)', () => {
  it('when the judge puts 60% on 4 and 40% on 5, then the score is 4.4', () => {
    const score = probabilityWeightedScore([
      { token: '4', logprob: Math.log(0.6) },
      { token: '5', logprob: Math.log(0.4) },
    ]);
    expect(score).toBeCloseTo(4.4, 10);
  });

  it('when some candidates are not scores, then they are ignored and the rest renormalised', () => {
    const score = probabilityWeightedScore([
      { token: ' 3', logprob: Math.log(0.25) },
      { token: '3', logprob: Math.log(0.25) },
      { token: 'five', logprob: Math.log(0.2) },
      { token: '9', logprob: Math.log(0.1) },
      { token: '5', logprob: Math.log(0.2) },
    ]);
    // 3 carries 0.5, 5 carries 0.2: (3·0.5 + 5·0.2) / 0.7.
    expect(score).toBeCloseTo((1.5 + 1) / 0.7, 10);
  });

  it('when no candidate is a score on the scale, then there is no weighted score', () => {
    expect(probabilityWeightedScore([{ token: 'Score', logprob: -0.1 }])).toBeUndefined();
    expect(probabilityWeightedScore([])).toBeUndefined();
  });

  it('when tokens spell out the reply, then the weights come from the score token', () => {
    const content = 'Clear.\nScore: 4';
    const logprobs = [
      { token: 'Clear.', logprob: -0.01, top_logprobs: [] },
      { token: '\nScore', logprob: -0.01 },
      { token: ':', logprob: 0 },
      {
        token: ' 4',
        logprob: Math.log(0.7),
        top_logprobs: [
          { token: ' 4', logprob: Math.log(0.7) },
          { token: ' 3', logprob: Math.log(0.3) },
        ],
      },
    ];
    const weighted = weightedScoreFromLogprobs(logprobs, content, content.indexOf('4'));
    expect(weighted?.raw).toBeCloseTo(3.7, 10);
    expect(weighted?.mass).toBeCloseTo(1, 10);
  });

  it('when tokens do not line up with the content, then the last matching token is used', () => {
    const logprobs = [
      { token: '4', logprob: Math.log(0.9), top_logprobs: [{ token: '2', logprob: 0 }] },
      { token: 'Score:', logprob: 0 },
      { token: '4', logprob: 0, top_logprobs: [{ token: '4', logprob: 0 }] },
    ];
    const content = 'Four things. Score: 4';
    expect(weightedScoreFromLogprobs(logprobs, content, content.length - 1)?.raw).toBe(4);
  });

  it('when logprobs are missing or malformed, then there is no weighted score', () => {
    expect(weightedScoreFromLogprobs(undefined, 'Score: 4', 7)).toBeUndefined();
    expect(weightedScoreFromLogprobs([{ token: 4 }], 'Score: 4', 7)).toBeUndefined();
    expect(weightedScoreFromLogprobs([], 'Score: 4', 7)).toBeUndefined();
  });
});

describe('readJudgeReply: reasoning and suggestions', () => {
  it('when the judge follows the format, then reasoning and suggestions are separated', () => {
    const text = [
      'Reasoning: The second paragraph jumps from pricing to history without a transition.',
      'Suggestions:',
      '- Add a sentence linking pricing to the history section.',
      '- Move the summary to the end.',
      '- A third one that is not asked for.',
      'Score: 3',
    ].join('\n');
    const reply = readJudgeReply(text, parsed(text));
    expect(reply.reasoning).toBe(
      'The second paragraph jumps from pricing to history without a transition.',
    );
    expect(reply.suggestions).toEqual([
      'Add a sentence linking pricing to the history section.',
      'Move the summary to the end.',
    ]);
  });

  it('when the judge uses markdown, then no decoration is left over', () => {
    const text =
      '**Reasoning:** Focused and complete.\n\n**Suggestions:**\n1. Cite the source.\n\n**Score:** 5/5';
    const reply = readJudgeReply(text, parsed(text));
    expect(reply.reasoning).toBe('Focused and complete.');
    expect(reply.suggestions).toEqual(['Cite the source.']);
  });

  it('when the judge has nothing to suggest, then there are no suggestions', () => {
    const text = 'Reasoning: Fine.\nSuggestions:\n- none\nScore: 5';
    expect(readJudgeReply(text, parsed(text)).suggestions).toEqual([]);
    const echoed = 'Reasoning: Fine.\nSuggestions:\n- <up to 2 concrete improvements>\nScore: 5';
    expect(readJudgeReply(echoed, parsed(echoed)).suggestions).toEqual([]);
  });

  it('when the suggestion is inline, then it is read', () => {
    const text = 'Reasoning: Too long.\nSuggestions: Split the first sentence.\nScore: 2';
    expect(readJudgeReply(text, parsed(text)).suggestions).toEqual(['Split the first sentence.']);
  });

  it('when the judge answers in JSON, then its fields are used', () => {
    const text =
      '{"reasoning": "Accurate dates.", "suggestions": ["Name the treaty."], "score": 5}';
    expect(readJudgeReply(text, parsed(text))).toEqual({
      reasoning: 'Accurate dates.',
      suggestions: ['Name the treaty.'],
    });
  });

  it('when the score sits at the end of a reasoning line, then the reasoning is kept', () => {
    const text = 'The answer covers both questions. Score: 5';
    expect(readJudgeReply(text, parsed(text)).reasoning).toBe('The answer covers both questions.');
  });
});
