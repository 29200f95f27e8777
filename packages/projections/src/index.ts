export * from './port.js'
export * from './readmodel-port.js'
export type {
  ProjectedEvent,
  ProjectedNotification,
  ProjectedObservation,
  ReadableEvent,
  Undecodable
} from './event.js'
export { projectEvent, isProjected, parseEventData, telephonyBodyOf, readQuarantined, readResolution } from './event.js'
export type { Projection } from './projection.js'
export * from './projections.js'
export { sessionsProjection, UnreadableSession } from './sessions/projection.js'
export { presenceProjection, NO_SEQUENCE } from './presence/projection.js'
export { messagesProjection } from './messages/projection.js'
export { parseStoredState } from './sessions/stored-state.js'
export { parseStoredFact } from './presence/stored-fact.js'
export * from './runner.js'
export * from './rebuild.js'
export * from './shard-fold.js'
export * from './duration.js'
export { isoTime } from './time.js'
export * from './queries/view.js'
export * from './queries/failure.js'
export { encodeCursor, decodeCursor } from './queries/cursor.js'
export { querySession, type QueryDeps } from './queries/session.js'
export * from './queries/sessions.js'
export * from './queries/presence.js'
export { auditTrail, auditEntry, statesAfterEach, type AuditEntry } from './queries/audit.js'
export { readWholeStream, sessionKnownAt, receivedBy } from './queries/known-at.js'
export * from './analytics/index.js'
export * from './describe.js'
export { QuarantineReason, QuarantinedData, ReconciliationData, ResolvedData, occurredAtOf } from './vocabulary.js'
export {
  feedEventOf,
  feedChangesOf,
  type FeedCall,
  type FeedChange,
  type FeedEarlier,
  type FeedEvent,
  type FeedParty
} from './queries/feed.js'
export { closingEvents, endsFor } from './queries/session-ends.js'
