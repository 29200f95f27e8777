/**
 * The sessions fold of a rebuild shard (../shard-fold.ts): the sessions projection's rows, written behind. A session's
 * facts are gathered in memory while its events keep coming and the session is derived and written once, when it
 * leaves the cache (the least recently touched first) or at `flush`; the live projection derives and writes every
 * session its batch touches, about 1.4 times per session over a rebuild.
 *
 * The rows are the ones the live projection writes (the fold is order-free and duplicate-proof: a session derived
 * once from all of its facts is the session derived batch by batch), except `rm_calls.ended_position`, which marks
 * the batch an end became visible in and is left out of the digest: here the whole stay in the cache is one batch.
 * Nothing here is checkpointed: rows held in memory are lost with the process, so this is only for a scratch file
 * that is thrown away unless the whole replay finishes.
 *
 * Memory is bounded by the cache, never by the log: a session that comes back after it was written is read back from
 * the scratch file, folded with its new facts and written again.
 */
import * as t from 'io-ts'
import { evolveSessionWith } from '@callstate/domain'
import type { ProjectedEvent } from '../event.js'
import type { ReadModelTx } from '../readmodel-port.js'
import { callRowsOf, extensionsOf, sessionRowOf } from './rows.js'
import { StoredEndFact } from './stored-state.js'
import { addSessionFacts, loadEntry, nextEntry, type SessionEnd, type Touched } from './touched.js'

/** An end fact for another shard's session, as the workers of a parallel rebuild pass it on. */
export const SessionEndMessage = t.type(
  { telephonySessionId: t.string, position: t.number, fact: StoredEndFact },
  'SessionEnd'
)

export interface WriteBehindSessions {
  /** Adds what one of this shard's events says about sessions; end facts about other shards' sessions go to `foreign`. */
  readonly add: (event: ProjectedEvent, foreign: (end: SessionEnd) => void) => void
  /** Adds end facts about this shard's sessions, found by other shards. */
  readonly addEnds: (ends: ReadonlyArray<SessionEnd>) => void
  /** Writes the least recently touched sessions beyond the cache size. */
  readonly evict: (tx: ReadModelTx) => void
  /** Writes every session still held in memory. */
  readonly flush: (tx: ReadModelTx) => void
}

export interface WriteBehindOptions {
  /** Sessions held in memory at most. */
  readonly cacheSize: number
  /** The streams of this shard. */
  readonly owns: (stream: string) => boolean
}

export const writeBehindSessions = ({ cacheSize, owns }: WriteBehindOptions): WriteBehindSessions => {
  // Insertion-ordered Map as an LRU: a touched session is re-inserted at the end, eviction takes from the front.
  const held = new Map<string, Touched>()

  const write = (tx: ReadModelTx, id: string, { bodies, ends, last, knownSinceMs }: Touched): void => {
    const before = loadEntry(tx, id)
    const entry = nextEntry(before, evolveSessionWith(before.state, bodies, ends), last, knownSinceMs)
    tx.saveSession(
      sessionRowOf(entry.state, entry.position, entry.knownSinceMs),
      callRowsOf(entry.state, entry.endedPositions),
      extensionsOf(entry.state)
    )
  }

  /** The session's record, moved to the young end of the cache. */
  const entry = (id: string, position: number): Touched => {
    const pending = held.get(id)
    if (pending === undefined) {
      const created: Touched = { bodies: [], ends: [], last: position, knownSinceMs: null }
      held.set(id, created)
      return created
    }
    held.delete(id)
    held.set(id, pending)
    // End facts passed on by other shards may come after later events of the session.
    pending.last = Math.max(pending.last, position)
    return pending
  }

  const evict = (tx: ReadModelTx): void => {
    for (const [id, pending] of held) {
      if (held.size <= cacheSize) return
      held.delete(id)
      write(tx, id, pending)
    }
  }

  return {
    add: (event, foreign) => addSessionFacts(event, { owns, entry, foreign }),
    addEnds: (ends) => {
      for (const e of ends) entry(e.telephonySessionId, e.position).ends.push(e.fact)
    },
    evict,
    flush: (tx) => {
      for (const [id, pending] of held) write(tx, id, pending)
      held.clear()
    }
  }
}
