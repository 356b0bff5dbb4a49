/** `/admin/calendars`: the list of business calendars. */
import type { Locale, SlaPolicy } from '../../../core/model';
import type { CalendarRecord } from '../../../core/ports';
import { describeHours } from '../components/ticket-summary';
import { t } from '../labels';
import { Layout } from '../layout';
import { Breadcrumb, calendarHref } from './calendar-parts';
import { AdminNav } from '../components/admin-nav';

/** How a calendar's holidays are made up: the built-in set, and how many days an admin added or excluded. */
function holidaySummary(c: CalendarRecord, locale: Locale): string {
  const parts: string[] = [];
  if (c.holidaySets.includes('KR')) parts.push(t(locale, 'calBuiltInSet'));
  const added = c.holidays.filter((h) => !h.removed).length;
  const excluded = c.holidays.filter((h) => h.removed).length;
  if (added) parts.push(t(locale, 'calAddedCount', { n: added }));
  if (excluded) parts.push(t(locale, 'calExcludedCount', { n: excluded }));
  return parts.length ? parts.join(' · ') : t(locale, 'calNone');
}

const policiesOn = (c: CalendarRecord, policies: SlaPolicy[]) => policies.filter((p) => p.clock === 'business' && p.calendarId === c.id);

/** `/admin/calendars`: every calendar, its hours and holidays in a few words, and the policies counting on it. */
export function CalendarListPage(props: { calendars: CalendarRecord[]; policies: SlaPolicy[]; locale: Locale }) {
  const { calendars, policies, locale } = props;
  const title = t(locale, 'calListTitle');
  return (
    <Layout title={title} active="/admin" wide>
      <Breadcrumb locale={locale} />
      <h1>{title}</h1>
      <AdminNav active="/admin/calendars" />
      <p class="muted">{t(locale, 'calListIntro')}</p>
      <div class="table-wrap">
        <table class="calendars">
          <caption class="visually-hidden">{t(locale, 'calListCaption')}</caption>
          <thead>
            <tr>
              {(['calColName', 'calColKey', 'calColZone', 'calColHours', 'calColHolidays', 'calColPolicies'] as const).map((c) => (
                <th scope="col" key={c}>
                  {t(locale, c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {calendars.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  {t(locale, 'calEmpty')}
                </td>
              </tr>
            )}
            {calendars.map((c) => {
              const using = policiesOn(c, policies);
              return (
                <tr key={c.id}>
                  <th scope="row">
                    <a href={calendarHref(c.key)}>{c.name}</a>
                  </th>
                  <td>
                    <code>{c.key}</code>
                  </td>
                  <td>{c.timezone}</td>
                  <td>{describeHours(c.hours, locale)}</td>
                  <td>{holidaySummary(c, locale)}</td>
                  <td>{using.length ? using.map((p) => p.name).join(', ') : t(locale, 'calNone')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
