/**
 * Walks a client read (a Readable of resolved events) under an operation's Scope. Once the visitor has
 * what it wants the rest is still read, not cancelled: a read cancelled with data buffered can keep the
 * client's `dispose()` waiting for ever, so reads are kept small instead (`maxCount`, ./pages.ts). Only
 * the operation's timer cancels a read.
 */
import type { StreamingRead } from '@eventstore/db-client'
import type { Scope } from './bounded.js'

export type Visit = 'more' | 'stop'

export const drain = async <T>(read: StreamingRead<T>, scope: Scope, visit: (item: T) => Visit): Promise<void> => {
  scope.onTimeout(() => {
    void read.cancel()
    read.destroy()
  })
  let wanted = true
  for await (const item of read) {
    if (scope.expired()) return
    if (wanted && visit(item) === 'stop') wanted = false
  }
}
