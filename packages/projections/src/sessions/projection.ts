/**
 * The sessions projection: rm_sessions, rm_calls, rm_session_extensions from telephony-session events, and the end
 * facts that detailed presence gives about sessions (`terminationType: final`: the domain's session/ends.ts). A
 * presence notification is in its extension's stream, not the session's: the projection routes its end facts to
 * their sessions, so a call whose own end never came is closed whichever stream arrives first.
 *
 * Per batch, each session touched is loaded once (from a small cache, else from the read model), evolved with
 * all of its bodies in the batch at once (`evolveSessionWith`: one sort, one derivation) and saved once.
 * Because the domain fold is order-free and duplicate-proof, a batch boundary never changes the state.
 *
 * `rm_calls.ended_position` is the position of the last event of the batch in which a party was first seen
 * ended, or later, in which its session ended: a visibility marker for incremental consumers ("calls whose end
 * became visible after checkpoint X": `export calls --follow` exports a session's records once it has ended),
 * always <= the checkpoint committed with it. A session can end in a batch where no party ends: the last live
 * party moves (CallSwitch) after the others have ended; the ended parties are marked again in that batch. It
 * depends on batching, so the digest leaves it out.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  emptySession,
  evolveSessionWith,
  presenceEnds,
  presenceUpdate,
  reconciliationEnds,
  type EndFact,
  type SessionState,
  type TelephonySessionBody
} from '@callstate/domain'
import { streams } from '../port.js'
import type { ProjectedEvent } from '../event.js'
import type { Projection } from '../projection.js'
import type { ReadModelTx } from '../readmodel-port.js'
import { callRowsOf, extensionsOf, sessionRowOf } from './rows.js'
import { parseStoredState } from './stored-state.js'

/**
 * Bump when the session fold or the rows derived from it change.
 * 2: `rm_sessions.state` holds the header and facts only (the rest is derived when read).
 * 3: end facts from presence, talk from the connection, not-picked-up / routed outcomes, queue and park fields.
 * 4: reconciliation ends; a session ends at the latest instant of its parties' ends, own events and end facts alike.
 */
export const SESSIONS_VERSION = 4

interface Entry {
  readonly state: SessionState
  readonly position: number
  readonly endedPositions: ReadonlyMap<string, number>
}

/** A read-model state the current code cannot read: thrown inside the transaction, so nothing of the batch commits. */
export class UnreadableSession extends Error {
  constructor(
    readonly telephonySessionId: string,
    reason: string
  ) {
    super(`read model of session ${telephonySessionId} is unreadable (${reason}): run \`callstate rebuild\``)
    this.name = 'UnreadableSession'
  }
}

const load = (tx: ReadModelTx, id: string): Entry => {
  const stored = tx.loadSession(id)
  if (stored === undefined) return { state: emptySession(id), position: 0, endedPositions: new Map() }
  const state = parseStoredState(id, stored.row.state)
  if (E.isLeft(state)) throw new UnreadableSession(id, state.left.reason)
  const endedPositions = new Map<string, number>()
  for (const c of stored.calls) if (c.endedPosition !== null) endedPositions.set(c.partyId, c.endedPosition)
  return { state: state.right, position: stored.row.position, endedPositions }
}

export interface SessionsProjectionOptions {
  /** Sessions kept in memory between batches (a rebuild touches each session in a few neighbouring batches). */
  readonly cacheSize?: number
  readonly version?: number
  /**
   * The streams whose read-model rows this projection writes (default: all). A parallel-rebuild worker owns the
   * sessions of its shard: it is also given the other shards' presence notifications, and applies only the end
   * facts they carry about its own sessions.
   */
  readonly owns?: (stream: string) => boolean
}

interface Touched {
  readonly bodies: TelephonySessionBody[]
  readonly ends: EndFact[]
  last: number
}

/** What a batch says about each session: its telephony bodies and the end facts presence gives about it. */
const touchedSessions = (
  events: ReadonlyArray<ProjectedEvent>,
  owns: (stream: string) => boolean
): Map<string, Touched> => {
  const touched = new Map<string, Touched>()
  const entry = (id: string, position: number): Touched => {
    const t = touched.get(id) ?? { bodies: [], ends: [], last: position }
    t.last = position
    touched.set(id, t)
    return t
  }
  for (const e of events) {
    if (e.kind === 'reconciliation') {
      const id = e.observation.telephonySessionId
      if (owns(streams.session(id))) entry(id, e.position).ends.push(...reconciliationEnds(e.observation, e.id))
      continue
    }
    const n = e.notification
    if (n.kind === 'telephony-session') entry(n.body.telephonySessionId, e.position).bodies.push(n.body)
    else if (n.kind === 'detailed-presence')
      for (const end of presenceEnds(presenceUpdate(n), e.id))
        if (owns(streams.session(end.telephonySessionId))) entry(end.telephonySessionId, e.position).ends.push(end.fact)
  }
  return touched
}

export const sessionsProjection = (options: SessionsProjectionOptions = {}): Projection => {
  const cacheSize = options.cacheSize ?? 2_000
  // Insertion-ordered Map as an LRU: a hit is re-inserted at the end, eviction takes from the front.
  const cache = new Map<string, Entry>()

  const owns = options.owns ?? (() => true)

  const apply = (tx: ReadModelTx, events: ReadonlyArray<ProjectedEvent>): void => {
    for (const [id, { bodies, ends, last }] of touchedSessions(events, owns)) {
      const before = cache.get(id) ?? load(tx, id)
      cache.delete(id)
      const state = evolveSessionWith(before.state, bodies, ends)
      const endedPositions = new Map<string, number>()
      const sessionJustEnded = state.status === 'ended' && before.state.status !== 'ended'
      for (const p of state.parties) {
        if (!p.ended) continue
        endedPositions.set(p.id, sessionJustEnded ? last : (before.endedPositions.get(p.id) ?? last))
      }
      const entry: Entry = { state, position: Math.max(before.position, last), endedPositions }
      tx.saveSession(sessionRowOf(state, entry.position), callRowsOf(state, endedPositions), extensionsOf(state))
      cache.set(id, entry)
    }
    while (cache.size > cacheSize) {
      const oldest = cache.keys().next()
      if (oldest.done === true) break
      cache.delete(oldest.value)
    }
  }

  return { name: 'sessions', version: options.version ?? SESSIONS_VERSION, apply, invalidate: () => cache.clear() }
}
