/**
 * Writes the OpenAPI document from the route table to a file (argument) or stdout, for the linter.
 * Builds the table alone: nothing is connected, so services are never called.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppDeps } from '../app';
import { apiRoutes } from '../app';

// Any service, clock or logger: reading a member gives another stand-in, calling one throws.
const unused: unknown = new Proxy(() => undefined, {
  get: (_t, key) => (key === 'then' ? undefined : unused),
  apply: () => {
    throw new Error('the route table was asked to serve a request while only being documented');
  },
});
const routes = apiRoutes({
  services: unused,
  clock: unused,
  logger: unused,
  readiness: unused,
  outbox: unused,
  authFailureLimit: 0,
} as unknown as AppDeps);
const docRoute = routes.find((r) => r.path === '/api/v1/openapi.json')!;
const doc = `${JSON.stringify(await docRoute.handler({} as never), null, 2)}\n`;
const out = process.argv[2];
if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, doc);
} else {
  process.stdout.write(doc);
}
