export type {
  PartyUpdate,
  PartyState,
  LiveStatus,
  SessionStatus,
  SessionState,
  Gap,
  Link,
  EndFact,
  EndedBy,
  QueueRef
} from './types.js'
export { LIVE_STATUSES, SESSION_STATUSES } from './types.js'
export { emptySession, evolveSession, evolveSessionWith, foldSession, sessionAt } from './fold.js'
export { isStale, statusAt } from './stale.js'
export { isConferenceBridge } from './links.js'
export { partyUpdates, plainParty, compareUpdates, insertUpdates, factText } from './facts.js'
export { deriveSession, type SessionHeader } from './derive.js'
export { presenceEnds, insertEnds, reconciliationEnds } from './ends.js'
export type { ReconciliationObservation } from './reconciliation.js'
export { sessionAsOf, staleState, type AsOf, type SessionAsOf } from './as-of.js'
