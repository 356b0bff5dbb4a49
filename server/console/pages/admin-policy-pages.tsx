/**
 * `/admin/policies` (supervisors and admins; agents get the 403 page): the SLA policies, a form to
 * create one (`/admin/policies/new`) and one to edit each (`/admin/policies/:id`). A posted form
 * becomes the API's request body (admin-policy-form.ts), is validated by the API's schema
 * (`CreatePolicy`, `PatchPolicy`) and saved by the same service as `POST/PATCH
 * /api/v1/sla-policies`; a save answers 303 back to the form with how many open inquiries were
 * recalculated. An edit sends only the fields that changed, and is refused when someone else saved
 * the policy after the form was drawn, so an old form never undoes another person's change.
 */
import type { Request, Response } from 'express';
import { ConflictError, ValidationError } from '../../../core/errors';
import type { SlaPolicy, User } from '../../../core/model';
import { newPolicyInput, toPolicyInput } from '../../sla/sla-routes';
import { CreatePolicy, PatchPolicy } from '../../sla/sla-schemas';
import type { FieldErrors } from '../components/admin-fields';
import { viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { CATEGORY_LABELS, t } from '../labels';
import { sendPage } from '../render';
import { pathId, queryField, requirePageRole } from './admin-common';
import {
  applyRowOp,
  changedFields,
  formOf,
  NEW_POLICY,
  type PolicyBody,
  type PolicyFormValues,
  policyBody,
  problemField,
  readPolicyForm,
} from './admin-policy-form';
import { PoliciesPage, type PolicyDone, PolicyFormPage, type PolicyFormProps } from './admin-policy-views';

type FormState = Omit<PolicyFormProps, 'viewer' | 'calendars' | 'categories'>;

export const adminPolicyPages: ConsolePages = (router, deps) => {
  const { slaAdmin, tickets } = deps.services;
  const supervisor = requirePageRole('supervisor');

  const form = async (res: Response, viewer: User, state: FormState, status = 200) => {
    const [calendars, policies, intake] = await Promise.all([slaAdmin.listCalendars(), slaAdmin.listPolicies(), tickets.intake()]);
    // The console's named categories, then any other a policy or a ticket form uses.
    const categories = [
      ...new Set([
        ...Object.keys(CATEGORY_LABELS.ko),
        ...intake.categories,
        ...policies.items.flatMap((p) => (p.match.category ? [p.match.category] : [])),
      ]),
    ];
    sendPage(res, <PolicyFormPage viewer={viewer} calendars={calendars.items} categories={categories} {...state} />, status);
  };

  /** Problems the schema or the service found, beside their fields. */
  const problems = (viewer: User, rows: PolicyBody, list: { path: string; message: string }[]): FieldErrors => {
    const errors: FieldErrors = {};
    for (const p of list) {
      const [id, message] = problemField(p.path, p.message, { locale: viewer.locale, rows, body: rows.body });
      errors[id] ??= message;
    }
    return errors;
  };

  router.get('/admin/policies', supervisor, async (_req: Request, res: Response) => {
    const viewer = viewerOf(res)!.user;
    const [policies, calendars] = await Promise.all([slaAdmin.listPolicies(), slaAdmin.listCalendars()]);
    sendPage(res, <PoliciesPage viewer={viewer} policies={policies.items} calendars={calendars.items} />);
  });

  router.get('/admin/policies/new', supervisor, async (_req: Request, res: Response) => {
    await form(res, viewerOf(res)!.user, { values: NEW_POLICY, errors: {} });
  });

  router.post('/admin/policies/new', supervisor, async (req: Request, res: Response) => {
    const viewer = viewerOf(res)!.user;
    const { values, op } = readPolicyForm(req.body as Record<string, unknown>);
    if (op.kind !== 'save') return form(res, viewer, { values: applyRowOp(values, op), errors: {} });
    const rows = policyBody(values, viewer.locale);
    if (Object.keys(rows.errors).length) return form(res, viewer, { values, errors: rows.errors }, 422);
    const parsed = CreatePolicy.safeParse(rows.body);
    if (!parsed.success) {
      const list = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      return form(res, viewer, { values, errors: problems(viewer, rows, list) }, 422);
    }
    try {
      const created = await slaAdmin.createPolicy(newPolicyInput(parsed.data));
      res.redirect(303, `/admin/policies/${created.id}?done=created`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await form(res, viewer, { values, errors: problems(viewer, rows, err.errors ?? []) }, 422);
    }
  });

  /** The policy of the path's id; another path goes on (to the 404 page). */
  function policyPage(work: (req: Request, res: Response, viewer: User, policy: SlaPolicy) => Promise<void>) {
    return async (req: Request, res: Response, next: () => void) => {
      const id = pathId(req.params.id);
      if (id === null) return next();
      await work(req, res, viewerOf(res)!.user, await slaAdmin.getPolicy(id));
    };
  }

  router.get(
    '/admin/policies/:id',
    supervisor,
    policyPage(async (req, res, viewer, policy) => {
      const done = queryField(req, 'done');
      const n = queryField(req, 'recalculated');
      const state: PolicyDone | undefined =
        done === 'created'
          ? { kind: 'created' }
          : done === 'saved' && /^\d{1,9}$/.test(n)
            ? { kind: 'saved', recalculated: Number(n) }
            : undefined;
      await form(res, viewer, { policy, values: formOf(policy), errors: {}, done: state });
    }),
  );

  router.post(
    '/admin/policies/:id',
    supervisor,
    policyPage(async (req, res, viewer, policy) => {
      const { values, op } = readPolicyForm(req.body as Record<string, unknown>);
      if (op.kind !== 'save') return form(res, viewer, { policy, values: applyRowOp(values, op), errors: {} });
      const version = String(policy.updatedAt.getTime());
      if (values.version !== version) {
        // Saved by someone else since this form was drawn: show what was typed, now against the new version.
        const again: PolicyFormValues = { ...values, version };
        return form(res, viewer, { policy, values: again, errors: {}, changedElsewhere: true }, 409);
      }
      const rows = policyBody(values, viewer.locale, policy);
      if (Object.keys(rows.errors).length) return form(res, viewer, { policy, values, errors: rows.errors }, 422);
      const changed = changedFields(rows.body, policy);
      const parsed = PatchPolicy.safeParse(changed);
      if (!parsed.success) {
        const list = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        return form(res, viewer, { policy, values, errors: problems(viewer, rows, list) }, 422);
      }
      try {
        const input = toPolicyInput(parsed.data);
        const saved = Object.keys(input).length ? await slaAdmin.updatePolicy(viewer, policy.id, input) : { recalculatedTickets: 0 };
        res.redirect(303, `/admin/policies/${policy.id}?done=saved&recalculated=${saved.recalculatedTickets}`);
      } catch (err) {
        if (err instanceof ConflictError)
          return form(res, viewer, { policy, values, errors: { is_default: t(viewer.locale, 'errDefaultKeep') } }, 409);
        if (!(err instanceof ValidationError)) throw err;
        await form(res, viewer, { policy, values, errors: problems(viewer, rows, err.errors ?? []) }, 422);
      }
    }),
  );
};
