import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import express, { type Express, type Response } from 'express';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** A file inside an installed package (served from node_modules: no CDN, the pinned version). */
const packageFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const asset = (body: Buffer | string, type: string): Asset => {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return { body: buf, type, etag: `"${createHash('sha256').update(buf).digest('base64url').slice(0, 22)}"` };
};

/** The console's own module: client/*.ts bundled once at start (no build step for the user). */
function bundleClient(): string {
  const out = buildSync({
    entryPoints: [join(here, 'client', 'main.ts')],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    write: false,
    legalComments: 'none',
  });
  return out.outputFiles[0]!.text;
}

/** Every static file of the console, read into memory at start. */
export function loadAssets(): Map<string, Asset> {
  const fonts = ['Regular', 'Medium', 'Bold'].map(
    (w) =>
      [
        `/assets/krds/PretendardGOV-${w}.subset.woff2`,
        asset(readFileSync(packageFile('krds-uiux', `resources/fonts/PretendardGOV-${w}.subset.woff2`)), 'font/woff2'),
      ] as const,
  );
  return new Map<string, Asset>([
    ['/assets/htmx.min.js', asset(readFileSync(packageFile('htmx.org', 'dist/htmx.min.js')), 'text/javascript; charset=utf-8')],
    [
      '/assets/krds/krds_tokens.css',
      asset(readFileSync(packageFile('krds-uiux', 'resources/css/token/krds_tokens.css')), 'text/css; charset=utf-8'),
    ],
    ...fonts,
    ['/assets/console.css', asset(readFileSync(join(here, 'assets', 'console.css')), 'text/css; charset=utf-8')],
    ['/assets/console.js', asset(bundleClient(), 'text/javascript; charset=utf-8')],
  ]);
}

/** Serves the assets with an ETag; the browser revalidates (a 304 costs one small request). */
export function mountAssets(app: Express, assets = loadAssets()): void {
  const router = express.Router();
  router.get('/assets/*path', (req, res: Response, next) => {
    const a = assets.get(req.path);
    if (!a) return next();
    res.set({ 'Content-Type': a.type, ETag: a.etag, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    if (req.get('if-none-match') === a.etag) return res.status(304).end();
    res.send(a.body);
  });
  app.use(router);
}
