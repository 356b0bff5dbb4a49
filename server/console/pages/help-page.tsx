/**
 * `/help` (every signed-in role): a short page per role — what each of its pages does, what the
 * deadline colours mean, how the two clocks count, the keyboard shortcuts, and whom to contact.
 */
import type { Request, Response } from 'express';
import { atLeast, type Locale, type Role, type User } from '../../../core/model';
import { requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { type LabelKey, ROLE_LABELS, t } from '../labels';
import { Layout } from '../layout';
import { sendPage } from '../render';

/** A page of the console as the help lists it: for a role and above (`max`: and below). */
interface HelpEntry {
  href: string;
  name: LabelKey;
  what: LabelKey;
  min: Role;
  max?: Role;
}

const PAGES: HelpEntry[] = [
  { href: '/tickets', name: 'navMyTickets', what: 'helpMyTickets', min: 'officer', max: 'officer' },
  { href: '/tickets/new', name: 'navNewTicket', what: 'helpNewTicket', min: 'officer', max: 'officer' },
  { href: '/board', name: 'navBoard', what: 'helpBoard', min: 'supervisor' },
  { href: '/tickets', name: 'navQueue', what: 'helpQueue', min: 'agent' },
  { href: '/tickets/new', name: 'navNewTicket', what: 'helpNewTicketStaff', min: 'agent' },
  { href: '/escalations', name: 'navEscalations', what: 'helpEscalations', min: 'supervisor' },
  { href: '/reports', name: 'navReports', what: 'helpReports', min: 'supervisor' },
  { href: '/standards', name: 'navStandards', what: 'helpStandards', min: 'agent' },
  { href: '/admin/users', name: 'adminUsers', what: 'helpUsers', min: 'admin' },
  { href: '/admin/policies', name: 'adminPolicies', what: 'helpPolicies', min: 'supervisor' },
  { href: '/admin/calendars', name: 'adminCalendars', what: 'helpCalendars', min: 'supervisor' },
  { href: '/admin/outbox', name: 'adminOutbox', what: 'helpOutbox', min: 'admin' },
  { href: '/admin/queues', name: 'adminQueues', what: 'helpQueues', min: 'admin' },
];

const INTRO: Record<Role, LabelKey> = {
  officer: 'helpIntroOfficer',
  agent: 'helpIntroAgent',
  supervisor: 'helpIntroSupervisor',
  admin: 'helpIntroAdmin',
};

/** The deadline tones (client/countdown.ts), each with a sample badge in its colour. */
const TONES: { tone: string; sample: (l: Locale) => string; what: LabelKey }[] = [
  { tone: 'ok', sample: (l) => (l === 'ko' ? '20시간 5분 남음' : '20 h 5 min left'), what: 'helpToneOk' },
  { tone: 'warn', sample: (l) => (l === 'ko' ? '1시간 40분 남음' : '1 h 40 min left'), what: 'helpToneWarn' },
  { tone: 'danger', sample: (l) => (l === 'ko' ? '25분 남음' : '25 min left'), what: 'helpToneDanger' },
  { tone: 'paused', sample: (l) => `⏸ ${t(l, 'paused')}`, what: 'helpTonePaused' },
  { tone: 'breached', sample: (l) => (l === 'ko' ? '35분 초과' : '35 min overdue'), what: 'helpToneBreached' },
];

/** The single-key shortcuts of client/shortcuts.ts (the same on every role's pages). */
const SHORTCUTS: { key: string; what: LabelKey }[] = [
  { key: 'j', what: 'shortcutsNext' },
  { key: 'k', what: 'shortcutsPrev' },
  { key: 'Enter', what: 'shortcutsOpen' },
  { key: 'r', what: 'shortcutsReply' },
  { key: 'n', what: 'shortcutsNew' },
  { key: '?', what: 'shortcutsHelp' },
];

export const helpPages: ConsolePages = (router, deps) => {
  router.get('/help', requireViewer(), async (_req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    // Staff see whom to turn to; an officer asks through an inquiry instead.
    const contacts = atLeast(user.role, 'agent') ? (await deps.services.users.contacts()).filter((c) => c.id !== user.id) : [];
    sendPage(res, <HelpPage user={user} contacts={contacts} />);
  });
};

function HelpPage(props: { user: User; contacts: User[] }) {
  const { user, contacts } = props;
  const locale = user.locale;
  const role = user.role;
  const pages = PAGES.filter((p) => atLeast(role, p.min) && (!p.max || atLeast(p.max, role)));
  const staff = atLeast(role, 'agent');
  return (
    <Layout title={t(locale, 'helpTitle')} active="/help">
      <h1>{t(locale, 'helpTitle')}</h1>
      <p class="lead">
        <span class="chip">{ROLE_LABELS[locale][role]}</span> {t(locale, INTRO[role])}
      </p>

      <section class="card help-section" aria-labelledby="help-pages">
        <h2 id="help-pages">{t(locale, 'helpPagesHeading')}</h2>
        <table class="help-table">
          <caption class="visually-hidden">{t(locale, 'helpPagesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(locale, 'helpColPage')}</th>
              <th scope="col">{t(locale, 'helpColWhat')}</th>
            </tr>
          </thead>
          <tbody>
            {pages.map((p) => (
              <tr key={`${p.href}-${p.what}`}>
                <th scope="row">
                  <a href={p.href}>{t(locale, p.name)}</a>
                </th>
                <td>{t(locale, p.what)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t(locale, 'helpTicketPageName')}</th>
              <td>{t(locale, staff ? 'helpTicketPageStaff' : 'helpTicketPage')}</td>
            </tr>
          </tbody>
        </table>
      </section>

      <section class="card help-section" aria-labelledby="help-colours">
        <h2 id="help-colours">{t(locale, 'helpColoursHeading')}</h2>
        <p>{t(locale, 'helpColoursIntro')}</p>
        <dl class="help-tones">
          {TONES.map((x) => (
            <div key={x.tone}>
              <dt>
                <span class="countdown" data-tone={x.tone}>
                  {x.sample(locale)}
                </span>
              </dt>
              <dd>{t(locale, x.what)}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section class="card help-section" aria-labelledby="help-clocks">
        <h2 id="help-clocks">{t(locale, 'helpClocksHeading')}</h2>
        <ul class="help-list">
          <li>{t(locale, 'helpClockWall')}</li>
          <li>{t(locale, 'helpClockBusiness')}</li>
          <li>{t(locale, 'helpClockPause')}</li>
        </ul>
      </section>

      <section class="card help-section" aria-labelledby="help-keys">
        <h2 id="help-keys">{t(locale, 'helpShortcutsHeading')}</h2>
        <p>{t(locale, 'helpShortcutsIntro')}</p>
        <table class="help-table help-keys">
          <caption class="visually-hidden">{t(locale, 'helpShortcutsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(locale, 'helpColKey')}</th>
              <th scope="col">{t(locale, 'helpColAction')}</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.key}>
                <th scope="row">
                  <kbd>{s.key}</kbd>
                </th>
                <td>{t(locale, s.what)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section class="card help-section" aria-labelledby="help-contact">
        <h2 id="help-contact">{t(locale, 'helpContactHeading')}</h2>
        <p>{t(locale, staff ? 'helpContactStaff' : 'helpContactOfficer')}</p>
        {staff && <Contacts locale={locale} contacts={contacts} />}
      </section>
    </Layout>
  );
}

function Contacts(props: { locale: Locale; contacts: User[] }) {
  const { locale, contacts } = props;
  if (contacts.length === 0) return <p class="muted">{t(locale, 'helpContactNone')}</p>;
  return (
    <table class="help-table">
      <caption class="visually-hidden">{t(locale, 'helpContactCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t(locale, 'colName')}</th>
          <th scope="col">{t(locale, 'colRole')}</th>
          <th scope="col">{t(locale, 'colEmail')}</th>
        </tr>
      </thead>
      <tbody>
        {contacts.map((c) => (
          <tr key={c.id}>
            <th scope="row">{c.name}</th>
            <td>{ROLE_LABELS[locale][c.role]}</td>
            <td>
              <a href={`mailto:${c.email}`}>{c.email}</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
