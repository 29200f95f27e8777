/**
 * Reads `$all` in pages (`maxCount`) instead of one open-ended read that is cancelled part way: a
 * cancelled read can leave data buffered in the client's gRPC stream, and the client's `dispose()`
 * then waits for ever for that stream to finish. Each page is read to its end; the next one starts at
 * the last position seen, and whatever the server returns again at that boundary (forward reads include
 * their start) is skipped by comparing (commit, prepare) pairs, so no assumption about the server's
 * boundary rule is needed.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  type AllStreamResolvedEvent,
  type EventStoreDBClient
} from '@eventstore/db-client'
import type { Scope } from './bounded.js'
import { drain, type Visit } from './drain.js'

interface Pos {
  readonly commit: bigint
  readonly prepare: bigint
}

const compare = (a: Pos, b: Pos): number =>
  a.commit === b.commit ? (a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0) : a.commit < b.commit ? -1 : 1

export const pageAll = async (
  client: EventStoreDBClient,
  scope: Scope,
  direction: 'forwards' | 'backwards',
  from: Pos | 'start' | 'end',
  pageSize: number,
  visit: (resolved: AllStreamResolvedEvent) => Visit
): Promise<void> => {
  let start: Pos | 'start' | 'end' = from
  let last: Pos | undefined
  for (;;) {
    let seen = 0
    let stopped = false
    // The last position is tracked over every event, the caller's or not, to know where to go on.
    const read = client.readAll({
      fromPosition: start === 'start' ? START : start === 'end' ? END : start,
      direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
      maxCount: pageSize
    })
    await drain(read, scope, (resolved) => {
      seen += 1
      const position = resolved.event?.position
      if (position && last) {
        const order = compare(position, last)
        if (direction === 'forwards' ? order <= 0 : order >= 0) return 'more'
      }
      if (position) last = position
      if (!stopped && visit(resolved) === 'stop') stopped = true
      return 'more'
    })
    if (stopped || seen < pageSize || !last || scope.expired()) return
    start = last
  }
}
