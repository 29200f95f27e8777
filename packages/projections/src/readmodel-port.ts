/**
 * The read-model port: where projections keep what they folded, and the checkpoint that says how far
 * into the log they got. The adapter (packages/adapters/src/readmodels, SQLite) implements it.
 *
 * Synchronous on purpose: the embedded driver is synchronous, and a synchronous `transaction` makes
 * "rows and checkpoint in one transaction" a plain function call — nothing can interleave between the
 * writes of one batch and the checkpoint that covers them.
 */
import type { LiveStatus } from '@callstate/domain'

export type ProjectionName = 'sessions' | 'presence' | 'messages'
export const PROJECTION_NAMES: ReadonlyArray<ProjectionName> = ['sessions', 'presence', 'messages']

export interface MetaRow {
  readonly projection: string
  readonly version: number
  /** Log position of the last event this projection has applied (0: none). */
  readonly checkpoint: number
}

/** `rm_sessions`: one row per telephony session. */
export interface SessionRow {
  readonly telephonySessionId: string
  /** Never `stale`: staleness depends on the clock and is decided at query time. */
  readonly status: LiveStatus
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly lastEventAt: string | null
  /** Log position of the last event applied to this session. */
  readonly position: number
  /** The session's header and facts, canonical JSON (`storedStateText`); read with `parseStoredState`. */
  readonly state: string
  /**
   * When the session became known: the earliest `receivedAt` (ms since the epoch) of its telephony notifications;
   * null when none has a valid one. Serves `--known-at` (a session is known at K once this is <= K).
   */
  readonly knownSinceMs: number | null
}

/** `rm_calls`: one row per party of a session, rewritten whenever its session changes. */
export interface CallRow {
  readonly telephonySessionId: string
  readonly partyId: string
  readonly extensionId: string | null
  readonly direction: string | null
  readonly ringOutRole: string | null
  readonly queueCall: boolean
  readonly status: string
  readonly reason: string | null
  readonly outcome: string
  readonly ended: boolean
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
  readonly sessionStartedAt: string | null
  /** Time of the party's first history entry. */
  readonly startedAt: string | null
  /** Time of the history entry that ended the party (null while it lives). */
  readonly endedAt: string | null
  /** Log position of the first event after which the party was ended (null while it lives). */
  readonly endedPosition: number | null
}

/** A presence fact as the projection writes it; the store keys it by (extension, sequence, content). */
export interface PresenceFact {
  readonly extensionId: string
  /** The presence sequence; -1 when the update carried none (a NULL would defeat the primary key). */
  readonly sequence: number
  readonly at: string | null
  /** canonicalJson(PresenceUpdate). */
  readonly fact: string
}

/** `rm_presence`: one row per distinct presence fact; the timeline is built at query time. */
export interface PresenceRow extends PresenceFact {
  /**
   * Distinguishes two different facts at the same sequence: a digest of `fact`, made by the store (the fact is
   * not stored twice).
   */
  readonly contentKey: string
}

/** `rm_messages`: one row per change of a message-store notification. */
export interface MessageRow {
  readonly extensionId: string
  readonly at: string | null
  readonly type: string
  readonly newCount: number
  readonly updatedCount: number
  readonly eventId: string
}

export interface StoredSession {
  readonly row: SessionRow
  readonly calls: ReadonlyArray<CallRow>
}

/** The writes a projection may make, inside one transaction of the runner. */
export interface ReadModelTx {
  /** The checkpoint as committed (another runner on the same file may have moved it). */
  readonly checkpoint: (projection: ProjectionName) => number
  readonly setCheckpoint: (projection: ProjectionName, position: number) => void
  readonly loadSession: (telephonySessionId: string) => StoredSession | undefined
  /** Replaces the session row, its call rows and its extension index. */
  readonly saveSession: (row: SessionRow, calls: ReadonlyArray<CallRow>, extensions: ReadonlyArray<string>) => void
  /** Idempotent: a fact already stored is left as it is. */
  readonly addPresence: (row: PresenceFact) => void
  /** Idempotent by (eventId, type). */
  readonly addMessage: (row: MessageRow) => void
}

/** Sessions ordered newest first: by startedAt descending, then id descending. */
export interface SessionKey {
  readonly startedAt: string
  readonly telephonySessionId: string
}

export interface SessionListQuery {
  /** Only sessions whose stored status is not `ended`. */
  readonly notEnded?: boolean
  readonly extensionId?: string
  /** Only sessions started at or before this instant (normalised ISO). */
  readonly startedAtOrBefore?: string
  /** Only sessions not ended by this instant: endedAt null or after it (normalised ISO). */
  readonly openAt?: string
  /**
   * Only sessions whose last event is after this instant (normalised ISO), or that have no timed event. A call
   * with no event since `(at or now) - staleAfter` is stale then, whatever came before: the active-calls query
   * uses this to skip the long-stale calls without reading their state.
   */
  readonly lastEventAfter?: string
  /** Only sessions known by this instant (ms since the epoch): `knownSinceMs` at or before it. */
  readonly knownBy?: number
  /** Rows strictly after this key, in list order. */
  readonly after?: SessionKey
  readonly limit: number
}

export interface ReadModelStore {
  readonly meta: () => ReadonlyArray<MetaRow>
  /** Drops every row of the projection and sets its version, checkpoint 0 (one transaction). */
  readonly reset: (projection: ProjectionName, version: number) => void
  /** Runs `f` in one write transaction: all of it commits, or none of it. */
  readonly transaction: <A>(f: (tx: ReadModelTx) => A) => A
  readonly session: (telephonySessionId: string) => SessionRow | undefined
  readonly listSessions: (query: SessionListQuery) => ReadonlyArray<SessionRow>
  readonly calls: (telephonySessionId: string) => ReadonlyArray<CallRow>
  readonly presence: (extensionId: string) => ReadonlyArray<PresenceRow>
  readonly messages: (extensionId: string) => ReadonlyArray<MessageRow>
  /**
   * sha256 (hex) over a canonical serialisation of every read-model table in key order, excluding the
   * bookkeeping in rm_meta (versions and checkpoints). See docs/read-models.md.
   */
  readonly digest: () => string
  /**
   * The digest together with the checkpoint it belongs to (the lowest over the projections), both read in one
   * transaction: another process's runner (a `serve` following the log) may commit between two separate reads.
   */
  readonly snapshot: () => { readonly digest: string; readonly checkpoint: number }
  /**
   * Optional, for a rebuild into freshly emptied tables: the store may trade its per-transaction costs (secondary
   * indexes kept up to date row by row, a sync at each WAL checkpoint) for one pass at the end. Returns `finish`,
   * which restores the normal mode (indexes back) and makes what was written durable. The rows, and so the digest,
   * are the same either way; a process killed in bulk mode leaves a read model that the next open repairs.
   */
  readonly bulkLoad?: () => () => void
  readonly close: () => void
}
