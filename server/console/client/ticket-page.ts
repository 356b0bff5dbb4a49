/**
 * The ticket page's share of the console module. The thread refetches itself when the live
 * stream reports a change (htmx, `hx-trigger="live:ticket-<id> from:body"`), and the new list
 * carries the latest message id it shows; `#ticket`'s `data-last-message-id` follows it, so the
 * stale-reply guard can compare it with the `expected_last_message_id` the reply form was drawn with.
 */
export function syncLastMessageId(): void {
  const section = document.getElementById('ticket');
  const latest = document.getElementById('thread')?.dataset.lastMessageId;
  if (section && latest && section.dataset.lastMessageId !== latest) section.dataset.lastMessageId = latest;
}

export function startTicketPage(): void {
  if (!document.getElementById('ticket')) return;
  document.body.addEventListener('htmx:afterSettle', syncLastMessageId);
}
