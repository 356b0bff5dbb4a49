import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '../../core/ports';
import { DomainError, type FieldProblem } from '../../core/errors';

/** Writes an RFC 9457 problem-details response. */
export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail: string,
  errors?: FieldProblem[],
  headers?: Record<string, string>,
  members?: Record<string, unknown>,
) {
  if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `https://helpdesk.example/problems/${status}`,
        title,
        status,
        detail,
        ...members,
        ...(errors ? { errors } : {}),
        instance: res.req.originalUrl,
        request_id: res.getHeader('x-request-id'),
      }),
    );
}

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/**
 * The one place errors become HTTP: domain errors keep their status; body-parser failures map to
 * 400/413/415; anything else is a 500 without details (logged, never leaked).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof DomainError) return sendProblem(res, err.status, err.title, err.message, err.errors, err.headers, err.members);
    const e = err as HttpishError;
    if (e.type === 'entity.too.large') return sendProblem(res, 413, 'Payload Too Large', 'the request body is larger than the 1 MiB limit');
    if (e.type === 'entity.parse.failed') return sendProblem(res, 400, 'Bad Request', 'the request body is not valid JSON');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
      return sendProblem(res, 415, 'Unsupported Media Type', 'send the body as UTF-8 JSON');
    const status = e.status ?? e.statusCode;
    if (status && status >= 400 && status < 500 && e.expose) return sendProblem(res, status, 'Bad Request', String((err as Error).message));
    logger.error({ err, reqId: req.headers['x-request-id'] }, 'unhandled error');
    sendProblem(res, 500, 'Internal Server Error', 'something went wrong on our side; the request id identifies it in the logs');
  };
}
