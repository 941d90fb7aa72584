/**
 * The prose view of a response: what the language measures read. LLM answers are often
 * Markdown; code blocks are not sentences and "**" is not a word, so both are set aside here
 * (the structure counts keep them), and list items are marked with "•" so that the analysis
 * knows a line was a list item rather than a broken-off sentence.
 */

export interface Structure {
  paragraphs: number;
  listItems: number;
  headings: number;
  codeBlocks: number;
  inlineCode: number;
}

/** The list-item marker left in the prose view (wink tokenises it as its own symbol). */
export const LIST_MARK = '•';

export function structureOf(text: string): Structure {
  const count = (re: RegExp): number => text.match(re)?.length ?? 0;
  return {
    paragraphs: text.split(/\n\s*\n/).filter((p) => p.trim()).length,
    listItems: count(/^\s*(?:[-*•+]|\d{1,2}[.)])\s+\S/gm),
    headings: count(/^#{1,6}\s+\S/gm),
    codeBlocks: Math.floor(count(/^\s*```/gm) / 2),
    // `code` spans; "`` quoted ''" (Penn Treebank quotes) has spaces inside, so it does not count.
    inlineCode: count(/`[^`\s][^`\n]*`/g),
  };
}

/** Words used in code blocks and inline code, split at camelCase and snake_case, lowercase. */
export function codeWords(text: string): string[] {
  const code = [
    ...text.matchAll(/^\s*```[^\n]*\n([\s\S]*?)^\s*```\s*$/gm),
    ...text.matchAll(/`([^`\s][^`\n]*)`/g),
  ]
    .map((m) => m[1]!)
    .join(' ');
  return code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 1);
}

export function proseView(text: string): string {
  return (
    text
      // Fenced code: not prose. A paragraph break keeps the sentences around it apart.
      .replace(/^\s*```[^\n]*\n[\s\S]*?^\s*```\s*$/gm, '\n\n')
      .replace(/`([^`\s][^`\n]*)`/g, '$1')
      .replace(/^#{1,6}\s+/gm, '')
      .replace(/^\s*(?:[-*+•]|\d{1,2}[.)])\s+/gm, `${LIST_MARK} `)
      .replace(/\*\*|__/g, '')
      .replace(/(^|[\s(])[*_](\S(?:[^*_\n]*\S)?)[*_](?=[\s.,;:!?)]|$)/gm, '$1$2')
  );
}
