/**
 * The fold of one shard of a parallel rebuild: the events of some streams (every event of a stream in one shard),
 * decoded once each and folded into the three read models of a scratch file, with no checkpoints (the file is thrown
 * away unless the whole replay finishes). Presence and messages rows are the projections' own; sessions are written
 * behind (./sessions/write-behind.ts).
 *
 * A session's end can come from another stream (an extension's detailed presence, a reconciliation filed elsewhere):
 * end facts about another shard's sessions are handed to the caller, which passes them to that shard's fold
 * (`applyEnds`); the fold is order-free, so they may arrive after the session's own events, or after it was written.
 */
import * as E from 'fp-ts/lib/Either.js'
import { isProjected, projectEvent, type ReadableEvent, type Undecodable } from './event.js'
import { messagesProjection } from './messages/projection.js'
import { presenceProjection } from './presence/projection.js'
import type { ReadModelTx } from './readmodel-port.js'
import type { SessionEnd } from './sessions/touched.js'
import { writeBehindSessions } from './sessions/write-behind.js'

export type { SessionEnd } from './sessions/touched.js'
export { SessionEndMessage } from './sessions/write-behind.js'

/** Problems kept in full (the report counts them all), as the runner's. */
const MAX_PROBLEMS = 20

/**
 * Sessions a shard holds in memory. A call's events sit close together in the log (in the simulator's 1M log 99% of
 * sessions span fewer than 20 positions), and the late ones (an extension's `final` presence) come soon after.
 */
export const SHARD_SESSION_CACHE = 1_000

export interface ShardFoldOptions {
  /** The streams of this shard. */
  readonly owns: (stream: string) => boolean
  readonly sessionCacheSize?: number
}

export interface ShardFoldReport {
  readonly undecodable: number
  /** The first few, in position order. */
  readonly problems: ReadonlyArray<Undecodable>
}

export interface ShardFold {
  /**
   * Decodes and folds a batch of the shard's events, in log order, inside the caller's transaction. Returns the end
   * facts they give about other shards' sessions.
   */
  readonly apply: (tx: ReadModelTx, events: ReadonlyArray<ReadableEvent>) => SessionEnd[]
  /** End facts about this shard's sessions, found by other shards. */
  readonly applyEnds: (tx: ReadModelTx, ends: ReadonlyArray<SessionEnd>) => void
  /** Writes what is still held in memory: after the last batch and the last end facts. */
  readonly finish: (tx: ReadModelTx) => ShardFoldReport
}

export const shardFold = (options: ShardFoldOptions): ShardFold => {
  const sessions = writeBehindSessions({
    cacheSize: options.sessionCacheSize ?? SHARD_SESSION_CACHE,
    owns: options.owns
  })
  const presence = presenceProjection()
  const messages = messagesProjection()
  let undecodable = 0
  const problems: Undecodable[] = []
  return {
    apply: (tx, events) => {
      const foreign: SessionEnd[] = []
      const passOn = (end: SessionEnd): void => void foreign.push(end)
      // One event at a time, so that little of the batch is alive at once (the garbage collector copies what is).
      for (const e of events) {
        if (!isProjected(e)) continue
        const p = projectEvent(e)
        if (E.isLeft(p)) {
          if (undecodable++ < MAX_PROBLEMS) problems.push(p.left)
          continue
        }
        const one = [p.right]
        sessions.add(p.right, passOn)
        presence.apply(tx, one)
        messages.apply(tx, one)
      }
      sessions.evict(tx)
      return foreign
    },
    applyEnds: (tx, ends) => {
      sessions.addEnds(ends)
      sessions.evict(tx)
    },
    finish: (tx) => {
      sessions.flush(tx)
      return { undecodable, problems }
    }
  }
}
