/** Turns template blocks into the plain-text part, from the same source as the HTML part. */
import type { Block, MailContent } from './blocks';

// Display width of a heading underline: Hangul is double width in a monospaced reader.
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text)
    width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return width;
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'greeting':
    case 'paragraph':
      return block.text;
    case 'fields':
      return block.rows.map(([label, value]) => `${label}: ${value.replace(/\n/g, '\n  ')}`).join('\n');
    case 'link':
      return `${block.label}: ${block.href}`;
    case 'quote':
      return `${block.label}\n${block.text
        .split('\n')
        .map((line) => (line ? `> ${line}` : '>'))
        .join('\n')}`;
  }
}

/** The text part: the reply separator (when replies are read), brand line, blocks separated by blank lines, then the footer. */
export function toText(
  content: MailContent,
  brand: string,
  footer: string,
  reply: { separator: string | null } = { separator: null },
): string {
  const parts = [
    ...(reply.separator ? [reply.separator] : []),
    `${brand}\n${'='.repeat(Math.min(displayWidth(brand), 72))}`,
    ...content.blocks.map(blockText),
    `-- \n${footer}`,
  ];
  return `${parts.join('\n\n')}\n`;
}
