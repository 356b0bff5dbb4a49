import { z } from 'zod';
import type { RouteDef } from './routes';

type Json = Record<string, unknown>;

/** Named schemas (zod `.meta({ id })`) lifted out of every route into `components.schemas`. */
class SchemaBook {
  readonly named: Record<string, unknown> = {};

  /** A zod schema as JSON Schema; `io` picks the request (input) or response (output) side. */
  of(s: z.ZodType, io: 'input' | 'output'): Json {
    const js = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    delete js.$schema;
    const defs = (js.$defs ?? {}) as Record<string, unknown>;
    delete js.$defs;
    // Local `$defs` become document-wide components, so a shared shape (a ticket, a user) is written once.
    const relink = <T>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
    for (const [name, def] of Object.entries(defs)) this.named[name] ??= relink(def);
    return relink(js);
  }
}

/** The tag of a route: its first path segment after the version (`/api/v1/tickets/:id` → tickets). */
function tagOf(path: string): string {
  const m = /^\/api\/v1\/([^/]+)/.exec(path);
  if (!m) return 'health';
  const seg = m[1]!;
  if (seg === 'me') return 'users';
  if (seg === 'openapi.json' || seg === 'docs') return 'reference';
  if (seg === 'sla-policies' || seg === 'calendars' || seg === 'deadline' || seg === 'escalations') return 'sla';
  return seg;
}

const TAG_TEXT: Record<string, string> = {
  health: 'Liveness and readiness probes',
  users: 'Users, roles and API tokens',
  'access-log': 'Refused requests, for admins',
  tickets: 'Inquiries, their conversation, audit trail and rating',
  sla: 'SLA policies, business calendars, deadlines and escalations',
  standards: 'Service standards and their records',
  reports: 'SLA reports',
  outbox: 'The mail outbox, for admins',
  uploads: 'Files to attach to an inquiry or message',
  attachments: 'Files attached to inquiries and messages',
  reference: 'This document',
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The problem responses a route can give, from what it declares (auth, inputs, quota). */
function problemResponses(r: RouteDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.body || r.multipart || r.headers) out['400'] = { $ref: '#/components/responses/BadRequest' };
  if (r.access !== 'public') out['401'] = { $ref: '#/components/responses/Unauthorized' };
  if (r.access !== 'public' && r.access !== 'user') out['403'] = { $ref: '#/components/responses/Forbidden' };
  if (r.params) out['404'] = { $ref: '#/components/responses/NotFound' };
  if (r.method !== 'get') out['409'] = { $ref: '#/components/responses/Conflict' };
  if (r.body || r.multipart) out['415'] = { $ref: '#/components/responses/UnsupportedMediaType' };
  if (r.multipart) out['413'] = { $ref: '#/components/responses/PayloadTooLarge' };
  // Every route refuses control characters in its path and query string, so any may answer 422.
  out['422'] = { $ref: '#/components/responses/Unprocessable' };
  if (r.access !== 'public') out['429'] = { $ref: '#/components/responses/TooManyRequests' };
  return out;
}

/** A multipart request body from a route's declared parts (files as binary strings). */
function multipartBody(parts: NonNullable<RouteDef['multipart']>) {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, p] of Object.entries(parts)) {
    properties[name] = p.binary
      ? { type: 'string', contentMediaType: 'application/octet-stream', description: p.description }
      : { type: 'string', description: p.description };
    if (p.required) required.push(name);
  }
  return { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties, required } } } };
}

/** The OpenAPI 3.1 document, generated from the route table and its zod schemas. */
export function openApiDocument(routes: RouteDef[], version: string, opts: { serverUrl?: string } = {}) {
  const book = new SchemaBook();
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = book.of(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        const { description, ...rest } = s;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          ...(description ? { description } : {}),
          schema: rest,
        });
      }
    }
    for (const [name, h] of Object.entries(r.headers ?? {})) {
      parameters.push({ name, in: 'header', required: h.required ?? false, description: h.description, schema: h.schema });
    }
    const content: Record<string, unknown> = {};
    if (r.response) content['application/json'] = { schema: book.of(r.response, 'output') };
    for (const t of r.mediaTypes ?? []) content[t] = { schema: { type: 'string' } };
    const responses: Record<string, unknown> = {
      [String(r.success)]: {
        description: r.success === 204 ? 'done; no body' : 'success',
        ...(Object.keys(content).length ? { content } : {}),
      },
    };
    for (const [status, a] of Object.entries(r.alsoAnswers ?? {})) {
      responses[status] = {
        description: a.description,
        ...(a.schema ? { content: { 'application/json': { schema: book.of(a.schema, 'output') } } } : {}),
      };
    }
    Object.assign(responses, problemResponses(r));
    responses.default = { $ref: '#/components/responses/Problem' };
    const tag = tagOf(r.path);
    tags.add(tag);
    const op: Record<string, unknown> = {
      ...(r.operationId ? { operationId: r.operationId } : {}),
      summary: r.summary,
      tags: [tag],
      'x-access': r.access,
      ...(parameters.length ? { parameters } : {}),
      responses,
      // Public routes opt out of the document-wide bearer requirement.
      security: r.access === 'public' ? [] : [{ bearer: [] }],
    };
    if (r.body) op.requestBody = { required: !r.bodyOptional, content: { 'application/json': { schema: book.of(r.body, 'input') } } };
    if (r.multipart) op.requestBody = multipartBody(r.multipart);
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Procurement-inquiry helpdesk API',
      version,
      description: 'Inquiries answered within their SLA deadline (HTTP contract v1). Errors are RFC 9457 problem details.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: opts.serverUrl ?? '/', description: opts.serverUrl ? 'this deployment' : 'the host serving this document' }],
    security: [{ bearer: [] }],
    tags: [...tags].map((name) => ({ name, description: TAG_TEXT[name] ?? name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token issued to a user (POST /api/v1/users or its token route)' },
      },
      responses: {
        BadRequest: problem('the request is malformed (e.g. not JSON, a bad header)'),
        Unauthorized: problem('no valid bearer token'),
        Forbidden: problem("the caller's role may not do this"),
        NotFound: problem('no such resource (or one the caller may not see)'),
        Conflict: problem("the change conflicts with the resource's state"),
        UnsupportedMediaType: problem('the body is not JSON (or, for an upload, not multipart), or the file is of a type not accepted'),
        PayloadTooLarge: problem('the file is larger than ATTACHMENT_MAX_BYTES; `max_bytes` names the limit'),
        Unprocessable: problem('a field is not valid; `errors` names each'),
        TooManyRequests: problem('too many failed authentications or writes; retry after the Retry-After header'),
        Problem: problem('problem details (RFC 9457)'),
      },
      schemas: {
        ...book.named,
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            request_id: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message'],
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
