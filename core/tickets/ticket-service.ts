/**
 * The ticket service: the inquiry use cases put together from their files (ticket-creation,
 * ticket-queries, ticket-changes, ticket-conversation) into the one object entry points call.
 * The shapes it takes and gives live in ticket-types and are exported from here too.
 */
import { createTicketChanges } from './ticket-changes';
import { createTicketConversation } from './ticket-conversation';
import { createTicketCreation } from './ticket-creation';
import { createTicketQueries } from './ticket-queries';
import { createTicketShared, type TicketDeps } from './ticket-shared';

export {
  MAX_RECEIVED_AGE_DAYS,
  StaleReplyError,
  type CreateTicketInput,
  type EventDetail,
  type FeedDetail,
  type IntakeInfo,
  type ListInput,
  type MessageDetail,
  type MessageInput,
  type Rating,
  type RenderCreated,
  type TicketDetail,
  type TicketRef,
  type UpdateTicketInput,
} from './ticket-types';

/** Inquiry use cases: create, read, list, change, converse, rate. Entry points call these. */
export function createTicketService(deps: TicketDeps) {
  const shared = createTicketShared(deps);
  const creation = createTicketCreation(deps);
  const queries = createTicketQueries(deps, shared);
  const changes = createTicketChanges(deps, shared);
  const conversation = createTicketConversation(deps, shared);

  return {
    create: creation.create,
    get: queries.get,
    list: queries.list,
    count: queries.count,
    details: queries.details,
    intake: creation.intake,
    update: changes.update,
    addMessage: conversation.addMessage,
    createWithin: creation.createWithin,
    addMessageWithin: conversation.addMessageWithin,
    messages: conversation.messages,
    events: queries.events,
    rate: changes.rate,
    feed: queries.feed,
    lastEventId: queries.lastEventId,
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
