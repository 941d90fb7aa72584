import type { MockStyle } from './mock-models.js';
import type { Rng } from './prng.js';
import type { TaskType } from './task-type.js';
import type { Role } from './template-syntax.js';
import type { HEADINGS } from './word-banks.js';

/**
 * The shape of an answer before any words are chosen: which blocks, in which order, and what
 * each sentence is for. Plans depend on the task, the model style and the seed only, never on
 * sampling parameters, so a temperature sweep compares like with like.
 */

export type Section = keyof typeof HEADINGS;

export type Block =
  | { kind: 'paragraph'; roles: Role[] }
  | { kind: 'heading'; section: Section }
  /** Numbered (or bulleted) items; each item is one or more sentences; `labels` adds bold leads. */
  | { kind: 'list'; items: Role[][]; ordered: boolean; labels: boolean }
  | { kind: 'stanza'; roles: Role[] }
  | { kind: 'table'; rows: number };

const between = (rng: Rng, [min, max]: readonly [number, number]): number => rng.int(min, max);

/** Fills a paragraph after its leading roles, sometimes slipping in a figurative aside. */
function paragraph(rng: Rng, style: MockStyle, lead: Role[], fill: Role[]): Block {
  const roles = [...lead];
  const length = Math.max(lead.length, between(rng, style.sentences));
  while (roles.length < length) roles.push(rng.pick(fill));
  if (rng.chance(style.figurative) && roles.length > 1) {
    roles.splice(rng.int(1, roles.length), 0, 'figurative');
  }
  return { kind: 'paragraph', roles };
}

// The middle paragraphs of an explanation walk through these leads in turn.
const MIDDLE_LEADS: Role[][] = [
  ['body', 'example'],
  ['contrast'],
  ['body'],
  ['example'],
  ['result'],
];

function prose(rng: Rng, style: MockStyle): Block[] {
  const count = between(rng, style.paragraphs);
  const blocks: Block[] = [paragraph(rng, style, ['open'], ['body'])];
  for (let i = 1; i < count - 1; i++) {
    blocks.push(
      paragraph(rng, style, MIDDLE_LEADS[(i - 1) % MIDDLE_LEADS.length] ?? ['body'], [
        'body',
        'body',
        'example',
      ]),
    );
  }
  const closing = count > 2 ? ['result' as Role] : ['example' as Role];
  blocks.push({ kind: 'paragraph', roles: [...closing, 'close'] });
  return blocks;
}

function structuredProse(rng: Rng, style: MockStyle): Block[] {
  const points = between(rng, style.sentences) + 1;
  const items: Role[][] = Array.from({ length: points }, (_, i) =>
    i === points - 1 ? ['example'] : ['body'],
  );
  return [
    { kind: 'heading', section: 'overview' },
    paragraph(rng, style, ['open', 'body'], ['body']),
    { kind: 'heading', section: 'details' },
    { kind: 'list', items, ordered: true, labels: true },
    { kind: 'heading', section: 'caveats' },
    paragraph(rng, style, ['contrast', 'body'], ['body', 'example']),
    { kind: 'heading', section: 'summary' },
    { kind: 'paragraph', roles: ['result', 'close'] },
  ];
}

function summary(rng: Rng, style: MockStyle): Block[] {
  if (style.structured) {
    const items: Role[][] = Array.from({ length: rng.int(3, 4) }, () => ['body']);
    return [
      { kind: 'paragraph', roles: ['open'] },
      { kind: 'list', items, ordered: false, labels: false },
      { kind: 'paragraph', roles: ['close'] },
    ];
  }
  const body = Math.max(1, between(rng, style.sentences) - 1);
  const first = paragraph(rng, style, ['open', ...Array<Role>(body).fill('body')], ['body']);
  if (style.paragraphs[1] < 6) return [first];
  return [
    first,
    paragraph(rng, style, ['body'], ['body']),
    { kind: 'paragraph', roles: ['close'] },
  ];
}

function steps(rng: Rng, style: MockStyle): Block[] {
  const items: Role[][] = Array.from({ length: between(rng, style.listItems) }, () =>
    rng.chance(style.stepDetail) ? ['item', 'detail'] : ['item'],
  );
  return [
    { kind: 'paragraph', roles: ['open'] },
    { kind: 'list', items, ordered: true, labels: style.structured },
    { kind: 'paragraph', roles: ['close'] },
  ];
}

function compare(rng: Rng, style: MockStyle): Block[] {
  if (style.structured) {
    return [
      { kind: 'paragraph', roles: ['open'] },
      { kind: 'table', rows: rng.int(3, 4) },
      { kind: 'paragraph', roles: ['body', 'body'] },
      { kind: 'heading', section: 'summary' },
      { kind: 'paragraph', roles: ['close'] },
    ];
  }
  const count = between(rng, style.paragraphs);
  const blocks: Block[] = [paragraph(rng, style, ['open', 'body'], ['body'])];
  for (let i = 1; i < count - 1; i++) blocks.push(paragraph(rng, style, ['body'], ['body']));
  blocks.push(paragraph(rng, style, count > 2 ? ['body', 'close'] : ['close'], ['body']));
  return blocks;
}

function narrative(rng: Rng, style: MockStyle): Block[] {
  const count = between(rng, style.paragraphs);
  const blocks: Block[] = [paragraph(rng, style, ['open'], ['body'])];
  for (let i = 1; i < count - 1; i++) blocks.push(paragraph(rng, style, ['body'], ['body']));
  const last = paragraph(rng, style, ['body'], ['body']);
  if (last.kind === 'paragraph') last.roles.push('close');
  blocks.push(last);
  return blocks;
}

function poem(rng: Rng, style: MockStyle): Block[] {
  const stanzas = Math.max(2, between(rng, style.paragraphs) - (style.structured ? 1 : 0));
  return Array.from({ length: stanzas }, (_, i) => ({
    kind: 'stanza' as const,
    roles: [
      i === 0 ? 'open' : 'line',
      'line',
      'line',
      i === stanzas - 1 ? 'close' : 'line',
    ] as Role[],
  }));
}

/** A style asked for brevity: about half the paragraphs, sentences and steps. */
function shortened(style: MockStyle): MockStyle {
  const half = ([min, max]: readonly [number, number], floor: number): [number, number] => [
    Math.max(floor, Math.ceil(min / 2)),
    Math.max(floor, Math.ceil(max / 2)),
  ];
  return {
    ...style,
    paragraphs: half(style.paragraphs, 1),
    sentences: half(style.sentences, 2),
    listItems: half(style.listItems, 3),
  };
}

/** The block plan for a task in a model's style, shortened when the prompt asks for it. */
export function planAnswer(
  task: TaskType,
  fullStyle: MockStyle,
  rng: Rng,
  length: 'haiku' | 'brief' | 'normal' = 'normal',
): Block[] {
  if (task === 'poem' && length === 'haiku') {
    return [{ kind: 'stanza', roles: ['open', 'line', 'close'] }];
  }
  const style = length === 'normal' ? fullStyle : shortened(fullStyle);
  switch (task) {
    case 'narrative':
      return narrative(rng, style);
    case 'poem':
      return poem(rng, style);
    case 'steps':
      return steps(rng, style);
    case 'compare':
      return compare(rng, style);
    case 'summary':
      return summary(rng, style);
    case 'expository':
    case 'answer':
      return style.structured ? structuredProse(rng, style) : prose(rng, style);
  }
}
