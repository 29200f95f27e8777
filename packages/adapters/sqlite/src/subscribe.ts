/**
 * The store's side of live subscriptions (the pump itself is in subscription.ts): the poll that notices commits
 * made through other connections, and `subscribe`, which hands the hub guarded reads of this connection.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { EventStore } from '@callstate/projections'
import type { Connection } from './connection.js'
import { unavailable } from './failure.js'
import { head, readAll } from './read.js'
import { makeHub, refused } from './subscription.js'

export type Hub = ReturnType<typeof makeHub>

/** `PRAGMA data_version` changes when another connection has committed since this one last asked. */
export const watchLog = (c: Connection, pollIntervalMs: number): Hub => {
  let dataVersion: unknown = c.statements.dataVersion.get()
  return makeHub(
    () =>
      c.run('poll for appends by other processes', () => {
        const now: unknown = c.statements.dataVersion.get()
        const changed = now !== dataVersion
        dataVersion = now
        return E.right(changed)
      }),
    pollIntervalMs
  )
}

export const subscribe =
  (c: Connection, hub: Hub, batchSize: number): EventStore['subscribe'] =>
  (after, handlers) =>
    c.isClosed()
      ? refused(handlers, unavailable(`subscribe: the store at ${c.file} is closed`))
      : hub.subscribe(
          {
            after: (from, limit) => c.run('subscribe', () => readAll(c, from, limit)),
            head: () => c.run('subscribe', () => head(c))
          },
          after,
          handlers,
          batchSize
        )
