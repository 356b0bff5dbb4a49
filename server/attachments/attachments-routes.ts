import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { fieldError } from '../../core/errors';
import type { AttachmentService } from '../../core/attachments/attachment-service';
import { tooLarge } from '../../core/attachments/attachment-service';
import type { Attachment } from '../../core/model';
import type { BlobReader } from '../../core/ports';
import { route } from '../http/routes';
import { IdParam } from '../http/validate';
import { uploadView, UploadSchema } from './attachment-views';
import { contentDisposition } from './content-disposition';
import { readMultipart } from './multipart';

/** Multipart framing allowed beyond the file itself before a declared length is refused unread. */
const FRAMING_BYTES = 64 * 1024;

/**
 * Reads an upload request (one file, in the field `file`) and hands the file to `store` as it
 * arrives. A declared body over the limit is refused before a byte is read; a streamed one as soon
 * as it goes over.
 */
export async function receiveUpload(
  req: Request,
  maxBytes: number,
  store: (f: { filename: string; declaredType: string; content: AsyncIterable<Uint8Array> }) => Promise<Attachment>,
): Promise<Attachment> {
  const declared = Number(req.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > maxBytes + FRAMING_BYTES) throw tooLarge(maxBytes);
  let stored: Attachment | null = null;
  let extra = false;
  await readMultipart(req, {
    maxFiles: 1,
    maxFileBytes: maxBytes + 1,
    onExtraFile: () => {
      extra = true;
    },
    async onFile(part) {
      if (part.field !== 'file') throw fieldError('file', `send the file in the field "file" (not "${part.field.slice(0, 40)}")`);
      stored = await store({ filename: part.filename, declaredType: part.mimeType, content: part.stream });
    },
  });
  if (extra) throw fieldError('file', 'send one file per upload');
  if (!stored) throw fieldError('file', 'no file was sent: send it in the multipart field "file"');
  return stored;
}

/** Sends a stored file: as a download under its own name, never to be sniffed or rendered as a page. */
async function sendFile(req: Request, res: Response, a: Attachment, blob: BlobReader): Promise<void> {
  res.set({
    'Content-Type': a.contentType,
    'Content-Length': String(blob.size),
    'Content-Disposition': contentDisposition(a.filename, a.id),
    'X-Content-Type-Options': 'nosniff',
    // Opened in a tab by mistake, it still runs nothing.
    'Content-Security-Policy': "default-src 'none'; sandbox",
    // Private to the reader; the bytes of an id never change, so a cached copy is checked by its hash.
    'Cache-Control': 'private, no-cache',
    ETag: `"${a.sha256}"`,
  });
  if (req.fresh) {
    blob.close();
    res.status(304).end();
    return;
  }
  if (req.method === 'HEAD') {
    blob.close();
    res.status(200).end();
    return;
  }
  res.status(200);
  try {
    await pipeline(blob.stream, res);
  } catch (err) {
    // A reader that went away is not an error of ours.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

/** `POST /api/v1/uploads` and `GET /api/v1/attachments/:id`. */
export function attachmentRoutes(attachments: AttachmentService) {
  return [
    route({
      method: 'post',
      path: '/api/v1/uploads',
      operationId: 'uploadFile',
      summary: 'Upload one file (multipart, field `file`) for a ticket or message to claim within 24 hours',
      access: 'user',
      success: 201,
      writeQuota: true,
      multipart: {
        file: {
          description:
            'The file (at most ATTACHMENT_MAX_BYTES, default 25 MiB): PDF, HWP, HWPX, Office (binary, OOXML, OpenDocument), images, text, CSV or ZIP — its type is found from its bytes',
          binary: true,
          required: true,
        },
      },
      response: UploadSchema,
      handler: async ({ req, res, user }) => {
        const a = await receiveUpload(req, attachments.maxBytes, (f) => attachments.upload(user, f));
        res.location(`/api/v1/attachments/${a.id}`);
        return uploadView(a);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/attachments/:id',
      operationId: 'downloadAttachment',
      summary: 'The file of an attachment (Content-Disposition: attachment), for whoever may see its message',
      access: 'user',
      success: 200,
      params: z.object({ id: IdParam }),
      mediaTypes: ['application/octet-stream'],
      handler: async ({ req, res, user, params }) => {
        const { attachment, blob } = await attachments.open(user, params.id);
        await sendFile(req, res, attachment, blob);
      },
    }),
  ];
}
