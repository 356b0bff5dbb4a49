import type { Locale } from '../../../core/model';
import { t } from '../labels';
import { Layout } from '../layout';

/** The 404 page: also what another officer's inquiry looks like (its existence is not revealed). */
export function NotFoundPage(props: { locale: Locale }) {
  return (
    <Layout title={t(props.locale, 'notFoundTitle')}>
      <div class="card">
        <h1>{t(props.locale, 'notFoundTitle')}</h1>
        <p>{t(props.locale, 'notFoundBody')}</p>
        <p>
          <a href="/">{t(props.locale, 'backHome')}</a>
        </p>
      </div>
    </Layout>
  );
}

export function ForbiddenPage(props: { locale: Locale }) {
  return (
    <Layout title={t(props.locale, 'forbiddenTitle')}>
      <div class="card">
        <h1>{t(props.locale, 'forbiddenTitle')}</h1>
        <p>{t(props.locale, 'forbiddenBody')}</p>
        <p>
          <a href="/">{t(props.locale, 'backHome')}</a>
        </p>
      </div>
    </Layout>
  );
}

export function ErrorPage(props: { locale: Locale; title: string; detail: string }) {
  return (
    <Layout title={props.title}>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.detail}</p>
        <p>
          <a href="/">{t(props.locale, 'backHome')}</a>
        </p>
      </div>
    </Layout>
  );
}

/** A forged or stale form (CSRF check failed): the 403 page, saying what to do about it. */
export function CsrfRefusedPage(props: { locale: Locale }) {
  return (
    <Layout title={t(props.locale, 'forbiddenTitle')}>
      <div class="card">
        <h1>{t(props.locale, 'forbiddenTitle')}</h1>
        <p>{t(props.locale, 'csrfBody')}</p>
        <p>
          <a href="/">{t(props.locale, 'backHome')}</a>
        </p>
      </div>
    </Layout>
  );
}

/**
 * The write quota's refusal (429): what happened and when to send again, in the viewer's words
 * (the API's problem document is for programs), and the way back to the page the form was on.
 */
export function TooManyPage(props: { locale: Locale; retryAfterSeconds: number | null; back: string }) {
  const { locale, retryAfterSeconds: seconds } = props;
  return (
    <Layout title={t(locale, 'tooManyTitle')}>
      <div class="card">
        <h1>{t(locale, 'tooManyTitle')}</h1>
        <p>{t(locale, 'tooManyBody')}</p>
        <p>{seconds === null ? t(locale, 'tooManyWaitShort') : t(locale, 'tooManyWait', { seconds })}</p>
        <p>
          <a href={props.back}>{t(locale, 'tooManyBack')}</a>
        </p>
      </div>
    </Layout>
  );
}
