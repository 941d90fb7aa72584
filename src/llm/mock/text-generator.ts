import type { SamplingParameters } from '../types.js';
import { renderFrame, canRender, type RenderContext } from './frame-renderer.js';
import { capitalizeFirst, fixArticles, pluralNoun, tidy } from './grammar.js';
import { corruptSentence, incoherenceLevel } from './incoherence.js';
import type { MockStyle } from './mock-models.js';
import { planAnswer, type Block } from './plans.js';
import { canonicalJson, hashString, mixSeed, Rng } from './prng.js';
import { TokenSampler, type SamplingKnobs } from './sampler.js';
import type { Role } from './template-syntax.js';
import { TASK_FRAMES } from './templates.js';
import { analyzePrompt, type PromptAnalysis } from './topic.js';
import { HEADINGS, NAMES } from './word-banks.js';

/** What the mock writes from: the request minus anything that only cuts the text afterwards. */
export interface TextRequest {
  prompt: string;
  style: MockStyle;
  parameters: SamplingParameters;
  /** 1-based; different iterations give different answers to the same request. */
  iteration: number;
}

export interface GeneratedText {
  /** The complete, untruncated answer. */
  text: string;
  seed: number;
  analysis: PromptAnalysis;
}

const finiteOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const clamp = (value: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, value));

/** Sampling parameters clamped to the ranges real APIs accept. */
export function samplingKnobs(parameters: Partial<SamplingParameters>): SamplingKnobs {
  return {
    temperature: clamp(finiteOr(parameters.temperature, 1), 0, 2),
    topP: clamp(finiteOr(parameters.top_p, 1), 0, 1),
    frequencyPenalty: clamp(finiteOr(parameters.frequency_penalty, 0), -2, 2),
    presencePenalty: clamp(finiteOr(parameters.presence_penalty, 0), -2, 2),
  };
}

/**
 * The response seed. It covers the prompt, model, iteration and the caller's `seed`, but not the
 * sampling knobs: like a real seeded sampler, a temperature sweep then reuses the same random
 * draws and differs only where the parameters do (common random numbers, so the effects charted
 * are the parameters' and not reseeding noise). max_tokens and stop only cut the finished text.
 */
export function deriveSeed(
  prompt: string,
  model: string,
  iteration: number,
  seed?: number,
): number {
  return hashString(canonicalJson({ prompt, model, iteration, seed: seed ?? null }));
}

/** Sentence frames are fewer than words, so their prior is flatter and their reuse more noticed. */
const FRAME_STEEPNESS = 0.6;
const FRAME_AVERSION = 1.2;

class Writer {
  private readonly sampler: TokenSampler;
  private readonly noise: Rng;
  private readonly ctx: RenderContext;
  private readonly level: number;

  constructor(
    private readonly request: TextRequest,
    readonly analysis: PromptAnalysis,
    root: Rng,
  ) {
    const knobs = samplingKnobs(request.parameters);
    this.sampler = new TokenSampler(root.fork('sample'), mixSeed(root.seed, 'context'), knobs);
    this.noise = root.fork('noise');
    this.level = incoherenceLevel(knobs.temperature, knobs.topP);
    this.ctx = {
      analysis,
      style: request.style,
      sampler: this.sampler,
      rng: root.fork('ornament'),
      incoherence: this.level,
      protagonist: this.sampler.pick('name', NAMES),
    };
  }

  /** One sentence for a role; frames are not reused within a block (`used`). */
  sentence(role: Role, used: Set<string>, capitalize = true): string {
    const frames = TASK_FRAMES[this.analysis.task];
    const fallback = TASK_FRAMES.expository;
    const pool = [frames[role], fallback[role], frames.body, fallback.body].find(
      (list) => list && list.some((f) => canRender(f, this.analysis)),
    );
    const candidates = (pool ?? fallback.body).filter((f) => canRender(f, this.analysis));
    const frame = this.sampler.pick(`frame:${this.analysis.task}:${role}`, candidates, {
      avoid: used,
      keyOf: (f) => `frame:${f}`,
      steepness: FRAME_STEEPNESS,
      aversion: FRAME_AVERSION,
    });
    used.add(`frame:${frame}`);
    let text = fixArticles(tidy(renderFrame(frame, this.ctx)));
    if (capitalize) text = capitalizeFirst(text);
    return corruptSentence(text, this.level, this.noise);
  }

  /** A bold lead for structured list items ("**Baseline:**"), drawn like any noun. */
  private label(used: Set<string>): string {
    const noun = this.sampler.pick('n', this.request.style.nouns, { avoid: used });
    used.add(noun.toLowerCase());
    return `**${capitalizeFirst(noun)}:** `;
  }

  block(block: Block): string {
    const used = new Set<string>();
    switch (block.kind) {
      case 'paragraph':
        return block.roles.map((role) => this.sentence(role, used)).join(' ');
      case 'heading': {
        const title = this.sampler.pick(`heading:${block.section}`, HEADINGS[block.section]);
        return `## ${title}`;
      }
      case 'list':
        return block.items
          .map((roles, i) => {
            const marker = block.ordered ? `${i + 1}. ` : '- ';
            const lead = block.labels ? this.label(used) : '';
            return marker + lead + roles.map((role) => this.sentence(role, used)).join(' ');
          })
          .join('\n');
      case 'stanza':
        return block.roles.map((role, i) => this.sentence(role, used, i === 0)).join('\n');
      case 'table':
        return this.table(block.rows);
    }
  }

  /** A comparison table for structured styles: one aspect per row, an adjective per side. */
  private table(rows: number): string {
    const [a, b] = this.analysis.compare ?? [this.analysis.main, this.analysis.main];
    const lines = [`| Aspect | ${a.text} | ${b.text} |`, '| --- | --- | --- |'];
    for (let i = 0; i < rows; i++) {
      const aspect = capitalizeFirst(pluralNoun(this.sampler.pick('n', this.request.style.nouns)));
      const left = this.sampler.pick('adj', this.request.style.adjectives);
      const right = this.sampler.pick('adj', this.request.style.adjectives, {
        avoid: new Set([left]),
      });
      lines.push(`| ${aspect} | ${left} | ${right} |`);
    }
    return lines.join('\n');
  }
}

/**
 * Writes the mock's full answer to a prompt: analyse the prompt, plan the blocks for the task
 * and style, then write every sentence through the sampler so the parameters shape the words.
 */
export function generateText(request: TextRequest): GeneratedText {
  const analysis = analyzePrompt(request.prompt);
  const seed = deriveSeed(
    request.prompt,
    request.style.id,
    request.iteration,
    request.parameters.seed,
  );
  const root = new Rng(seed);
  const writer = new Writer(request, analysis, root);
  const blocks = planAnswer(analysis.task, request.style, root.fork('plan'), analysis.length);
  const text = blocks.map((block) => writer.block(block)).join('\n\n');
  return { text, seed, analysis };
}
