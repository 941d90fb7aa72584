/**
 * The judge's reasoning and suggestions, read from the answer around its score (the format the
 * rubric prompt asks for, or a JSON object with `reasoning`/`suggestions`).
 */
import type { ParsedScore } from './parse-score.js';

export interface JudgeReply {
  /** The judge's reasoning without the score and the suggestions, trimmed. */
  reasoning: string;
  suggestions: string[];
}

/** Reasoning longer than this is cut: it is an explanation, not a transcript. */
const MAX_REASONING_CHARS = 1500;
const SUGGESTIONS_HEADER =
  /^[\s#>*_]*(?:suggestions?|improvements?|suggested improvements?)(?:\s+for\s+improvement)?[\s*_]*(?::(.*)|$)/i;
const BULLET = /^\s*(?:[-*•]|\d+[.)])\s+(.+)$/;
const REASONING_LABEL = /^[\s#>*_]*(?:reasoning|explanation|rationale|analysis)[\s*_]*:[\s*_]*/i;
const NOTHING =
  /^(?:none|n\/a|no suggestions?|nothing(?: to improve)?|no improvements? needed)\.?$/i;

export function readJudgeReply(text: string, parsed: ParsedScore, maxSuggestions = 2): JudgeReply {
  const fromJson = parsed.via === 'json' ? readJson(text) : undefined;
  if (fromJson) {
    return {
      reasoning: clip(fromJson.reasoning),
      suggestions: clean(fromJson.suggestions, maxSuggestions),
    };
  }
  const rest = text.slice(0, parsed.span[0]) + text.slice(parsed.span[1]);
  const { remaining, suggestions } = splitSuggestions(rest.split('\n'));
  const reasoning = remaining
    .join('\n')
    .replace(REASONING_LABEL, '')
    // What is left of `**Score:** 4/5` once the score is cut out.
    .replace(/^[\s*_#>`]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n');
  return { reasoning: clip(reasoning), suggestions: clean(suggestions, maxSuggestions) };
}

function splitSuggestions(lines: string[]): { remaining: string[]; suggestions: string[] } {
  const header = lines.findIndex((line) => SUGGESTIONS_HEADER.test(line));
  if (header < 0) return { remaining: lines, suggestions: [] };
  const inline = SUGGESTIONS_HEADER.exec(lines[header]!)?.[1]?.trim();
  const suggestions = inline ? [inline] : [];
  let end = header + 1;
  for (; end < lines.length; end += 1) {
    const line = lines[end]!;
    const bullet = BULLET.exec(line);
    if (bullet) suggestions.push(bullet[1]!);
    else if (line.trim() !== '' || suggestions.length > 0) break;
  }
  return { remaining: [...lines.slice(0, header), ...lines.slice(end)], suggestions };
}

function readJson(text: string): { reasoning: string; suggestions: string[] } | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const reasoning = [record.reasoning, record.explanation, record.rationale].find(
    (v): v is string => typeof v === 'string',
  );
  const raw = record.suggestions ?? record.improvements;
  const suggestions = Array.isArray(raw)
    ? raw.filter((s): s is string => typeof s === 'string')
    : typeof raw === 'string'
      ? [raw]
      : [];
  return { reasoning: reasoning ?? '', suggestions };
}

function clean(suggestions: string[], max: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const suggestion of suggestions) {
    const text = suggestion.replace(/\*\*|__/g, '').trim();
    // A judge echoing the template's placeholder ("<up to 2 …>") suggested nothing.
    if (!text || NOTHING.test(text) || /^<.*>$/.test(text)) continue;
    const key = text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(text);
    if (out.length >= max) break;
  }
  return out;
}

function clip(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_REASONING_CHARS
    ? `${trimmed.slice(0, MAX_REASONING_CHARS).trimEnd()}…`
    : trimmed;
}
