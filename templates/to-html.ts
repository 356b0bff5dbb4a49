/** Turns template blocks into the HTML part: one table layout with inline styles, every value escaped. */
import type { Block, MailContent } from './blocks';
import { escapeHtml } from './escape';
import type { MailLocale } from './types';

const FONT = "'Apple SD Gothic Neo','Malgun Gothic','맑은 고딕',Arial,Helvetica,sans-serif";
const BRAND_COLOUR = '#1f4e8c';

/** Escaped text with its line breaks kept as `<br>`. */
function multiline(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>\n');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'greeting':
      return `<p style="margin:0 0 16px;">${escapeHtml(block.text)}</p>`;
    case 'paragraph': {
      const colour = block.tone === 'alert' ? '#b42318' : '#1b1f24';
      const weight = block.tone === 'alert' ? 'bold' : 'normal';
      return `<p style="margin:0 0 16px;color:${colour};font-weight:${weight};">${multiline(block.text)}</p>`;
    }
    case 'fields': {
      const trs = block.rows
        .map(
          ([label, value]) =>
            `<tr><th align="left" valign="top" style="padding:6px 12px 6px 0;color:#4b5563;font-weight:normal;white-space:nowrap;">${escapeHtml(label)}</th>` +
            `<td valign="top" style="padding:6px 0;color:#1b1f24;font-weight:bold;">${multiline(value)}</td></tr>`,
        )
        .join('\n');
      return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 20px;border-collapse:collapse;font-size:15px;">\n${trs}\n</table>`;
    }
    case 'link': {
      const style = block.primary
        ? `display:inline-block;padding:10px 20px;background:${BRAND_COLOUR};color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;`
        : `color:${BRAND_COLOUR};font-weight:bold;`;
      return `<p style="margin:0 0 16px;"><a href="${escapeHtml(block.href)}" style="${style}">${escapeHtml(block.label)}</a></p>`;
    }
    case 'quote':
      return (
        `<p style="margin:0 0 6px;color:#4b5563;">${escapeHtml(block.label)}</p>` +
        `<blockquote style="margin:0 0 20px;padding:12px 16px;border-left:4px solid #c7d2e0;background:#f6f8fb;color:#1b1f24;">${multiline(block.text)}</blockquote>`
      );
  }
}

/**
 * A complete HTML document for the mail. `reply.separator` (replies are read) opens the body, so a
 * reply written above it is told from the quote below; `reply.marker` is hidden right after it,
 * where a quote that clients shorten still keeps it.
 */
export function toHtml(
  content: MailContent,
  locale: MailLocale,
  brand: string,
  footer: string,
  reply: { separator: string | null; marker: string | null } = { separator: null, marker: null },
): string {
  const hidden = 'display:none;max-height:0;overflow:hidden;mso-hide:all;';
  const preheader =
    (content.preheader ? `<div style="${hidden}">${escapeHtml(content.preheader)}</div>\n` : '') +
    (reply.separator
      ? `<div style="padding:8px 12px 0;font-family:${FONT};font-size:12px;color:#9ca3af;text-align:center;">${escapeHtml(reply.separator)}</div>\n`
      : '') +
    (reply.marker
      ? `<div style="${hidden}font-size:1px;line-height:1px;color:#f4f5f7;" aria-hidden="true">${escapeHtml(reply.marker)}</div>\n`
      : '');
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
${preheader}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;background:#ffffff;border:1px solid #dde1e6;border-radius:6px;font-family:${FONT};">
<tr><td style="padding:18px 28px;border-bottom:3px solid ${BRAND_COLOUR};font-size:14px;font-weight:bold;color:${BRAND_COLOUR};">${escapeHtml(brand)}</td></tr>
<tr><td style="padding:24px 28px 8px;font-size:15px;line-height:1.6;color:#1b1f24;">
${content.blocks.map(blockHtml).join('\n')}
</td></tr>
<tr><td style="padding:14px 28px;border-top:1px solid #eef0f3;font-size:12px;line-height:1.5;color:#6b7280;">${escapeHtml(footer)}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
