/**
 * Words that never become topics: English function words, the words people use to give
 * instructions ("explain", "briefly", "paragraph"), and generic nouns that frame a topic without
 * being one ("the process of photosynthesis", "the importance of sleep").
 */

function set(list: string): ReadonlySet<string> {
  return new Set(list.trim().split(/\s+/));
}

export const STOP_WORDS = set(`
  a an the and or but nor so yet if then than that this these those there here it its it's
  they them their theirs we us our ours you your yours i me my mine he him his she her hers
  is are was were be been being am do does did doing done have has had having can could
  shall should will would may might must of in on at by for with about against between into
  through during before after above below to from up down out off over under again further
  once all any both each few more most other some such no not only own same too very just
  also what which who whom whose when where why how as until while because although though
  whether either neither per via vs versus etc e.g i.e ie eg one ones something anything
  everything nothing someone anyone everyone thing things way lot lots kind sort really
  quite rather much many well even still ever never always often sometimes usually let let's
  please thanks thank hi hello hey okay ok yes two three four five six seven eight nine ten
  first second third several few
`);

export const INSTRUCTION_WORDS = set(`
  explain explaining explanation describe describing description write writing written
  tell give list summarize summarise summary summarizing compare comparing comparison
  contrast discuss discussing outline detail detailed details elaborate illustrate define
  definition show help create generate make provide produce draft compose imagine
  story stories tale fable poem poems poetry haiku sonnet limerick verse lyrics song
  essay paragraph paragraphs sentence sentences words word bullet bullets point points
  steps step guide tutorial tips tip instructions checklist overview recap introduction
  short brief briefly long longer detailed simple simply concise concisely quick quickly
  clear clearly terms beginner beginners layman
  difference differences similarities similarity pros cons advantages disadvantages
  benefits drawbacks impact uses history future
  question answer answers response reply example examples best better good bad
  basics basic fundamentals concept concepts idea ideas role importance process processes
  meaning purpose walk understand understanding know
  use using used ways way method methods approach approaches type types kinds aspects aspect
  main key major important various different specific general overall
`);

/**
 * Common English verbs (base forms). After a plural noun ("neural networks learn") or an
 * auxiliary ("how does photosynthesis work") they end a topic phrase and become its action.
 */
export const COMMON_VERBS = set(`
  be have do make go get know think take see come want look use find give tell work call try
  ask need feel become leave put mean keep let begin seem help talk turn start show hear play
  run move live believe hold bring happen write provide sit stand lose pay meet include
  continue set learn change lead understand watch follow stop create speak read allow add
  spend grow open walk win offer remember love consider appear buy wait serve die send
  expect build stay fall cut reach remain suggest raise pass sell require report decide pull
  affect improve train predict produce reduce increase develop differ compare explain describe
  operate behave evolve adapt respond fly swim sleep eat drink purr bark spread cause fail
  matter survive interact communicate store recognize process form think
`);

/** Irregular past forms that should also end a topic phrase. */
export const IRREGULAR_PASTS = set(`
  made went got knew thought took saw came found gave told felt became left kept began
  seemed held brought wrote sat stood lost paid met led understood spoke read grew built
  fell cut won bought sent flew swam slept ate drank spread
`);
