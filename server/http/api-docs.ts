import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { type Express } from 'express';

/**
 * The rendered API reference: Swagger UI from the installed swagger-ui-dist package (no CDN).
 * The page carries no inline script, so helmet's strict Content-Security-Policy stays as it is:
 * a small script of our own, served next to the bundle, points Swagger UI at the document.
 */
export const DOCS_PATH = '/api/v1/docs';

const INIT_JS = `window.addEventListener('load', function () {
  // No validator badge: it would send the document to an outside service (and the CSP forbids it).
  window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });
});
`;

/** The page's HTML: the stylesheet, the bundle and the init script, all from this server. */
export function docsPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Procurement-inquiry helpdesk API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;
}

/** Serves the reference's assets under DOCS_PATH (the page itself is a route of the table). */
export function mountDocsAssets(app: Express) {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  app.get(`${DOCS_PATH}/init.js`, (_req, res) => {
    res.type('text/javascript').setHeader('Cache-Control', 'no-cache');
    res.send(INIT_JS);
  });
  app.use(DOCS_PATH, express.static(dist, { index: false, redirect: false, maxAge: '1h' }));
}
