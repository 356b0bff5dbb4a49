/**
 * The send rule of core/mail, wired for the workers: the renderer is templates/' renderMail and
 * the Message-ID host is MAIL_FROM's domain.
 */
import { createSendRule, type MailSenderTuning, type SendRule } from '../../core/mail/send-rule';
import type { Logger, MailStore, MailTransport } from '../../core/ports';
import { renderTemplateMail } from '../../templates/render';
import { mailHostFromAddress } from './mail-host';

export type { MailSenderTuning, SendOutcome } from '../../core/mail/send-rule';

/** The settings the sender takes from Config. */
export interface MailSenderConfig {
  mailFrom: string;
  /** The retry window of one row, from its first attempt (MAIL_RETRY_MAX_MS). */
  mailRetryMaxMs: number;
  /** Zone of the dates in mails when the ticket's policy has no calendar (default Asia/Seoul). */
  timezone?: string;
  /** Where people reach the console (PUBLIC_URL): ticket mails link to the ticket's page there. */
  publicUrl?: string;
  /** Replies to our mails are read (an intake is configured; Config's repliesAccepted). */
  repliesAccepted?: boolean;
}

/** Creates the sender (core/mail's send rule) from the store, a transport and Config's mail settings. */
export function createMailSender(deps: {
  store: MailStore;
  transport: MailTransport;
  config: MailSenderConfig;
  logger: Logger;
  tuning?: MailSenderTuning;
}): SendRule {
  const { mailFrom, mailRetryMaxMs, timezone, publicUrl, repliesAccepted } = deps.config;
  return createSendRule({
    store: deps.store,
    transport: deps.transport,
    render: renderTemplateMail,
    logger: deps.logger,
    tuning: deps.tuning,
    config: { mailHost: mailHostFromAddress(mailFrom), mailRetryMaxMs, timezone, publicUrl, repliesAccepted },
  });
}

export type MailSender = SendRule;
