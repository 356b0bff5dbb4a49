/**
 * The MailParser port on mailparser: headers, addresses, bodies and attachments decoded from any
 * charset Korean mail uses — UTF-8, EUC-KR/CP949 and `ks_c_5601-1987` (iconv-lite), ISO-2022-KR
 * (iso-2022-kr.ts, registered here) — and both transfer encodings; an HTML body converted to text
 * with html-to-text (no line wrapping, images and scripts left out, bounded in size and depth);
 * a delivery-status report read into its recipients and the returned mail's Message-ID.
 */
import { convert } from 'html-to-text';
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail as Parsed } from 'mailparser';
import type { DeliveryReport, DeliveryStatusRecipient, MailAddress, MailParser, ParsedMail } from '../../core/ports';
import { registerIso2022Kr } from './iso-2022-kr';

/** HTML longer than this is not converted (the raw message keeps it): a conversion must not stall a worker. */
const MAX_HTML_CHARS = 2_000_000;
const MAX_HTML_DEPTH = 200;

/** The HTML body as text: paragraphs and line breaks kept, links as `text [url]`, quotes as `> `. */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    limits: { maxInputLength: MAX_HTML_CHARS, maxDepth: MAX_HTML_DEPTH, maxChildNodes: 20_000 },
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'head', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['[', ']'] } },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => ({ selector: h, options: { uppercase: false } })),
      // Cells apart (`기관  부산광역시`), not glued together; a layout table reads as rows of text.
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 200 } },
    ],
  });
}

/** A header value with its folding undone. */
const unfold = (line: string) =>
  line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();

/** Every `<…>` token of a header value (Message-ID lists). */
const ids = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.match(/<[^<>\s]+>/g) ?? []);

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  const walk = (list: EmailAddress[]) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else if (a.address) out.push({ address: a.address, name: a.name ?? '' });
    }
  };
  for (const o of Array.isArray(value) ? value : value ? [value] : []) walk(o.value);
  return out;
}

/** The fields of a `message/delivery-status` body: the per-message block, then one block per recipient. */
function deliveryRecipients(body: string): DeliveryStatusRecipient[] {
  const blocks = body.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  const out: DeliveryStatusRecipient[] = [];
  for (const block of blocks) {
    const fields = new Map<string, string>();
    for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const action = fields.get('action');
    if (!action) continue;
    const typed = (v: string | undefined) => (v ? v.replace(/^[^;]*;\s*/, '').trim() || null : null);
    out.push({
      finalRecipient: typed(fields.get('final-recipient') ?? fields.get('original-recipient'))?.replace(/^<|>$/g, '') ?? null,
      action: action.toLowerCase().split(/\s/)[0]!,
      status: fields.get('status')?.split(/\s/)[0] ?? null,
      diagnostic: typed(fields.get('diagnostic-code')),
    });
  }
  return out;
}

/** The Message-ID in the header section of a returned message (or of its headers alone). */
function returnedMessageId(content: Buffer): string | null {
  const text = content.subarray(0, 256 * 1024).toString('utf8');
  const head = text.split(/\r?\n\r?\n/)[0] ?? '';
  return /^Message-ID:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\s]+>)/im.exec(head)?.[1] ?? null;
}

const REPORT_PARTS = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'text/rfc822-headers',
  'message/rfc822-headers',
]);

function deliveryReport(p: Parsed, contentType: string, reportType: string | null): DeliveryReport | null {
  const status = p.attachments.filter(
    (a) => a.contentType === 'message/delivery-status' || a.contentType === 'message/global-delivery-status',
  );
  if (!(contentType === 'multipart/report' && reportType === 'delivery-status') && status.length === 0) return null;
  const recipients = status.flatMap((a) => deliveryRecipients(a.content.toString('utf8')));
  const originals = p.attachments
    .filter((a) => ['text/rfc822-headers', 'message/rfc822', 'message/rfc822-headers', 'message/global'].includes(a.contentType))
    .map((a) => returnedMessageId(a.content))
    .filter((x): x is string => x !== null);
  return { recipients, originalMessageIds: [...new Set(originals)] };
}

/** Creates the parser; registers ISO-2022-KR with the shared iconv-lite first. */
export function createMailParser(): MailParser {
  if (!registerIso2022Kr()) throw new Error('ISO-2022-KR could not be registered with iconv-lite');
  return {
    async parse(raw: Buffer): Promise<ParsedMail> {
      const p = await simpleParser(raw, {
        keepDeliveryStatus: true,
        // Converted here, with our options (no wrapping at 80 columns).
        skipHtmlToText: true,
        skipTextToHtml: true,
        skipTextLinks: true,
        skipImageLinks: true,
      });
      const headers: Record<string, string[]> = {};
      for (const h of p.headerLines) (headers[h.key] ??= []).push(unfold(h.line));
      const ct = p.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
      const contentType = (ct?.value ?? 'text/plain').toLowerCase();
      const reportType = ct?.params?.['report-type']?.toLowerCase() ?? null;
      const html = typeof p.html === 'string' && p.html ? p.html : null;
      let htmlText: string | null = null;
      if (html && html.length <= MAX_HTML_CHARS) {
        try {
          htmlText = htmlToText(html);
        } catch {
          htmlText = null; // the raw message keeps it
        }
      }
      return {
        messageId: ids(p.messageId)[0] ?? null,
        inReplyTo: ids(p.inReplyTo),
        references: ids(p.references),
        from: addresses(p.from)[0] ?? null,
        to: addresses(p.to),
        cc: addresses(p.cc),
        subject: p.subject ?? '',
        date: p.date && !Number.isNaN(p.date.getTime()) ? p.date : null,
        text: p.text || null,
        htmlText,
        html,
        headers,
        contentType,
        reportType,
        deliveryReport: deliveryReport(p, contentType, reportType),
        attachments: p.attachments
          .filter((a) => !REPORT_PARTS.has(a.contentType))
          .map((a) => ({
            filename: a.filename ?? null,
            contentType: a.contentType.toLowerCase(),
            size: a.content.length,
            inline: Boolean(a.related) || (a.contentDisposition === 'inline' && Boolean(a.cid)),
            content: a.content,
          })),
      };
    },
  };
}
