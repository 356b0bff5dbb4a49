import type { Response } from 'express';
import { h, type VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { ViewerContext, viewerOf } from './console-context';

/** Renders a page (a `<Layout>` tree) for this response's viewer and sends it as HTML. */
export function sendPage(res: Response, page: VNode, status = 200): void {
  const html = renderToString(h(ViewerContext.Provider, { value: viewerOf(res) }, page));
  res.status(status).type('html').set('Cache-Control', 'no-store').send(`<!doctype html>${html}`);
}

/** Renders a fragment (an htmx swap target) without the frame. */
export function sendFragment(res: Response, fragment: VNode, status = 200): void {
  const html = renderToString(h(ViewerContext.Provider, { value: viewerOf(res) }, fragment));
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
}
