/**
 * Property tests of the heuristic scorers: pairs of texts written to differ in one quality,
 * checked for the order of their scores (never for frozen numbers).
 */
import { describe, expect, it } from 'vitest';
import { HeuristicEngine } from '../../src/quality/heuristic-engine.js';
import type { Dimension, ScoringInput } from '../../src/quality/types.js';

const engine = new HeuristicEngine();
const score = (input: ScoringInput, dimension: Dimension): number =>
  engine.scoreSync(input, { dimensions: [dimension] }).dimensions[dimension]!.score;

const HASH_PROMPT = 'Explain how a hash table works and why lookups are usually fast.';

const STRUCTURED_ANSWER = `A hash table stores values in an array of buckets. To find a value, it runs the key through a hash function, which turns the key into a bucket number. Because that calculation takes the same time whatever the size of the table, a lookup is fast. Sometimes two keys land in the same bucket; the table then keeps a short list there and checks each entry. However, if the buckets fill up, those lists grow, so the table doubles its size and spreads the entries out again.`;

describe('coherence', () => {
  it('when the answer is word salad, then it scores lower coherence than a structured answer', () => {
    const salad = `Bucket purple hash quickly the because banana seventeen table. Of running the and blue key jumps very green. Collision elephant under seven the of happily. Array cloud yesterday sing modulo the but.`;
    expect(score({ content: salad, prompt: HASH_PROMPT }, 'coherence')).toBeLessThan(
      score({ content: STRUCTURED_ANSWER, prompt: HASH_PROMPT }, 'coherence') - 20,
    );
  });

  it('when sentences restate each other, then coherence is lower and the restatement is quoted', () => {
    const restating = `Hash tables store values in buckets chosen by a hash function. A hash function chooses the bucket where hash tables store values. Lookups are fast because computing the hash takes constant time. Hash tables store values in buckets chosen by the hash function.`;
    const result = engine.scoreSync({ content: restating, prompt: HASH_PROMPT }).dimensions
      .coherence!;
    expect(result.score).toBeLessThan(
      score({ content: STRUCTURED_ANSWER, prompt: HASH_PROMPT }, 'coherence'),
    );
    expect(result.explanation).toMatch(
      /"Hash tables store values in buckets chosen by the hash function\."/,
    );
  });
});

describe('relevance', () => {
  it('when the answer is about something else, then relevance is lower and the missed terms are named', () => {
    const offTopic = `The French Revolution began in 1789 when the Estates-General met at Versailles. Economic hardship and new ideas fuelled demands for reform, and the storming of the Bastille became its symbol. Within a few years the monarchy had fallen.`;
    const off = engine.scoreSync({ content: offTopic, prompt: HASH_PROMPT }).dimensions.relevance!;
    expect(off.score).toBeLessThan(
      score({ content: STRUCTURED_ANSWER, prompt: HASH_PROMPT }, 'relevance') - 30,
    );
    expect(off.explanation).toContain('"hash"');
    expect(off.explanation).toContain('"table"');
  });
});

describe('completeness', () => {
  const finished = STRUCTURED_ANSWER;
  const cut = `A hash table stores values in an array of buckets. To find a value, it runs the key through a hash function, which turns the key into a bucket number. Because that calculation takes the same time whatever the size of the table, a lookup is fast. Sometimes two keys land in the same bucket; the table then keeps a short list there and`;

  it('when the answer is cut mid-sentence at the token limit, then completeness is lower', () => {
    const truncated = engine.scoreSync({
      content: cut,
      prompt: HASH_PROMPT,
      finishReason: 'length',
    }).dimensions.completeness!;
    expect(truncated.score).toBeLessThan(
      score({ content: finished, prompt: HASH_PROMPT, finishReason: 'stop' }, 'completeness') - 20,
    );
    expect(truncated.explanation).toContain('finish reason "length"');
    expect(truncated.explanation).toContain('the table then keeps a short list there and');
  });

  it('when a prompt asks two questions and only one is answered, then the other is named', () => {
    const prompt = 'What is photosynthesis? And why do leaves change colour in autumn?';
    const half = `Photosynthesis is the process by which plants use sunlight, water and carbon dioxide to make sugar and release oxygen. It happens in the chloroplasts, where chlorophyll captures the light energy.`;
    const both = `${half} In autumn, leaves change colour because trees stop making chlorophyll as the days shorten, so the green fades and the yellow and orange pigments underneath show through.`;
    const partial = engine.scoreSync({ content: half, prompt }).dimensions.completeness!;
    expect(partial.score).toBeLessThan(score({ content: both, prompt }, 'completeness'));
    expect(partial.explanation).toMatch(/leaves|autumn|colour/);
  });
});

describe('creativity and engagement', () => {
  const prompt = 'Write a short story about a lighthouse keeper who finds a message in a bottle.';
  const repetitive = `The lighthouse keeper found a bottle. The lighthouse keeper found a message in the bottle. The lighthouse keeper read the message in the bottle. The lighthouse keeper was happy. The lighthouse keeper found a bottle and the lighthouse keeper read the message. The lighthouse keeper was very happy.`;
  const varied = `Old Tomas had kept the lamp of Gull Rock burning for thirty winters. One grey morning a green bottle knocked against the rocks like a patient visitor. Inside, on paper soft as cloth, someone had written: "If you find this, tell the sea I am not afraid." Tomas read it twice. Who sends courage out on the tide? That night he left the lamp burning brighter than ever, as if the answer might travel back along the beam.`;

  it('when the story keeps repeating itself, then creativity is lower and the repeated phrase is quoted', () => {
    const rep = engine.scoreSync({ content: repetitive, prompt }).dimensions.creativity!;
    expect(rep.score).toBeLessThan(score({ content: varied, prompt }, 'creativity') - 20);
    expect(rep.explanation).toContain('"the lighthouse keeper"');
  });

  it('when the story keeps repeating itself, then engagement is lower too', () => {
    expect(score({ content: repetitive, prompt }, 'engagement')).toBeLessThan(
      score({ content: varied, prompt }, 'engagement') - 20,
    );
  });
});

describe('intelligibility', () => {
  it('when rare words come as noise (non-words, doubled words), then creativity is not rewarded', () => {
    const prompt = 'Write a short story about a robot who learns to paint.';
    const noise = `robot Many paint / wallpaper detail wombat pickle loplofen the of blitheronk canvas holds it / together and tumbled most onkplogu, brush brush framework wizards strengthens lampshade onklo fenixzi tumbled a single goal. The gargoyle robot lingered tralo to, quakaonk, and that link changes changes lollipop doorknob part part in.`;
    const story = `Unit 7 had been built to weld car doors, so the first brushstroke it made was a perfect, joyless line. The old janitor laughed and handed it a chipped mug of water. "Paint what you hear," she said. That night Unit 7 listened to the rain on the factory roof and covered the canvas in soft grey dots, each one a drop it had counted. In the morning the janitor stood in front of it for a long time without speaking.`;
    expect(score({ content: noise, prompt }, 'creativity')).toBeLessThan(
      score({ content: story, prompt }, 'creativity') - 20,
    );
    const coherence = engine.scoreSync({ content: noise, prompt }).dimensions.coherence!;
    expect(coherence.score).toBeLessThan(score({ content: story, prompt }, 'coherence') - 30);
    expect(coherence.explanation).toMatch(
      /loplofen|blitheronk|onkplogu|brush brush|changes changes/,
    );
  });
});

describe('no false alarms on ordinary formats', () => {
  it('when an answer ends on a list item or an email ends on a signature, then it is not called unfinished', () => {
    const list = engine.scoreSync({
      prompt: 'List three ways to save water at home.',
      content: `Here are three easy ways:\n\n- Take shorter showers\n- Fix leaking taps\n- Run the dishwasher only when it is full`,
    }).dimensions.completeness!;
    const email = engine.scoreSync({
      prompt: 'Write a short email asking my manager for Friday off.',
      content: `Hi Sam,\n\nWould it be possible for me to take this Friday off? My tasks for the week will be finished by Thursday, and Priya has agreed to cover any urgent requests.\n\nThanks,\nAlex`,
    }).dimensions.completeness!;
    for (const result of [list, email]) {
      expect(result.explanation).not.toMatch(/breaks off|does not finish/);
    }
  });

  it('when a question about a passage gets a short precise answer, then the rest of the passage is not demanded', () => {
    const prompt = `Answer the question using the passage below.

The Great Barrier Reef is the world's largest coral reef system, composed of over 2,900 individual reefs and 900 islands stretching for over 2,300 kilometres. It is located in the Coral Sea, off the coast of Queensland, Australia. The reef can be seen from outer space and is the world's biggest single structure made by living organisms. It was selected as a World Heritage Site in 1981. Climate change, pollution and crown-of-thorns starfish are among the main threats to its health.

Question: What are the main threats to the reef?`;
    const answer =
      'The main threats to the reef are climate change, pollution and crown-of-thorns starfish.';
    const report = engine.scoreSync({ content: answer, prompt });
    expect(report.dimensions.completeness!.score).toBeGreaterThanOrEqual(75);
    expect(report.dimensions.relevance!.score).toBeGreaterThanOrEqual(75);
    expect(report.dimensions.factual_accuracy!.score).toBeGreaterThanOrEqual(75);
  });
});

describe('technical depth', () => {
  it('when a dense technical explanation is compared with small talk, then it has more depth', () => {
    const technical = `TCP guarantees ordered delivery because every segment carries a 32-bit sequence number and the receiver acknowledges the highest contiguous byte it has received. If an acknowledgement does not arrive within the retransmission timeout (RTO), which is derived from the smoothed round-trip time, the sender retransmits the segment. Congestion control is defined as the set of algorithms that adapt the sending rate: the congestion window doubles every RTT during slow start, whereas after a loss it is halved, so throughput converges to the available bandwidth. For example, on a 100 ms path with 1% loss, throughput is bounded at roughly 1.2 MSS/(RTT·√p) ≈ 1.7 Mbit/s for a 1460-byte MSS.`;
    const smallTalk = `Oh, networks are fun! I was chatting with a friend about the internet the other day and we both thought it is pretty amazing how it all just works. Anyway, I hope your week is going well and that the weather is nice where you are.`;
    const prompt = 'How does TCP make delivery reliable?';
    expect(score({ content: technical, prompt }, 'technical_depth')).toBeGreaterThan(
      score({ content: smallTalk, prompt }, 'technical_depth') + 25,
    );
  });
});

describe('factual accuracy', () => {
  it('when an answer hedges and contradicts itself, then it scores lower and the clash is quoted', () => {
    const prompt = 'When was the Eiffel Tower completed, and who designed it?';
    const confident = `The Eiffel Tower was completed in 1889 for the World's Fair in Paris. It was designed by the engineering firm of Gustave Eiffel, with Maurice Koechlin and Émile Nouguier drawing the first plans.`;
    const shaky = `I think the Eiffel Tower was maybe completed in 1889, but I'm not sure. It was probably designed by Gustave Eiffel. The Eiffel Tower was completed in 1925. Actually, the tower was not designed by Gustave Eiffel, perhaps.`;
    const result = engine.scoreSync({ content: shaky, prompt }).dimensions.factual_accuracy!;
    expect(result.score).toBeLessThan(
      score({ content: confident, prompt }, 'factual_accuracy') - 20,
    );
    expect(result.explanation).toMatch(/contradict|different numbers/);
    expect(result.explanation).toContain('1925');
    expect(result.explanation).toMatch(/approximation/i);
  });

  it('when a summary names people and numbers the article never mentions, then it is less accurate', () => {
    const article = `Summarize the following article.

The city council of Brookfield voted on Tuesday to build a new public library on the site of the old bus depot. The project will cost 12 million dollars and is expected to open in 2027. Mayor Linda Osei said the library would include a maker space, study rooms and a children's wing. Some residents objected to the loss of parking near the depot, but the council approved the plan by seven votes to two. Construction is due to begin next spring, once the depot has been cleared.`;
    const faithful = `Brookfield's city council voted seven to two to build a new public library on the old bus depot site. The 12 million dollar project, backed by Mayor Linda Osei, should open in 2027 despite objections about lost parking.`;
    const invented = `Brookfield's council, led by Governor James Whitfield, voted unanimously to build a 45 million dollar stadium. The project will open in 2031 and includes a casino.`;
    const bad = engine.scoreSync({ content: invented, prompt: article }).dimensions
      .factual_accuracy!;
    expect(bad.score).toBeLessThan(
      score({ content: faithful, prompt: article }, 'factual_accuracy') - 20,
    );
    expect(bad.explanation).toMatch(/whitfield|45|2031/i);
  });
});

describe('readability', () => {
  it('when sentences run very long, then readability is lower and the longest is quoted', () => {
    const short = `Regular exercise helps the heart. It lowers blood pressure and improves sleep. Even a short daily walk makes a difference. Start small and build up slowly.`;
    const long = `Regular exercise, which for most adults can be as simple as a brisk daily walk of the kind that many people already take without thinking of it as exercise at all, helps the heart in a number of ways that researchers have documented over several decades of careful observational and experimental work, including by lowering blood pressure, improving the quality of sleep and reducing the stiffness of the arteries that carry blood around the body, which is why doctors so often recommend it to patients of every age and background.`;
    const result = engine.scoreSync({ content: long }).dimensions.readability!;
    expect(result.score).toBeLessThan(score({ content: short }, 'readability') - 20);
    expect(result.explanation).toContain('"Regular exercise, which for most adults');
    expect(result.suggestions.join(' ')).toMatch(/Split/);
  });
});
