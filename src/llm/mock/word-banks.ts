/**
 * The mock's English vocabulary, written for this project. Every bank is ordered from the most
 * generic, "safe" entry to the most distinctive one: the sampler treats position as likelihood,
 * so low temperature and low top_p keep to the first few entries and repeat them, while higher
 * temperature reaches further down each list.
 */

/** Splits a whitespace-separated word list; `_` joins multi-word entries ("depend_on"). */
function words(list: string): readonly string[] {
  return list
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/_/g, ' '));
}

/** Splits a `|`-separated phrase list. */
function phrases(list: string): readonly string[] {
  return list
    .split('|')
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter((p) => p.length > 0);
}

export const ADJECTIVES = words(`
  important key basic simple clear useful central common practical essential main careful
  steady gradual reliable helpful natural familiar flexible powerful subtle surprising hidden
  elegant layered intricate deliberate measurable nuanced robust delicate dynamic thoughtful
  overlooked lasting modest patient broad fragile curious unexpected
`);

export const PRECISE_ADJECTIVES = words(`
  specific systematic explicit measurable formal quantitative iterative incremental
  deterministic empirical statistical structural functional modular consistent rigorous
  well-defined bounded parametric causal reproducible scalable discrete continuous conditional
  asymptotic marginal orthogonal heuristic canonical
`);

export const VIVID_ADJECTIVES = words(`
  bright quiet vivid restless luminous golden tangled shimmering weathered fragile hushed
  fierce tender wild silver ancient gentle stubborn glowing hollow velvet crimson brittle
  drifting humming radiant wistful thunderous shadowed sunlit salt-worn lantern-lit
`);

export const NOUNS = words(`
  idea part process step result pattern factor detail principle structure mechanism signal
  context outcome foundation assumption approach method question goal change relationship
  trade-off limit example layer stage element system effect purpose choice habit rhythm
  framework perspective tension constraint boundary
`);

export const PRECISE_NOUNS = words(`
  parameter variable metric input output function component threshold iteration baseline
  dependency interface gradient error estimate model sample distribution state sequence
  weight rule update invariant specification benchmark tolerance
`);

export const CONCRETE_NOUNS = words(`
  door window road river lantern bridge garden map clock letter harbor hill field kitchen
  station candle stone forest boat shore tower key notebook staircase orchard lighthouse
  market attic meadow compass ladder chimney cliff
`);

export const VERBS = words(`
  shape change support improve connect build guide explain reveal adjust refine combine
  balance strengthen simplify organize test compare measure track reinforce stabilize
  transform limit extend clarify encourage depend_on rely_on lead_to highlight structure
  protect
`);

export const PRECISE_VERBS = words(`
  define compute optimize constrain propagate quantify calibrate aggregate validate
  minimize approximate estimate normalize decompose evaluate parameterize converge_on
  update iterate_over sample_from
`);

export const FREQUENCY_ADVERBS = words(`
  often usually typically generally largely mostly frequently sometimes rarely regularly
`);

export const MANNER_ADVERBS = words(`
  carefully steadily clearly gradually slowly quickly consistently reliably smoothly
  precisely gently efficiently deliberately quietly patiently
`);

export const ADDITIVE_CONNECTIVES = phrases(`
  In addition | Also | Moreover | Beyond that | Alongside this | Furthermore | What is more |
  Equally important | On top of that
`);

export const CONTRAST_CONNECTIVES = phrases(`
  However | Even so | On the other hand | At the same time | Still | That said | Yet |
  In contrast | Then again
`);

export const EXAMPLE_CONNECTIVES = phrases(`
  For example | For instance | To illustrate | In practice | As an example | Concretely
`);

export const RESULT_CONNECTIVES = phrases(`
  Therefore | As a result | Because of this | For this reason | Consequently | Thus | In turn
`);

export const TIME_CONNECTIVES = phrases(`
  Later | After a while | By evening | That night | The next day | Soon | Before long |
  Some time later | By the end of the week
`);

export const NAMES = words(`
  Mara Elias Ines Tomas June Arlo Nadia Felix Rosa Theo Lena Owen Iris Milo Clara Jonah
`);

/** Past-tense verbs that need no object or direction ("Ines waited"). */
export const PAST_VERBS = words(`
  waited listened paused wondered watched whispered lingered smiled hesitated sighed laughed
  remembered stayed
`);

/** Past-tense verbs of movement, for "toward"/"through" frames. */
export const MOTION_VERBS = words(`
  walked hurried wandered turned climbed returned drifted headed ran
`);

/** Things a character can carry. */
export const CARRIED_OBJECTS = words(`
  lantern letter key notebook compass map candle stone photograph shell ticket
`);

export const STORY_VERBS = words(`
  hold keep carry hide remember echo guard promise
`);

export const SPEECH_VERBS = words(`
  said whispered admitted murmured replied called_out
`);

export const PLACES = phrases(`
  the harbor | the old library | a narrow street | the edge of the forest | the top of the hill |
  the kitchen table | the train station | the empty market | the quiet attic | the orchard |
  the lighthouse | the riverbank | the workshop | the village square | the last bus stop
`);

export const TIMES = phrases(`
  One autumn evening | The next morning | Long after midnight | Before the rain began |
  At first light | That winter | Every Sunday | Years later | In the quiet hour before dawn |
  By the time the lamps were lit
`);

export const SIMILES = phrases(`
  like a river finding its way to the sea | like light through a half-open door |
  like a clock that never quite stops | like a map drawn in pencil | like a song half remembered |
  like frost on a window | like a bridge built one plank at a time | like seeds waiting for rain |
  like a lantern in the fog | like a story told around a fire | like the tide, patient and certain |
  like a key turning in an old lock | like threads woven into cloth | like footsteps in fresh snow |
  like a compass needle settling north | like bread rising in a warm kitchen |
  like a choir finding the same note | like sparks climbing from a bonfire
`);

export const METAPHORS = phrases(`
  a garden that needs tending | a conversation that never quite ends | a map that redraws itself |
  an orchestra tuning before the concert | a river carving its own path |
  a house built room by room | a city that grows one street at a time | a puzzle with moving pieces |
  a recipe refined over generations | a lighthouse for anyone lost in the details
`);

/** Section headings for structured (mock-precise) output, one bank per section role. */
export const HEADINGS = {
  overview: phrases(`Overview | Background | Introduction | Context | Scope`),
  details: phrases(`Key points | How it works | Core mechanisms | Main factors | Structure`),
  caveats: phrases(`Limitations | Caveats | Trade-offs | Edge cases | Open questions`),
  summary: phrases(`Summary | Conclusion | Key takeaways | Bottom line | Next steps`),
} as const;

/** Every named bank, so templates can refer to them by slot name and tests can list them. */
export const CORE_BANKS: Record<string, readonly string[]> = {
  ADJECTIVES,
  PRECISE_ADJECTIVES,
  VIVID_ADJECTIVES,
  NOUNS,
  PRECISE_NOUNS,
  CONCRETE_NOUNS,
  VERBS,
  PRECISE_VERBS,
  FREQUENCY_ADVERBS,
  MANNER_ADVERBS,
  ADDITIVE_CONNECTIVES,
  CONTRAST_CONNECTIVES,
  EXAMPLE_CONNECTIVES,
  RESULT_CONNECTIVES,
  TIME_CONNECTIVES,
  NAMES,
  PAST_VERBS,
  MOTION_VERBS,
  CARRIED_OBJECTS,
  STORY_VERBS,
  SPEECH_VERBS,
  PLACES,
  TIMES,
  SIMILES,
  METAPHORS,
  ...HEADINGS,
};
