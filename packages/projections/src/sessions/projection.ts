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
import { evolveSessionWith } from '@callstate/domain'
import type { ProjectedEvent } from '../event.js'
import type { Projection } from '../projection.js'
import type { ReadModelTx } from '../readmodel-port.js'
import { callRowsOf, extensionsOf, sessionRowOf } from './rows.js'
import { loadEntry, nextEntry, touchedSessions, type Entry } from './touched.js'

export { UnreadableSession } from './touched.js'

/**
 * Bump when the session fold or the rows derived from it change.
 * 2: `rm_sessions.state` holds the header and facts only (the rest is derived when read).
 * 3: end facts from presence, talk from the connection, not-picked-up / routed outcomes, queue and park fields.
 * 4: reconciliation ends; a session ends at the latest instant of its parties' ends, own events and end facts alike.
 * 5: `rm_sessions.known_since_ms` (when the session became known, for `--known-at`) and the list indexes built on it.
 */
export const SESSIONS_VERSION = 5

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

export const sessionsProjection = (options: SessionsProjectionOptions = {}): Projection => {
  const cacheSize = options.cacheSize ?? 2_000
  // Insertion-ordered Map as an LRU: a hit is re-inserted at the end, eviction takes from the front.
  const cache = new Map<string, Entry>()

  const owns = options.owns ?? (() => true)

  const apply = (tx: ReadModelTx, events: ReadonlyArray<ProjectedEvent>): void => {
    for (const [id, { bodies, ends, last, knownSinceMs }] of touchedSessions(events, owns)) {
      const before = cache.get(id) ?? loadEntry(tx, id)
      cache.delete(id)
      const entry = nextEntry(before, evolveSessionWith(before.state, bodies, ends), last, knownSinceMs)
      tx.saveSession(
        sessionRowOf(entry.state, entry.position, entry.knownSinceMs),
        callRowsOf(entry.state, entry.endedPositions),
        extensionsOf(entry.state)
      )
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
