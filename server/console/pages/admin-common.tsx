/** What the administration pages share: the role guard answering the 403 page, and form reading. */
import type { Request, Response } from 'express';
import type { Role } from '../../../core/model';
import { localeOf, requireViewer } from '../console-context';
import { sendPage } from '../render';
import { ForbiddenPage } from './error-pages';

/** The 403 page (`권한이 없습니다`) for a role below the page's. */
export const forbiddenPage = (_req: Request, res: Response) => sendPage(res, <ForbiddenPage locale={localeOf(res)} />, 403);

/** Signed out → sign in and come back; a role below `min` → the 403 page. */
export const requirePageRole = (min: Role) => requireViewer(min, forbiddenPage);

/** One posted form field as a string (the first, when a field is repeated; '' when absent). */
export function formField(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** A query parameter as a string ('' when absent or repeated). */
export function queryField(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v : '';
}

/** A positive integer id from the path, or null (then the path is not this page's). */
export function pathId(raw: unknown): number | null {
  return typeof raw === 'string' && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : null;
}
