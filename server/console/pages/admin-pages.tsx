/**
 * The administration pages: `/admin` leads to the first one the viewer's role may open (users for
 * admins, SLA policies for supervisors; others get the 403 page), then the users' and the
 * policies' pages. Calendars, the outbox and the queue dashboard are their own page groups.
 */
import type { Request, Response } from 'express';
import { adminHome } from '../components/admin-nav';
import { viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { forbiddenPage, requirePageRole } from './admin-common';
import { adminPolicyPages } from './admin-policy-pages';
import { adminUserPages } from './admin-user-pages';

export const adminPages: ConsolePages = (router, deps) => {
  router.get('/admin', requirePageRole('supervisor'), (req: Request, res: Response) => {
    const home = adminHome(viewerOf(res)!.user.role);
    if (!home) return forbiddenPage(req, res);
    res.redirect(303, home);
  });
  adminUserPages(router, deps);
  adminPolicyPages(router, deps);
};
