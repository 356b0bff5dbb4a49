import { MAX_FILES_PER_MESSAGE, sizeText } from '../../../core/attachments/attachment-service';
import { ACCEPT_ATTRIBUTE } from '../../../core/attachments/file-kinds';
import type { Locale } from '../../../core/model';
import { t } from '../labels';

/** A file already uploaded by an earlier submit of the same form, sent again with it. */
export interface KeptFile {
  id: number;
  filename: string;
}

/**
 * The `첨부 파일` field of the reply and inquiry forms (`files`, several at once): what is accepted
 * and how much, the files a refused submit already uploaded (kept as `attachment_id`, so they need
 * not be chosen again), and the reason a file was refused. The form must be
 * `enctype="multipart/form-data"` with its `_csrf` field before this one.
 */
export function FileField(props: { id: string; locale: Locale; maxBytes: number; kept?: KeptFile[]; error?: string }) {
  const { id, locale, kept = [], error } = props;
  const hint = `${id}-hint`;
  return (
    <div class="field file-field">
      <label for={id}>{t(locale, 'attachFiles')}</label>
      <span class="hint" id={hint}>
        {t(locale, 'attachFilesHint', { n: MAX_FILES_PER_MESSAGE, max: sizeText(props.maxBytes) })}
      </span>
      {kept.length > 0 && (
        <div class="kept-files">
          <p class="hint">{t(locale, 'attachedKept')}</p>
          <ul>
            {kept.map((f) => (
              <li>
                <input type="hidden" name="attachment_id" value={String(f.id)} />
                {f.filename}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input
        type="file"
        id={id}
        name="files"
        multiple
        accept={ACCEPT_ATTRIBUTE}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error ${hint}` : hint}
      />
    </div>
  );
}
