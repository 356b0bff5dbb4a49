import { z } from 'zod';
import type { SlaAdminService, PolicyInput } from '../../core/sla/sla-admin-service';
import { route } from '../http/routes';
import { IdParam } from '../http/validate';
import { pageView } from '../http/pages';
import {
  CalendarPage,
  CalendarSchema,
  CalendarYear,
  ChangedCalendar,
  ChangedPolicy,
  DeadlineSchema,
  EscalationPage,
  EscalationSchema,
  HolidayChange,
  PolicyPage,
  PolicySchema,
  calendarView,
  calendarYearView,
  changedCalendarView,
  changedPolicyView,
  deadlineView,
  escalationView,
  holidayChangeView,
  policyView,
} from './sla-views';
import {
  AcknowledgeEscalation,
  CalendarQuery,
  CreateCalendar,
  CreatePolicy,
  DeadlineQuery,
  EscalationQuery,
  HolidayBody,
  PatchCalendar,
  PatchPolicy,
} from './sla-schemas';

const IdParams = z.object({ id: IdParam });
const CalendarParams = z.object({ id: z.string().min(1).max(80) });

type PolicyBody = Partial<z.output<typeof PatchPolicy>>;
/** API field names → the domain's policy fields (only those present); the console's policy form uses it too. */
export function toPolicyInput(b: PolicyBody): Partial<PolicyInput> {
  const out: Partial<PolicyInput> = {};
  if (b.name !== undefined) out.name = b.name;
  if (b.match !== undefined) out.match = { category: b.match.category ?? null, priority: b.match.priority ?? null };
  if (b.resolution_target !== undefined) out.resolutionTarget = b.resolution_target;
  if (b.first_response_target !== undefined) out.firstResponseTarget = b.first_response_target;
  if (b.clock !== undefined) out.clock = b.clock;
  if (b.calendar_id !== undefined) out.calendarId = b.calendar_id;
  if (b.pause_on_pending !== undefined) out.pauseOnPending = b.pause_on_pending;
  if (b.warnings !== undefined) out.warnings = b.warnings;
  if (b.escalations !== undefined) out.escalations = b.escalations;
  if (b.is_default !== undefined) out.isDefault = b.is_default;
  return out;
}

/** A validated `POST /api/v1/sla-policies` body as a whole new policy (what it leaves out, the defaults). */
export function newPolicyInput(body: z.output<typeof CreatePolicy>): PolicyInput {
  return {
    name: body.name,
    match: { category: null, priority: null },
    resolutionTarget: body.resolution_target,
    firstResponseTarget: null,
    clock: body.clock,
    calendarId: null,
    pauseOnPending: body.pause_on_pending,
    warnings: body.warnings,
    escalations: body.escalations,
    isDefault: false,
    ...toPolicyInput(body),
  };
}

/** SLA policies, calendars, holidays, deadlines and escalations. */
export function slaRoutes(admin: SlaAdminService) {
  return [
    route({
      method: 'get',
      path: '/api/v1/sla-policies',
      operationId: 'listSlaPolicies',
      summary: 'List SLA policies',
      access: 'agent',
      success: 200,
      response: PolicyPage,
      handler: async () => pageView(await admin.listPolicies(), policyView),
    }),
    route({
      method: 'post',
      path: '/api/v1/sla-policies',
      operationId: 'createSlaPolicy',
      summary: 'Create an SLA policy',
      access: 'supervisor',
      success: 201,
      body: CreatePolicy,
      response: PolicySchema,
      handler: async ({ body, res }) => {
        const p = await admin.createPolicy(newPolicyInput(body));
        res.location(`/api/v1/sla-policies/${p.id}`);
        return policyView(p);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/sla-policies/:id',
      operationId: 'getSlaPolicy',
      summary: 'One SLA policy',
      access: 'agent',
      success: 200,
      params: IdParams,
      response: PolicySchema,
      handler: async ({ params }) => policyView(await admin.getPolicy(params.id)),
    }),
    route({
      method: 'patch',
      path: '/api/v1/sla-policies/:id',
      operationId: 'updateSlaPolicy',
      summary: 'Change a policy; every open ticket under it is recomputed',
      access: 'supervisor',
      success: 200,
      params: IdParams,
      body: PatchPolicy,
      response: ChangedPolicy,
      handler: async ({ user, params, body }) => changedPolicyView(await admin.updatePolicy(user, params.id, toPolicyInput(body))),
    }),
    route({
      method: 'get',
      path: '/api/v1/calendars',
      operationId: 'listCalendars',
      summary: 'List calendars',
      access: 'agent',
      success: 200,
      response: CalendarPage,
      handler: async () => pageView(await admin.listCalendars(), calendarView),
    }),
    route({
      method: 'post',
      path: '/api/v1/calendars',
      operationId: 'createCalendar',
      summary: 'Create a business calendar',
      access: 'supervisor',
      success: 201,
      body: CreateCalendar,
      response: CalendarSchema,
      handler: async ({ body, res }) => {
        const c = await admin.createCalendar({
          key: body.key,
          name: body.name,
          timezone: body.timezone,
          hours: body.hours,
          holidaySets: body.holiday_sets,
          holidays: body.holidays,
        });
        res.location(`/api/v1/calendars/${c.id}`);
        return calendarView(c);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/calendars/:id',
      operationId: 'getCalendar',
      summary: 'One calendar (id or key) with its built-in holidays of a year',
      access: 'agent',
      success: 200,
      params: CalendarParams,
      query: CalendarQuery,
      response: CalendarYear,
      handler: async ({ params, query }) => calendarYearView(await admin.getCalendar(params.id, query.year)),
    }),
    route({
      method: 'patch',
      path: '/api/v1/calendars/:id',
      operationId: 'updateCalendar',
      summary: 'Change a calendar; open tickets on it are recomputed',
      access: 'supervisor',
      success: 200,
      params: CalendarParams,
      body: PatchCalendar,
      response: ChangedCalendar,
      handler: async ({ user, params, body }) =>
        changedCalendarView(
          await admin.updateCalendar(user, params.id, {
            name: body.name,
            timezone: body.timezone,
            hours: body.hours,
            holidaySets: body.holiday_sets,
          }),
        ),
    }),
    route({
      method: 'post',
      path: '/api/v1/calendars/:id/holidays',
      operationId: 'addCalendarHoliday',
      summary: 'Add a holiday; open deadlines move before the response',
      access: 'supervisor',
      success: 201,
      params: CalendarParams,
      body: HolidayBody,
      response: HolidayChange,
      handler: async ({ user, params, body }) => holidayChangeView(await admin.addHoliday(user, params.id, body)),
    }),
    route({
      method: 'delete',
      path: '/api/v1/calendars/:id/holidays/:date',
      operationId: 'removeCalendarHoliday',
      summary: 'Remove a holiday; open deadlines move before the response',
      access: 'supervisor',
      success: 200,
      params: z.object({ id: z.string().min(1).max(80), date: z.iso.date({ message: 'must be a date YYYY-MM-DD' }) }),
      response: HolidayChange,
      handler: async ({ user, params }) => holidayChangeView(await admin.removeHoliday(user, params.id, params.date)),
    }),
    route({
      method: 'get',
      path: '/api/v1/calendars/:id/deadline',
      operationId: 'calendarDeadline',
      summary: 'Deadline of a duration on a calendar',
      access: 'user',
      success: 200,
      params: CalendarParams,
      query: DeadlineQuery,
      response: DeadlineSchema,
      handler: async ({ params, query }) => deadlineView(await admin.deadline(params.id, query.start, query.duration)),
    }),
    route({
      method: 'get',
      path: '/api/v1/deadline',
      operationId: 'wallClockDeadline',
      summary: 'Deadline of a duration on the wall clock',
      access: 'user',
      success: 200,
      query: DeadlineQuery,
      response: DeadlineSchema,
      handler: async ({ query }) => deadlineView(await admin.deadline(null, query.start, query.duration)),
    }),
    route({
      method: 'get',
      path: '/api/v1/escalations',
      operationId: 'listEscalations',
      summary: 'Escalations, open or acknowledged',
      access: 'supervisor',
      success: 200,
      query: EscalationQuery,
      response: EscalationPage,
      handler: async ({ query }) =>
        pageView(await admin.escalations(query.state, { limit: query.limit, cursor: query.cursor }), escalationView),
    }),
    route({
      method: 'post',
      path: '/api/v1/escalations/:id/acknowledge',
      operationId: 'acknowledgeEscalation',
      summary: 'Acknowledge an escalation',
      access: 'supervisor',
      success: 200,
      params: IdParams,
      body: AcknowledgeEscalation,
      bodyOptional: true,
      response: EscalationSchema,
      handler: async ({ user, params, body }) => escalationView(await admin.acknowledge(user, params.id, body.note)),
    }),
  ];
}
