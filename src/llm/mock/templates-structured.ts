import { frames, type TaskFrames } from './template-syntax.js';

/** Frames for step-by-step instructions and for comparisons of two things. */

export const STEPS: TaskFrames = {
  open: frames(`
    Here is a {adj} way to approach {T}, one step at a time:
    {T} {~be} easier to manage when you break {them} into {adj} steps:
    The following steps cover the {adj} {ns} of {T}:
    To get {T} right, work through these steps in order:
  `),
  body: [],
  item: frames(`
    {imp} the {adj} {n} of {T} before anything else.
    {imp} each {n} and note how it {v3} the {n}.
    {imp} a {adj} {n} so you can {v} your progress later.
    {imp} the {ns} that {v} {T} most directly.
    Check that every {n} is {adj} enough to {v} the next step.
    Work {advm}, and revisit the {n} whenever something looks off.
    Keep a record of each {n}; it will help you {v} {T} later.
    {imp} the {adj} {n} against a simple {n} before moving on.
    Gather the {adj} {ns} you will need for {T}.
    {imp} one {n} at a time rather than everything at once.
  `),
  detail: frames(`
    This {v3} the {ns} that come later.
    {cEx}, a {adj} {n} here can save time further on.
    Take your time; a {adj} {n} at this stage pays off[, {sim}].
    If something feels {adj}, return to the previous step.
    Most problems with {T} start when this step is rushed.
  `),
  close: frames(`
    Follow these steps in order, and {T} will feel far more manageable.
    A final tip: revisit the first step whenever the {n} changes.
    With practice, these steps become a {adj} habit[, {sim}].
  `),
};

export const COMPARE: TaskFrames = {
  open: frames(`
    {A} and {B} are often mentioned together, but they {v} different {ns}.
    Comparing {A} with {B} is mostly a question of which {adj} {ns} matter to you.
    At first glance {A} and {B} look {adj}, yet the {adj} {ns} behind them differ.
    When it comes to {C}, {A} and {B} take noticeably different paths.
  `),
  body: frames(`
    {A} {~tend:A} to {v} the {adj} {n}, while {B} {~put:B} more weight on the {n}.
    Where {A} {~be:A} usually {adj}, {B} {~tend:B} to be {adj}[ and {adj}].
    Both {A} and {B} {v} {adj} {ns}, so the overlap is larger than it seems.
    {cCon}, {B} can {v} a {adj} {n} that {A} {~tend:A} to overlook.
    {cEx}, if the {n} is {adj}, {A} usually {~make:A} more sense; if it is {adj}, {B} often {~win:B}.
    The {adj} difference lies in the {n}: {A} {~favor:A} {ns}, whereas {B} {~favor:B} {ns}.
    For {C}, {A} and {B} {v} the {n} in {adj} ways.
  `),
  close: frames(`
    In the end, the choice between {A} and {B} depends on the {n} you care about most.
    Neither {A} nor {B} is {adj} in every case; pick the one whose {ns} fit your {n}.
    If the {n} matters most, lean towards {A}; if the {n} matters more, {B} is the safer bet.
  `),
};
