import type { Readable } from 'node:stream';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import type { Request } from 'express';
import { BadRequestError, UnsupportedMediaTypeError } from '../../core/errors';

/** One file part as it arrives: its field, the name and type the sender gave, its bytes. */
export interface FilePart {
  field: string;
  filename: string;
  mimeType: string;
  stream: Readable;
}

export interface MultipartOptions {
  /** Files taken at most; a further one calls `onExtraFile` and is discarded. */
  maxFiles: number;
  /** Bytes read of one file at most (the parser discards the rest); pass the limit + 1 so going over is seen. */
  maxFileBytes: number;
  onField?(name: string, value: string): void;
  /** Handles one file; its stream must be read to the end (or the handler must throw). */
  onFile(part: FilePart): Promise<void>;
  onExtraFile?(): void;
}

/** Whether a request's body is a multipart form. */
export const isMultipart = (req: Request) => Boolean(req.is('multipart/form-data'));

/**
 * Streams a `multipart/form-data` body through busboy: text fields to `onField` as they come,
 * each file to `onFile` one after the other, as it arrives (never buffered whole). Resolves once
 * the body is read and every file handled. The first failure (a handler's, a malformed body, a
 * client that went away) rejects at once, so the caller can answer while the rest of the body
 * is read and discarded: the connection stays usable and nothing more is stored.
 */
export function readMultipart(req: Request, o: MultipartOptions): Promise<void> {
  if (!isMultipart(req)) {
    return Promise.reject(new UnsupportedMediaTypeError('send the body as multipart/form-data (the file in the field `file`)'));
  }
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    let parsed = false;
    const active = new Set<BusboyFileStream>();
    // Files are handled one after the other, in the order of the form (a file waits, paused, for
    // the one before it to be stored), so what they become keeps that order.
    let handled: Promise<void> = Promise.resolve();
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      // Whatever still arrives is read and dropped; no handler sees it.
      for (const s of active) s.resume();
      reject(err);
    };
    let bb: ReturnType<typeof Busboy>;
    try {
      bb = Busboy({
        headers: req.headers as { 'content-type': string },
        defCharset: 'utf8',
        limits: { files: o.maxFiles, fileSize: o.maxFileBytes, fields: 100, fieldSize: 256 * 1024, parts: o.maxFiles + 100 },
      });
    } catch (err) {
      reject(new BadRequestError(`the multipart body cannot be read: ${(err as Error).message}`));
      return;
    }
    bb.on('field', (name, value) => {
      if (!failed) o.onField?.(name, value);
    });
    bb.on('file', (field, stream, filename, _encoding, mimeType) => {
      // A part cut short errors its stream; a discarded stream has no other listener.
      stream.on('error', () => undefined);
      if (failed) return void stream.resume();
      active.add(stream);
      stream.on('end', () => active.delete(stream));
      handled = handled.then(() =>
        (failed
          ? Promise.resolve(void stream.resume())
          : o.onFile({ field, filename: filename ?? '', mimeType: mimeType ?? '', stream })
        ).catch((err: unknown) => {
          stream.resume();
          fail(err);
        }),
      );
    });
    bb.on('filesLimit', () => o.onExtraFile?.());
    bb.on('error', (err: unknown) => fail(new BadRequestError(`the multipart body is malformed: ${(err as Error).message ?? err}`)));
    bb.on('finish', () => {
      parsed = true;
      handled.then(() => {
        if (!failed) resolve();
      }, fail);
    });
    // A client that goes away mid-body: the files being read fail (their upload is dropped).
    const gone = () => {
      if (parsed) return;
      const err = new BadRequestError('the request body ended early (the client went away)');
      for (const s of active) s.destroy(err);
      fail(err);
    };
    req.on('aborted', gone);
    req.on('error', gone);
    req.pipe(bb);
  });
}
