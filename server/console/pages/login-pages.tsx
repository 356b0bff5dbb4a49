import type { Request, Response, Router } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { isEmailAddress } from '../../../core/email-address';
import type { Locale } from '../../../core/model';
import type { CodeRefusal } from '../../../core/users/sign-in';
import type { ConsoleDeps } from '../console-routes';
import { homeOf, safeNext, viewerOf } from '../console-context';
import { t } from '../labels';
import { Layout } from '../layout';
import { sendPage } from '../render';

/**
 * Sign-in by e-mailed one-time code, in two plain forms (no JavaScript needed):
 * `GET /login` asks for the address, `POST /login/code` mails a code and asks for it,
 * `POST /login` checks it and opens a new session; `POST /logout` ends the session.
 * `next` (a same-origin path) and `lang` ride along in hidden fields.
 */

/** What the two steps carry from one request to the next. */
interface Carried {
  locale: Locale;
  next: string | null;
}

/** A form field's value as a string ('' when absent or repeated). */
const field = (source: unknown, name: string): string => {
  const v = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
};

const carried = (source: unknown): Carried => ({
  locale: field(source, 'lang') === 'en' ? 'en' : 'ko',
  next: safeNext(field(source, 'next')),
});

/** The client the per-client limits count: its address (behind TRUST_PROXY), IPv6 per /56. */
const clientOf = (req: Request): string => ipKeyGenerator(req.ip ?? 'unknown');

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

function Hidden(props: Carried) {
  return (
    <>
      {props.next && <input type="hidden" name="next" value={props.next} />}
      {props.locale === 'en' && <input type="hidden" name="lang" value="en" />}
    </>
  );
}

/** The link to the same page in the other language. */
function LanguageLink(props: Carried) {
  const other: Locale = props.locale === 'en' ? 'ko' : 'en';
  const q = new URLSearchParams();
  if (other === 'en') q.set('lang', 'en');
  if (props.next) q.set('next', props.next);
  const query = q.toString();
  return (
    <p class="login-lang">
      <a href={`/login${query ? `?${query}` : ''}`} lang={other} hrefLang={other}>
        {t(props.locale, 'otherLanguage')}
      </a>
    </p>
  );
}

/** Step 1: the address. `alert` is a page-level message (the 429). */
function EmailStep(props: Carried & { email: string; error?: string; alert?: string }) {
  const { locale } = props;
  return (
    <Layout title={t(locale, 'loginTitle')} locale={locale}>
      <div class="card login-card">
        <h1>{t(locale, 'loginTitle')}</h1>
        {props.alert && (
          <div class="notice notice-danger" role="alert">
            {props.alert}
          </div>
        )}
        <p>{t(locale, 'loginIntro')}</p>
        <form method="post" action="/login/code" novalidate>
          <Hidden {...props} />
          <div class="field">
            <label for="email">{t(locale, 'email')}</label>
            <input
              id="email"
              name="email"
              type="email"
              autocomplete="username"
              spellcheck={false}
              required
              maxLength={320}
              value={props.email}
              autofocus
              aria-invalid={props.error ? 'true' : undefined}
              aria-describedby={props.error ? 'email-error' : undefined}
            />
            {props.error && (
              <p id="email-error" class="error">
                {props.error}
              </p>
            )}
          </div>
          <div class="actions">
            <button type="submit" class="btn">
              {t(locale, 'sendCode')}
            </button>
          </div>
        </form>
        <LanguageLink {...props} />
      </div>
    </Layout>
  );
}

/** Step 2: the code, for the address kept from step 1; `sent` right after a code was asked for. */
function CodeStep(props: Carried & { email: string; sent?: boolean; error?: string }) {
  const { locale } = props;
  return (
    <Layout title={t(locale, 'loginTitle')} locale={locale}>
      <div class="card login-card">
        <h1>{t(locale, 'loginTitle')}</h1>
        {props.sent && (
          <p class="notice" role="status">
            {t(locale, 'codeSentNote')}
          </p>
        )}
        <form method="post" action="/login" novalidate>
          <Hidden {...props} />
          <div class="field">
            <label for="email">{t(locale, 'email')}</label>
            <input id="email" name="email" type="email" autocomplete="username" readOnly value={props.email} />
          </div>
          <div class="field">
            <label for="code">{t(locale, 'code')}</label>
            <span id="code-hint" class="hint">
              {t(locale, 'codeHint')}
            </span>
            <input
              id="code"
              name="code"
              type="text"
              inputMode="numeric"
              autocomplete="one-time-code"
              maxLength={12}
              required
              autofocus
              class="code-input"
              aria-invalid={props.error ? 'true' : undefined}
              aria-describedby={props.error ? 'code-hint code-error' : 'code-hint'}
            />
            {props.error && (
              <p id="code-error" class="error">
                {props.error}
              </p>
            )}
          </div>
          <div class="actions">
            <button type="submit" class="btn">
              {t(locale, 'signIn')}
            </button>
          </div>
        </form>
        <div class="actions login-more">
          <form method="post" action="/login/code" class="inline-form">
            <Hidden {...props} />
            <input type="hidden" name="email" value={props.email} />
            <button type="submit" class="btn btn-ghost">
              {t(locale, 'resendCode')}
            </button>
          </form>
          <a href={`/login${props.locale === 'en' ? '?lang=en' : ''}`}>{t(locale, 'otherAddress')}</a>
        </div>
      </div>
    </Layout>
  );
}

/** The message of a refused code, in the page's language. */
function refusalText(locale: Locale, r: CodeRefusal): string {
  switch (r.reason) {
    case 'malformed':
      return t(locale, 'codeMalformed');
    case 'wrong':
      return t(locale, 'codeWrong', { n: r.triesLeft });
    case 'expired':
      return t(locale, 'codeExpired');
    case 'used-up':
      return t(locale, 'codeUsedUp');
    case 'limited':
      return t(locale, 'tooManyTries', { m: minutes(r.retryAfterSeconds) });
  }
}

/** Registers /login, /login/code, /login (POST) and /logout on the console's router. */
export function loginPages(router: Router, deps: ConsoleDeps): void {
  const { services, cookie } = deps;

  router.get('/login', (req: Request, res: Response) => {
    const c = carried(req.query);
    const viewer = viewerOf(res);
    if (viewer) return res.redirect(303, c.next ?? homeOf(viewer.user));
    sendPage(res, <EmailStep {...c} email={field(req.query, 'email').slice(0, 320)} />);
  });

  router.post('/login/code', async (req: Request, res: Response) => {
    const c = carried(req.body);
    const email = field(req.body, 'email').trim();
    if (!isEmailAddress(email)) {
      return sendPage(res, <EmailStep {...c} email={email.slice(0, 320)} error={t(c.locale, 'emailInvalid')} />, 422);
    }
    const r = await services.signIn.requestCode(email, clientOf(req));
    if (r.outcome === 'limited') {
      res.set('Retry-After', String(r.retryAfterSeconds));
      return sendPage(
        res,
        <EmailStep {...c} email={email} alert={t(c.locale, 'tooManyCodes', { m: minutes(r.retryAfterSeconds) })} />,
        429,
      );
    }
    // The same page whether or not the address is a user's.
    sendPage(res, <CodeStep {...c} email={email} sent />);
  });

  router.post('/login', async (req: Request, res: Response) => {
    const c = carried(req.body);
    const email = field(req.body, 'email').trim();
    if (!isEmailAddress(email)) {
      return sendPage(res, <EmailStep {...c} email={email.slice(0, 320)} error={t(c.locale, 'emailInvalid')} />, 422);
    }
    const r = await services.signIn.verifyCode(email, field(req.body, 'code'), clientOf(req));
    if (!r.ok) {
      if (r.reason === 'limited') res.set('Retry-After', String(r.retryAfterSeconds));
      return sendPage(res, <CodeStep {...c} email={email} error={refusalText(c.locale, r)} />, r.reason === 'limited' ? 429 : 422);
    }
    // A fresh session id at every sign-in; the one this browser held before ends.
    const old = cookie.read(req);
    if (old) await services.sessions.close(old);
    const session = await services.sessions.open(r.user);
    cookie.write(res, session.id);
    res.redirect(303, c.next ?? homeOf(r.user));
  });

  router.post('/logout', async (req: Request, res: Response) => {
    const id = cookie.read(req);
    if (id) await services.sessions.close(id);
    cookie.write(res, null);
    res.redirect(303, '/login');
  });
}
