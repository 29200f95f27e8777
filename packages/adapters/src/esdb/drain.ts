/**
 * Walks a client read (a Readable of resolved events) under an operation's Scope: the read is
 * cancelled on the server when the visitor stops early or the operation's timer fires.
 */
import type { StreamingRead } from '@eventstore/db-client'
import type { Scope } from './bounded.js'

export type Visit = 'more' | 'stop'

export const drain = async <T>(read: StreamingRead<T>, scope: Scope, visit: (item: T) => Visit): Promise<void> => {
  const stop = (): void => {
    void read.cancel()
    read.destroy()
  }
  scope.onTimeout(stop)
  for await (const item of read) {
    if (scope.expired() || visit(item) === 'stop') {
      stop()
      return
    }
  }
}
