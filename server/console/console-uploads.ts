import type { NextFunction, Request, Response } from 'express';
import { MAX_FILES_PER_MESSAGE, sizeText } from '../../core/attachments/attachment-service';
import { DomainError } from '../../core/errors';
import type { Locale } from '../../core/model';
import { isMultipart, readMultipart } from '../attachments/multipart';
import { csrfProblem } from '../http/csrf';
import { viewerOf } from './console-context';
import type { ConsoleDeps } from './console-routes';
import { t } from './labels';

/** The console forms that take files (field `files`): the reply form and the inquiry form. */
const FILE_FORMS = [/^\/tickets\/new$/, /^\/tickets\/[^/]+\/messages$/];

/** What the files of a posted form became: the uploads stored (in order) and the first refusal. */
export interface FormUploads {
  stored: { id: number; filename: string }[];
  /** A message for the `files` field (in the viewer's language), or null. */
  error: string | null;
}

/** The uploads of this request's form (none for a form without files). */
export const formUploadsOf = (res: Response): FormUploads =>
  (res.locals.formUploads as FormUploads | undefined) ?? { stored: [], error: null };

/** The ids a re-shown form carries for files uploaded by an earlier, refused submit (`attachment_id`). */
export function keptUploadIds(req: Request): number[] {
  const v = (req.body as Record<string, unknown> | undefined)?.attachment_id;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string' && /^[1-9]\d{0,14}$/.test(x)).map(Number);
}

/** A refused upload in the console's words. */
function refusal(err: DomainError, name: string, locale: Locale, maxBytes: number): string {
  if (err.status === 413) return t(locale, 'errFileTooLarge', { name, max: sizeText(maxBytes) });
  if (err.status === 415) return t(locale, 'errFileType', { name, found: String(err.members?.found_type ?? '') });
  if (/empty/.test(err.message)) return t(locale, 'errFileEmpty', { name });
  return t(locale, 'errFileName', { name });
}

/**
 * Reads the console's `multipart/form-data` forms, which the URL-encoded parser leaves alone: the
 * text fields become `req.body` (so the CSRF check after this sees `_csrf`), and the files of the
 * two forms that take them are uploaded as they arrive — but only for a signed-in viewer whose
 * form has already proved itself by then (our forms put `_csrf` first, so it arrives before any
 * file), so a forged form never stores a byte. The CSRF middleware then judges the request as
 * any other; the page reads what became of the files with `formUploadsOf`.
 */
export function consoleMultipart(deps: ConsoleDeps) {
  const { attachments } = deps.services;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !isMultipart(req)) return next();
    const viewer = viewerOf(res);
    const locale = viewer?.user.locale ?? 'ko';
    const takesFiles = FILE_FORMS.some((re) => re.test(req.path));
    const fields: Record<string, string | string[]> = {};
    req.body = fields;
    const result: FormUploads = { stored: [], error: null };
    try {
      await readMultipart(req, {
        maxFiles: MAX_FILES_PER_MESSAGE,
        maxFileBytes: attachments.maxBytes + 1,
        onField(name, value) {
          const prior = fields[name];
          fields[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
        },
        onExtraFile() {
          result.error ??= t(locale, 'errTooManyFiles', { n: MAX_FILES_PER_MESSAGE });
        },
        async onFile(part) {
          const proven = viewer !== undefined && csrfProblem(req, viewer.csrfToken, deps.publicUrl) === null;
          // An empty file input still sends a part (no name, no bytes).
          if (!proven || !takesFiles || part.field !== 'files' || part.filename === '' || result.error !== null) {
            part.stream.resume();
            return;
          }
          try {
            const a = await attachments.upload(viewer.user, { filename: part.filename, declaredType: part.mimeType, content: part.stream });
            result.stored.push({ id: a.id, filename: a.filename });
          } catch (err) {
            if (!(err instanceof DomainError) || err.status >= 500) throw err;
            part.stream.resume();
            result.error = refusal(err, part.filename.normalize('NFC'), locale, attachments.maxBytes);
          }
        },
      });
    } catch (err) {
      return next(err);
    }
    res.locals.formUploads = result;
    next();
  };
}
