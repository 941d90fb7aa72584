import { frames, type TaskFrames } from './template-syntax.js';

/**
 * Sentence frames for explanations, direct answers and summaries. The first frames of each role
 * are the safe, generic ones a cold sampler keeps returning to; later ones are more particular.
 * Slot syntax is documented in template-syntax.ts.
 */

const EXPLAIN_BODY = frames(`
  In most cases, {T} {vs} {adj} {ns} rather than a single {adj} {n}.
  Each {n} {v3} the next, so a small change in one {n} can {v} the whole {n}.
  The {adj} {n} matters because it {v3} the way {T} {~be} used in practice.
  {cAdd}, {T} {~rely} on {adj} {ns} that {v} {advm} over time.
  A useful way to think about {T} is as a {n} of {adj} {ns}, each one {ving} the others.
  When the {n} is {adj}, {T} {~tend} to {v} the {n} more {advm}.
  The way {T} {act} depends on the {adj} {ns} that surround {them}.
  {T} {adv} {vs} the {n} long before anyone notices the {adj} {n} behind it.
  Once the {n} is in place, {T} can {v} {adj} {ns} with much less effort.
  What makes {T} {adj} is the way {it} {~bring} {adj} {ns} together into a single {adj} {n}.
  Behind every {adj} {n} in {T} there is a {n} that {v3} it[, {sim}].
  {T} also {~connect} to {U}, and that link {v3} the {adj} {n} in a {adj} way.
`);

const EXPLAIN_EXAMPLE = frames(`
  {cEx}, {T} can {v} a {adj} {n} by {ving} each {n} in turn.
  {cEx}, imagine {ving} a single {n}: the {adj} {ns} quickly {v} everything that comes after.
  {cEx}, a {adj} {n} in {T} {adv} {v3} several {ns} at once.
  Picture a {cn}: {T} {~work} in much the same way, {ving} {adj} {ns} one at a time.
  A {adj} example is {U}, where the {n} {v3} the {n} almost immediately.
  {cEx}, when the {n} changes, the {adj} {ns} of {T} {v} it within a few steps.
`);

const EXPLAIN_CONTRAST = frames(`
  {cCon}, {T} {~be} not without {adj} {ns}.
  {cCon}, a {adj} {n} can {v} {T} in ways that are hard to predict.
  {cCon}, the {adj} {n} only holds when the {ns} are {adj}.
  {cCon}, too much focus on a single {n} can hide the {adj} {ns} that matter most.
  The {adj} caveat is that {T} {~depend} on {ns} that are not always {adj}.
  {cCon}, no {n} is perfect, and {T} {~be} no exception.
`);

const EXPLAIN_RESULT = frames(`
  {cRes}, {T} {~reward} a {adj} approach more than a {adj} one.
  {cRes}, the {adj} {ns} tend to {v} the final {n}.
  {cRes}, it pays to {v} the {n} before {ving} anything else.
  {cRes}, small {ns} can {v} surprisingly {adj} {ns}.
`);

const EXPLAIN_CLOSE = frames(`
  In short, {T} {~come} down to a few {adj} {ns} working together.
  Understanding these {ns} makes {T} far less mysterious and far more approachable.
  Taken together, these {ns} explain why {T} {~matter} in so many {adj} situations.
  The best next step is to {v} one {n} at a time and watch how {T} {~respond}.
  With that {adj} {n} in mind, {T} {~become} much easier to {v} and to reason about.
  Seen this way, {T} {~be} less a mystery than a {adj} {n}[, {sim}].
`);

/** Vivid asides the creative style slips into body paragraphs. */
export const FIGURATIVE = frames(`
  Think of {T} as {meta}.
  There is something {vadj} about {T}, {sim}.
  If {T} were a place, {it} would be {place}: {vadj}, {vadj}, and full of {cns}.
  Each {n} in {T} arrives {sim}.
  Seen from a distance, {T} {~look} {sim}.
`);

export const EXPOSITORY: TaskFrames = {
  open: frames(`
    To understand {T}, it helps to start with the {adj} {ns} behind {them}.
    {T} {~be} a {adj} subject, and it becomes much clearer once the {adj} {ns} are in view.
    At {its} core, {T} {~be} about how a few {adj} {ns} {v} one another over time.
    To see how {T} {act}, it helps to look at the {adj} {n} first.
    Many people meet {T} without a clear picture of the {adj} {n} that holds {them} together.
    {T} can seem {adj} at first, but the {ns} underneath are surprisingly {adj}.
    The {adj} thing to know about {T} is that {it} {~rest} on a handful of {adj} {ns}.
    Few subjects reward a {adj} look as much as {T}[, {sim}].
  `),
  body: EXPLAIN_BODY,
  example: EXPLAIN_EXAMPLE,
  contrast: EXPLAIN_CONTRAST,
  result: EXPLAIN_RESULT,
  close: EXPLAIN_CLOSE,
  figurative: FIGURATIVE,
};

export const ANSWER: TaskFrames = {
  ...EXPOSITORY,
  open: frames(`
    The short answer is that {T} {~depend} on a few {adj} {ns}.
    In most cases, {T} {vs} the {adj} {n} more than anything else.
    Generally speaking, {T} {~be} best explained by the {adj} {n} behind {them}.
    It comes down to the {adj} {n}: {T} {~follow} it more closely than most people expect.
    {T} {act} because of a {adj} {n} working underneath.
  `),
  close: frames(`
    So, to answer directly: {T} {vs} the {n}, and the {adj} {ns} do the rest.
    That is the {adj} picture; the details vary with the {n}.
    In short, the answer lies in the {adj} {ns} and how {T} {~use} them.
  `),
};

export const SUMMARY: TaskFrames = {
  ...EXPOSITORY,
  open: frames(`
    In short, {T} {~come} down to a few {adj} {ns}.
    Here is the gist of {T}: a handful of {adj} {ns} doing most of the work.
    Put simply, {T} {vs} {adj} {ns}, and that is what makes {them} {adj}.
  `),
  body: frames(`
    The {adj} point is that {T} {vs} the {n}, and that {n} {v3} most of what follows.
    {cAdd}, the {adj} {ns} matter more than any single {n}.
    Overall, {T} {~be} best understood as a {adj} {n} of {adj} {ns}.
    The main takeaway: {v} the {n} first, and the rest of {T} follows.
    Everything else in {T} builds on the {adj} {n}.
  `),
  close: frames(`
    That is {T} in a nutshell.
    Keep the {adj} {n} in mind and the rest of {T} falls into place.
  `),
};
