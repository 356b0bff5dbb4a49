/**
 * The small interfaces through which the use cases in core/ reach the world: stores, the timer
 * scheduler, the mail outbox, the attachment rows and blobs, queue and transport, the metrics source, the logger and the clock. db/ implements the stores, workers/ the
 * timer scheduler, app/ wires them; tests may wire others. Files here import only model and value
 * types, never a use case, so nothing in core/ imports in a cycle through them.
 */
export type * from './attachments';
export type * from './board';
export type * from './canned';
export type * from './clock';
export type * from './database';
export type * from './inbound';
export type * from './logger';
export type * from './mail';
export type * from './metrics';
export type * from './presence';
export type * from './reports';
export type * from './standards';
export type * from './stores';
export type * from './timers';
export type * from './retention';
