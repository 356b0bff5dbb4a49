/** The views of `/admin/users` (list, search, invite) and `/admin/users/:id` (details, state, token). */
import { type Locale, ROLES, type Role, type User } from '../../../core/model';
import type { Page } from '../../../core/ports';
import { koreanShortDateTime } from '../client/time-format';
import { AdminBreadcrumb, AdminNav } from '../components/admin-nav';
import { DoneNotice, ErrorSummary, type FieldErrors, FieldNotes, SelectField, TextField } from '../components/admin-fields';
import { CsrfField } from '../components/csrf-field';
import { ROLE_LABELS, t } from '../labels';
import { Layout } from '../layout';

/** The list's search: part of a name, e-mail or organization, and a role. */
export interface UserQuery {
  q: string;
  role: Role | '';
  cursor?: string;
}

/** What the invite form holds (after a refusal: what was typed). */
export interface InviteValues {
  name: string;
  email: string;
  role: string;
  organization: string;
  locale: string;
  mail: boolean;
}

export const EMPTY_INVITE: InviteValues = { name: '', email: '', role: 'officer', organization: '', locale: 'ko', mail: true };

const localeOptions = (locale: Locale): [string, string][] => [
  ['ko', t(locale, 'localeKo')],
  ['en', t(locale, 'localeEn')],
];
const roleOptions = (locale: Locale): [string, string][] => ROLES.map((r) => [r, ROLE_LABELS[locale][r]]);

/** `/admin/users?…` with these search fields (empty ones left out). */
export function usersHref(q: Partial<UserQuery>): string {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  if (q.role) p.set('role', q.role);
  if (q.cursor) p.set('cursor', q.cursor);
  const s = p.toString();
  return s ? `/admin/users?${s}` : '/admin/users';
}

export function UsersPage(props: { viewer: User; query: UserQuery; page: Page<User>; invite: InviteValues; errors: FieldErrors }) {
  const { viewer, query, page, errors } = props;
  const locale = viewer.locale;
  return (
    <Layout title={t(locale, 'usersTitle')} wide active="/admin">
      <AdminBreadcrumb locale={locale} current={t(locale, 'usersTitle')} />
      <h1>{t(locale, 'usersTitle')}</h1>
      <AdminNav active="/admin/users" />
      <p class="muted">{t(locale, 'usersIntro')}</p>
      <ErrorSummary errors={errors} locale={locale} />
      <div class="admin-columns">
        <div class="admin-main">
          <search class="list-search">
            <form method="get" action="/admin/users" class="admin-search">
              <div class="field">
                <label for="q">{t(locale, 'search')}</label>
                <span class="hint" id="q-hint">
                  {t(locale, 'usersSearchHint')}
                </span>
                <input type="search" id="q" name="q" value={query.q} maxLength={200} aria-describedby="q-hint" autocomplete="off" />
              </div>
              <div class="field">
                <label for="role-filter">{t(locale, 'usersRoleFilter')}</label>
                <select id="role-filter" name="role">
                  <option value="" selected={query.role === ''}>
                    {t(locale, 'usersRoleAll')}
                  </option>
                  {roleOptions(locale).map(([v, l]) => (
                    <option key={v} value={v} selected={v === query.role}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field admin-search-go">
                <button type="submit" class="btn btn-secondary">
                  {t(locale, 'search')}
                </button>
              </div>
            </form>
          </search>
          <UserTable locale={locale} page={page} />
          <nav class="pager" aria-label={t(locale, 'pager')}>
            {query.cursor && <a href={usersHref({ q: query.q, role: query.role })}>{t(locale, 'pageFirst')}</a>}
            {page.nextCursor && (
              <a rel="next" href={usersHref({ q: query.q, role: query.role, cursor: page.nextCursor })}>
                {t(locale, 'pageNext')}
              </a>
            )}
          </nav>
        </div>
        <InviteForm locale={locale} values={props.invite} errors={errors} />
      </div>
    </Layout>
  );
}

function UserTable(props: { locale: Locale; page: Page<User> }) {
  const { locale, page } = props;
  const cols = ['colName', 'colEmail', 'colRole', 'colOrganization', 'colLocale', 'colState', 'colCreated'] as const;
  return (
    <div class="table-wrap">
      <table class="users">
        <caption class="visually-hidden">{t(locale, 'usersCaption')}</caption>
        <thead>
          <tr>
            {cols.map((c) => (
              <th scope="col" key={c}>
                {t(locale, c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {page.items.length === 0 && (
            <tr>
              <td colSpan={cols.length} class="empty">
                {t(locale, 'noUsers')}
              </td>
            </tr>
          )}
          {page.items.map((u) => (
            <tr key={u.id} class={u.active ? undefined : 'is-inactive'}>
              <th scope="row">
                <a href={`/admin/users/${u.id}`}>{u.name}</a>
              </th>
              <td class="cell-email">
                {u.email}
                {u.emailBouncedAt && (
                  <>
                    {' '}
                    <span class="chip chip-urgent" title={u.emailBounceReason ?? undefined}>
                      {t(locale, 'userBounced')}
                    </span>
                  </>
                )}
              </td>
              <td class="cell-nowrap" data-label={t(locale, 'colRole')}>
                {ROLE_LABELS[locale][u.role]}
              </td>
              <td data-label={t(locale, 'colOrganization')}>{u.organization ?? ''}</td>
              <td class="cell-nowrap" data-label={t(locale, 'colLocale')}>
                {t(locale, u.locale === 'en' ? 'localeEn' : 'localeKo')}
              </td>
              <td class="cell-nowrap">
                <span class={u.active ? 'chip chip-open' : 'chip chip-closed'}>{t(locale, u.active ? 'userActive' : 'userInactive')}</span>
              </td>
              <td class="cell-date" data-label={t(locale, 'colCreated')}>
                {koreanShortDateTime(u.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function InviteForm(props: { locale: Locale; values: InviteValues; errors: FieldErrors }) {
  const { locale, values, errors } = props;
  return (
    <section class="card admin-side" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t(locale, 'inviteHeading')}</h2>
      <p class="notice">{t(locale, 'inviteIntro')}</p>
      <form method="post" action="/admin/users" novalidate>
        <CsrfField />
        <TextField
          id="invite-name"
          name="name"
          label={t(locale, 'fieldName')}
          value={values.name}
          errors={errors}
          required
          maxLength={200}
        />
        <TextField
          id="invite-email"
          name="email"
          type="email"
          label={t(locale, 'fieldEmail')}
          hint={t(locale, 'hintInviteEmail')}
          value={values.email}
          errors={errors}
          required
          autocomplete="off"
        />
        <SelectField
          id="invite-role"
          name="role"
          label={t(locale, 'fieldRole')}
          value={values.role}
          options={roleOptions(locale)}
          errors={errors}
        />
        <TextField
          id="invite-organization"
          name="organization"
          label={t(locale, 'fieldOrganization')}
          hint={t(locale, 'hintOrganization')}
          value={values.organization}
          errors={errors}
          maxLength={200}
        />
        <SelectField
          id="invite-locale"
          name="locale"
          label={t(locale, 'fieldLocale')}
          hint={t(locale, 'hintLocale')}
          value={values.locale}
          options={localeOptions(locale)}
          errors={errors}
        />
        <div class="field">
          <label class="check">
            <input type="checkbox" name="mail" value="1" checked={values.mail} aria-describedby="invite-mail-hint" />
            {t(locale, 'inviteMail')}
          </label>
          <span class="hint" id="invite-mail-hint">
            {t(locale, 'inviteMailHint')}
          </span>
        </div>
        <div class="actions">
          <button type="submit" class="btn">
            {t(locale, 'inviteSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** What the user page says after a form: which form, and its outcome. */
export type UserDone = 'invited' | 'invited-mail' | 'saved' | 'role' | 'deactivated' | 'reactivated' | 'bounce-cleared';
export const USER_DONE: readonly UserDone[] = ['invited', 'invited-mail', 'saved', 'role', 'deactivated', 'reactivated', 'bounce-cleared'];

export interface UserPageState {
  done?: UserDone;
  /** The edit form after a refusal: what was typed. */
  edit?: { name: string; organization: string; locale: string; role: string };
  errors?: FieldErrors;
  /** A token just issued: shown this once. */
  token?: string;
}

export function UserPage(props: { viewer: User; user: User; state: UserPageState }) {
  const { viewer, user, state } = props;
  const locale = viewer.locale;
  const errors = state.errors ?? {};
  const self = viewer.id === user.id;
  const edit = state.edit ?? { name: user.name, organization: user.organization ?? '', locale: user.locale, role: user.role };
  return (
    <Layout title={user.name} wide active="/admin">
      <AdminBreadcrumb locale={locale} trail={[{ href: '/admin/users', label: t(locale, 'usersTitle') }]} current={user.name} />
      <h1>{user.name}</h1>
      <AdminNav active="/admin/users" />
      {state.done && <Done locale={locale} user={user} done={state.done} />}
      {state.token && <IssuedToken locale={locale} token={state.token} />}
      <ErrorSummary errors={errors} locale={locale} />
      <dl class="facts user-facts">
        <div>
          <dt>{t(locale, 'colEmail')}</dt>
          <dd>
            {user.email}
            {user.emailBouncedAt && (
              <>
                {' '}
                <span class="chip chip-urgent">{t(locale, 'userBounced')}</span>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t(locale, 'colRole')}</dt>
          <dd>{ROLE_LABELS[locale][user.role]}</dd>
        </div>
        <div>
          <dt>{t(locale, 'colState')}</dt>
          <dd>
            <span class={user.active ? 'chip chip-open' : 'chip chip-closed'}>
              {t(locale, user.active ? 'userActive' : 'userInactive')}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t(locale, 'userId')}</dt>
          <dd>{user.id}</dd>
        </div>
        <div>
          <dt>{t(locale, 'colCreated')}</dt>
          <dd>{koreanShortDateTime(user.createdAt)}</dd>
        </div>
      </dl>
      <div class="admin-columns">
        <section class="card admin-main" aria-labelledby="edit-heading">
          <h2 id="edit-heading">{t(locale, 'userEditHeading')}</h2>
          <form method="post" action={`/admin/users/${user.id}`} novalidate>
            <CsrfField />
            <TextField id="name" label={t(locale, 'fieldName')} value={edit.name} errors={errors} required maxLength={200} />
            <TextField
              id="organization"
              label={t(locale, 'fieldOrganization')}
              hint={t(locale, 'hintOrganization')}
              value={edit.organization}
              errors={errors}
              maxLength={200}
            />
            <SelectField id="locale" label={t(locale, 'fieldLocale')} value={edit.locale} options={localeOptions(locale)} errors={errors} />
            <SelectField
              id="role"
              label={t(locale, 'fieldRole')}
              hint={t(locale, self ? 'userSelfNote' : 'userRoleHint')}
              value={edit.role}
              options={roleOptions(locale)}
              errors={errors}
            />
            <div class="actions">
              <button type="submit" class="btn">
                {t(locale, 'save')}
              </button>
            </div>
          </form>
        </section>
        <div class="admin-side">
          {user.emailBouncedAt && (
            <section class="card" aria-labelledby="bounce-heading">
              <h2 id="bounce-heading">{t(locale, 'userBounced')}</h2>
              <p>
                {t(locale, 'userBouncedAt', { at: koreanShortDateTime(user.emailBouncedAt) })}
                {user.emailBounceReason && (
                  <>
                    : <span class="bounce-reason">{user.emailBounceReason}</span>
                  </>
                )}
              </p>
              <p class="notice notice-warning">{t(locale, 'userBounceNote')}</p>
              <form method="post" action={`/admin/users/${user.id}/bounce`}>
                <CsrfField />
                <button type="submit" id="bounce-clear" class="btn btn-secondary">
                  {t(locale, 'bounceClear')}
                </button>
              </form>
            </section>
          )}
          <section class="card" aria-labelledby="state-heading">
            <h2 id="state-heading">{t(locale, 'userStateHeading')}</h2>
            <p>{t(locale, user.active ? 'userActiveNote' : 'userInactiveNote')}</p>
            <FieldNotes id="active" errors={errors} />
            {self ? (
              <p class="muted">{t(locale, 'userSelfNote')}</p>
            ) : (
              <form method="post" action={`/admin/users/${user.id}/active`}>
                <CsrfField />
                <input type="hidden" name="active" value={user.active ? '0' : '1'} />
                <button type="submit" id="active" class={user.active ? 'btn btn-danger' : 'btn btn-secondary'}>
                  {t(locale, user.active ? 'deactivate' : 'reactivate')}
                </button>
              </form>
            )}
          </section>
          <section class="card" aria-labelledby="token-heading">
            <h2 id="token-heading">{t(locale, 'tokenHeading')}</h2>
            <p>{t(locale, 'tokenIntro')}</p>
            <p class="notice notice-warning">{t(locale, 'tokenWarnRotate')}</p>
            <form method="post" action={`/admin/users/${user.id}/token`}>
              <CsrfField />
              <button type="submit" class="btn btn-secondary">
                {t(locale, 'tokenIssue')}
              </button>
            </form>
          </section>
        </div>
      </div>
    </Layout>
  );
}

function Done(props: { locale: Locale; user: User; done: UserDone }) {
  const { locale, user, done } = props;
  if (done === 'invited' || done === 'invited-mail')
    return (
      <DoneNotice>
        <p>{t(locale, 'doneInvited', { name: user.name })}</p>
        <p>{done === 'invited-mail' ? t(locale, 'doneInvitedMail', { email: user.email }) : t(locale, 'doneInvitedNoMail')}</p>
        <p>{t(locale, 'inviteIntro')}</p>
      </DoneNotice>
    );
  const key = {
    saved: 'doneSaved',
    role: 'doneRoleChanged',
    deactivated: 'doneDeactivated',
    reactivated: 'doneReactivated',
    'bounce-cleared': 'doneBounceCleared',
  } as const;
  return (
    <DoneNotice>
      <p>{t(locale, key[done])}</p>
    </DoneNotice>
  );
}

/** The token, this once: a read-only field to copy from, with the warning that it will not be shown again. */
function IssuedToken(props: { locale: Locale; token: string }) {
  const { locale, token } = props;
  return (
    <section class="notice notice-warning token-once" aria-labelledby="token-once-title" role="alert">
      <h2 id="token-once-title" class="notice-title">
        {t(locale, 'tokenIssued')}
      </h2>
      <p id="token-once-warning">{t(locale, 'tokenShownOnce')}</p>
      <div class="field">
        <label for="issued-token">{t(locale, 'tokenLabel')}</label>
        <input
          id="issued-token"
          type="text"
          readOnly
          value={token}
          class="token-value"
          spellcheck={false}
          autocomplete="off"
          aria-describedby="token-once-warning token-use"
        />
        <span class="hint" id="token-use">
          {t(locale, 'tokenUse')}
        </span>
      </div>
    </section>
  );
}
