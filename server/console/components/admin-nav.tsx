import { atLeast, type Locale, type Role } from '../../../core/model';
import { useViewer } from '../console-context';
import { type LabelKey, t } from '../labels';

/** The administration pages, each for a role and above (the queue dashboard is the operator endpoint). */
export const ADMIN_PAGES: { href: string; label: LabelKey; min: Role }[] = [
  { href: '/admin/users', label: 'adminUsers', min: 'admin' },
  { href: '/admin/policies', label: 'adminPolicies', min: 'supervisor' },
  { href: '/admin/calendars', label: 'adminCalendars', min: 'supervisor' },
  { href: '/admin/outbox', label: 'adminOutbox', min: 'admin' },
  { href: '/admin/queues', label: 'adminQueues', min: 'admin' },
];

/** The first administration page a role may open (`/admin` leads there). */
export const adminHome = (role: Role): string | null => ADMIN_PAGES.find((p) => atLeast(role, p.min))?.href ?? null;

/**
 * The sub-navigation of the administration pages, below the page's heading: the pages the viewer's
 * role may open, the current one marked (`active`: its href).
 */
export function AdminNav(props: { active: string }) {
  const viewer = useViewer();
  if (!viewer) return null;
  const { locale, role } = viewer.user;
  return (
    <nav class="admin-nav" aria-label={t(locale, 'adminNav')}>
      <ul>
        {ADMIN_PAGES.filter((p) => atLeast(role, p.min)).map((p) => (
          <li key={p.href}>
            <a href={p.href} aria-current={p.href === props.active ? 'page' : undefined}>
              {t(locale, p.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Administration › … › this page: where an administration page sits, the last step marked current. */
export function AdminBreadcrumb(props: { locale: Locale; trail?: { href: string; label: string }[]; current: string }) {
  const { locale } = props;
  return (
    <nav aria-label={t(locale, 'calBreadcrumb')} class="breadcrumb">
      <ol>
        <li>
          <a href="/admin">{t(locale, 'navAdmin')}</a>
        </li>
        {(props.trail ?? []).map((step) => (
          <li key={step.href}>
            <a href={step.href}>{step.label}</a>
          </li>
        ))}
        <li>
          <span aria-current="page">{props.current}</span>
        </li>
      </ol>
    </nav>
  );
}
