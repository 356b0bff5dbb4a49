import type { ComponentChildren } from 'preact';
import { atLeast, type Locale, type Role } from '../../core/model';
import { CsrfField } from './components/csrf-field';
import { useViewer } from './console-context';
import { type LabelKey, ROLE_LABELS, t } from './labels';

/** htmx settings for the strict CSP: no eval, no injected style or script tags. */
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
});

/**
 * The frame of every console page: language, title, stylesheets (KRDS tokens and fonts served
 * from node_modules, then ours), the two scripts (htmx and the console module), the header with
 * the navigation for the viewer's role and the sign-out button, and the main landmark.
 */
/** The header's links, each for a role and above. */
const NAV: { href: string; label: LabelKey; min: Role }[] = [
  { href: '/board', label: 'navBoard', min: 'supervisor' },
  { href: '/tickets', label: 'navQueue', min: 'officer' },
  { href: '/tickets/new', label: 'navNewTicket', min: 'officer' },
  { href: '/escalations', label: 'navEscalations', min: 'supervisor' },
  { href: '/reports', label: 'navReports', min: 'supervisor' },
  { href: '/standards', label: 'navStandards', min: 'agent' },
  { href: '/inbound', label: 'navInbound', min: 'agent' },
  // /admin leads to the viewer's first administration page (users for admins, policies for supervisors).
  { href: '/admin', label: 'navAdmin', min: 'supervisor' },
  { href: '/help', label: 'navHelp', min: 'officer' },
];

/**
 * `active`: the header link of this page (marked `aria-current="page"`).
 */
export function Layout(props: { title: string; children: ComponentChildren; wide?: boolean; locale?: Locale; active?: string }) {
  const viewer = useViewer();
  // A signed-out page may choose its language (the sign-in page's ?lang=en); otherwise the viewer's.
  const locale = props.locale ?? viewer?.user.locale ?? 'ko';
  const user = viewer?.user;
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${props.title} · ${t(locale, 'product')}`}</title>
        <link rel="stylesheet" href="/assets/krds/krds_tokens.css" />
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/htmx.min.js" defer />
        <script src="/assets/console.js" type="module" />
      </head>
      <body
        hx-headers={viewer ? JSON.stringify({ 'X-CSRF-Token': viewer.csrfToken }) : undefined}
        data-live={viewer ? '1' : undefined}
        data-user-id={user ? String(user.id) : undefined}
        data-staff={user && atLeast(user.role, 'agent') ? '1' : undefined}
      >
        <a class="skip-link" href="#main">
          {t(locale, 'skipToContent')}
        </a>
        <header class="site-header">
          <div class="site-header-inner">
            <a class="brand" href="/">
              {t(locale, 'product')}
            </a>
            {user && (
              <nav aria-label={t(locale, 'navMain')}>
                <ul class="nav">
                  {NAV.filter((n) => atLeast(user.role, n.min)).map((n) => (
                    <li key={n.href}>
                      <a href={n.href} aria-current={props.active === n.href ? 'page' : undefined}>
                        {t(locale, n.label === 'navQueue' && user.role === 'officer' ? 'navMyTickets' : n.label)}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {user && (
              <div class="who">
                <span class="who-name">
                  <span class="visually-hidden">{t(locale, 'signedInAs')} </span>
                  {user.name} <span class="who-role">({ROLE_LABELS[locale][user.role]})</span>
                </span>
                <form method="post" action="/logout" class="inline-form">
                  <CsrfField />
                  <button type="submit" class="btn btn-ghost">
                    {t(locale, 'signOut')}
                  </button>
                </form>
              </div>
            )}
          </div>
        </header>
        <main id="main" class={props.wide ? 'main main-wide' : 'main'} tabIndex={-1}>
          {props.children}
        </main>
        {user && (
          <footer class="site-footer">
            {/* The switch works only with the console module, which shows it (single-key shortcuts, WCAG 2.1.4). */}
            <div class="site-footer-inner" hidden>
              <label class="shortcuts-switch">
                <input type="checkbox" id="shortcuts-toggle" checked />
                {t(locale, 'footerShortcuts')}
              </label>
              <span class="shortcuts-hint">{t(locale, 'footerShortcutsHelp')}</span>
            </div>
          </footer>
        )}
      </body>
    </html>
  );
}
