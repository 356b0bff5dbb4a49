import type { Locale } from '../../../core/model';
import type { TicketDetail } from '../../../core/tickets/ticket-service';
import { countdownText, koreanDateTime, toneOf } from '../client/time-format';

/**
 * A ticket's deadline as the console shows it everywhere: a `<time>` whose text is the time left
 * (ticked every second by client/countdown.ts) beside the deadline in Korean time. The data
 * attributes carry what the countdown needs: the clock's remaining seconds at render, whether the
 * clock runs now, and when that changes (a business calendar's next opening or closing).
 */
export function Deadline(props: { detail: TicketDetail; locale: Locale; now: Date; warnSeconds?: number }) {
  const { detail, locale, now } = props;
  const sla = detail.ticket.sla;
  const remaining = Math.round(detail.remainingSeconds);
  const paused = sla.state === 'paused';
  const tone = toneOf(remaining, sla.state, props.warnSeconds);
  return (
    <span class="deadline">
      <time
        class="countdown"
        datetime={sla.dueAt.toISOString()}
        data-sla-state={sla.state}
        data-remaining={String(remaining)}
        data-running={detail.clockRunning ? '1' : '0'}
        data-changes-at={detail.clockChangesAt?.toISOString()}
        data-rendered-at={String(now.getTime())}
        data-locale={locale}
        data-warn={props.warnSeconds ? String(props.warnSeconds) : undefined}
        data-tone={tone}
      >
        {sla.state === 'met' ? (locale === 'ko' ? '기한 내 처리' : 'Met') : countdownText(remaining, paused, locale)}
      </time>{' '}
      <span class="deadline-at">{koreanDateTime(sla.dueAt, locale)}</span>
    </span>
  );
}
