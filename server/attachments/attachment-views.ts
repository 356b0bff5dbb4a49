import { z } from 'zod';
import type { Attachment } from '../../core/model';

export const AttachmentSchema = z
  .object({
    id: z.number().int(),
    filename: z.string(),
    content_type: z.string().meta({ description: 'What the bytes were found to be; text types name the charset found' }),
    size: z.number().int().meta({ description: 'Bytes' }),
  })
  .meta({ id: 'Attachment' });

export const UploadSchema = AttachmentSchema.extend({
  sha256: z.string().meta({ description: 'SHA-256 of the bytes, lowercase hex' }),
}).meta({ id: 'Upload' });

/** An attachment as listed on a ticket or message; its file is at `GET /api/v1/attachments/:id`. */
export function attachmentView(a: Attachment): z.output<typeof AttachmentSchema> {
  return { id: a.id, filename: a.filename, content_type: a.contentType, size: a.size };
}

/** A fresh upload, with its hash (a client can check what arrived). */
export function uploadView(a: Attachment): z.output<typeof UploadSchema> {
  return { ...attachmentView(a), sha256: a.sha256 };
}
