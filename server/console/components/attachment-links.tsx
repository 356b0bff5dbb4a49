import type { Attachment, Locale } from '../../../core/model';
import { t } from '../labels';

/** `1.2 MB`, `340 KB`, `12 bytes` (decimal units, as file managers show sizes to people). */
export function humanSize(bytes: number, locale: Locale): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1000) return `${Math.round(bytes / 1000)} KB`;
  return locale === 'ko' ? `${bytes}바이트` : `${bytes} bytes`;
}

/**
 * A message's files as download links (`GET /api/v1/attachments/:id`, which answers with
 * `Content-Disposition: attachment` for whoever may see the message; the session cookie signs the
 * request in). Nothing when there are none.
 */
export function AttachmentLinks(props: { attachments: Attachment[]; locale: Locale }) {
  const { attachments, locale } = props;
  if (attachments.length === 0) return null;
  return (
    <ul class="attachments" aria-label={t(locale, 'attachmentsLabel')}>
      {attachments.map((a) => (
        <li>
          <a
            href={`/api/v1/attachments/${a.id}`}
            download={a.filename}
            aria-label={t(locale, 'attachmentDownload', { name: a.filename, size: humanSize(a.size, locale) })}
          >
            {a.filename}
          </a>{' '}
          <span class="muted">({humanSize(a.size, locale)})</span>
        </li>
      ))}
    </ul>
  );
}
