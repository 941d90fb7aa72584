import { frames, type TaskFrames } from './template-syntax.js';

/**
 * Frames for stories and poems. The prompt's topic becomes what the story circles around; the
 * protagonist, places and images come from the mock's own banks.
 */

export const NARRATIVE: TaskFrames = {
  open: frames(`
    {time}, {name} {vp} at {place} and thought about {T}.
    Nobody in the village talked about {T} anymore, except {name}.
    {name} had always believed that {T} {~was} more than a {adj} {n}.
    The first thing {name} noticed was the {vadj} {cn}, {sim}.
    It began, as these things often do, with {T} and a {vadj} {cn}.
  `),
  body: frames(`
    {cTime}, {name} {vm} toward {place}, carrying a {vadj} {obj} and a question about {T}.
    The {cn} was {vadj} and {vadj}, and somewhere beyond it {T} {~was} waiting.
    {name} stood still for a long moment, listening to the {vadj} {cns}.
    Every {cn} near {place} seemed to {sv} a story about {T}.
    "I always thought {T} would be simpler," {name} {say}.
    {cCon}, the {cn} had changed: it was {vadj} now, {sim}.
    {name} {vp}, then {vp} again, unsure what {T} would ask next.
    The air smelled of rain and {cns}, and {name} {vp} as if {T} might answer.
    "{T^} never waits for anyone," someone {say} from across {place}.
    Somewhere near {place}, a {vadj} {cn} swayed in the wind[, {sim}].
    {name} thought of {U} and {vp}, the way one does with old promises.
    {name} opened the {obj} slowly, half expecting to find {T} inside.
    The wind carried the smell of {cns} across {place}.
    For a while nothing happened; there were only the {vadj} {cns} and the thought of {T}.
    {name} remembered a {adj} {n} from years ago, and how it had led to {T}.
    By the time {name} reached {place}, the light had turned {vadj}.
    Tucked under the {obj} was a note in a {vadj} hand: "{T^} is closer than you think."
    {name} counted the {cns} twice, the way people do when they are afraid to hope.
    Nobody else seemed to notice the {vadj} {cn}, but {name} could not look away.
    A {vadj} silence settled over {place}, {sim}.
  `),
  close: frames(`
    In the end, {name} understood that {T} had never been about the {cn} at all.
    When {name} finally {vm} home, the {vadj} {cn} was still there, {sim}.
    And somewhere beyond {place}, {T} {~was} still waiting, {vadj} and {vadj}.
    {name} smiled, because {T} had turned out to be {adj} after all.
  `),
};

export const POEM: TaskFrames = {
  open: frames(`
    {vadj} {cns} and {vadj} {cns},
    O {T}, {vadj} and {vadj},
    I waited for {T} {sim},
  `),
  body: [],
  line: frames(`
    {T}, {sim},
    and I remember {T} the way {cns} remember rain,
    a {vadj} {cn} that {vp} for no one,
    we {vm} through {place} at dusk,
    the {cns} are {vadj} tonight,
    between the {cn} and the {vadj} {cn},
    and {T} {~keep} {its} {vadj} promise,
    while the {cns} {sv} what the day forgot,
  `),
  close: frames(`
    still {T}, still the {vadj} {cn}.
    and {T} {~was} enough.
    until the {cns} grow {vadj} again.
  `),
};
