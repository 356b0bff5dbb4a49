/** Every template in every language; the mapped type makes a missing language a compile error. */
import type { MailTemplate } from './blocks';
import type { MailLocale, TemplateName } from './types';
import { en as deadlineChangedEn } from './deadline-changed/en';
import { ko as deadlineChangedKo } from './deadline-changed/ko';
import { en as holidayDataExpiringEn } from './holiday-data-expiring/en';
import { ko as holidayDataExpiringKo } from './holiday-data-expiring/ko';
import { en as officerRepliedEn } from './officer-replied/en';
import { ko as officerRepliedKo } from './officer-replied/ko';
import { en as signInCodeEn } from './sign-in-code/en';
import { ko as signInCodeKo } from './sign-in-code/ko';
import { en as slaBreachedEn } from './sla-breached/en';
import { ko as slaBreachedKo } from './sla-breached/ko';
import { en as slaEscalationEn } from './sla-escalation/en';
import { ko as slaEscalationKo } from './sla-escalation/ko';
import { en as slaWarningEn } from './sla-warning/en';
import { ko as slaWarningKo } from './sla-warning/ko';
import { en as standardAlertEn } from './standard-alert/en';
import { ko as standardAlertKo } from './standard-alert/ko';
import { en as ticketReceivedEn } from './ticket-received/en';
import { ko as ticketReceivedKo } from './ticket-received/ko';
import { en as ticketRepliedEn } from './ticket-replied/en';
import { ko as ticketRepliedKo } from './ticket-replied/ko';
import { en as ticketResolvedEn } from './ticket-resolved/en';
import { ko as ticketResolvedKo } from './ticket-resolved/ko';
import { en as userInvitedEn } from './user-invited/en';
import { ko as userInvitedKo } from './user-invited/ko';

/** Template name → language → template function. */
export const TEMPLATES: { readonly [T in TemplateName]: Readonly<Record<MailLocale, MailTemplate<T>>> } = {
  'ticket-received': { ko: ticketReceivedKo, en: ticketReceivedEn },
  'ticket-replied': { ko: ticketRepliedKo, en: ticketRepliedEn },
  'ticket-resolved': { ko: ticketResolvedKo, en: ticketResolvedEn },
  'officer-replied': { ko: officerRepliedKo, en: officerRepliedEn },
  'deadline-changed': { ko: deadlineChangedKo, en: deadlineChangedEn },
  'sla-warning': { ko: slaWarningKo, en: slaWarningEn },
  'sla-breached': { ko: slaBreachedKo, en: slaBreachedEn },
  'sla-escalation': { ko: slaEscalationKo, en: slaEscalationEn },
  'standard-alert': { ko: standardAlertKo, en: standardAlertEn },
  'holiday-data-expiring': { ko: holidayDataExpiringKo, en: holidayDataExpiringEn },
  'sign-in-code': { ko: signInCodeKo, en: signInCodeEn },
  'user-invited': { ko: userInvitedKo, en: userInvitedEn },
};

// Facts about the templates that the send rule needs too live in core/mail, beside the data types.
export { isPersonalMessage, isTemplateName, TEMPLATE_NAMES, THREAD_ROOT_TEMPLATE } from '../core/mail/template-data';
