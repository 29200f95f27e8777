/**
 * The EventStore port: the only way projections and the application touch the notification log.
 * Adapters (packages/adapters: SQLite, EventStoreDB) implement it; nothing here names a driver.
 * Every expected failure is a value (`StoreFailure`), never a thrown exception.
 */
import type * as TE from 'fp-ts/lib/TaskEither.js'

import { EventType, EventMetadata, NewEvent, Source } from './vocabulary.js'

export { EventType, EventMetadata, NewEvent, Source }

/**
 * A position in the whole log. Strictly increasing along the log. SQLite: the gap-free global sequence
 * (first event is 1). EventStoreDB: the event's `$all` prepare position (the adapter's positions.ts).
 * 0 means "before the first event".
 */
export type Position = number

export interface StoredEvent extends NewEvent {
  readonly stream: string
  /** 0-based index of the event within its stream. */
  readonly revision: number
  readonly position: Position
}

/** `number`: the revision of the stream's last event (0-based). */
export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | number

export interface AppendRequest {
  readonly stream: string
  readonly expected: ExpectedRevision
  readonly events: ReadonlyArray<NewEvent>
}

export type AppendResult =
  | { readonly _tag: 'Appended'; readonly id: string; readonly position: Position; readonly revision: number }
  /** The id was already in the log: nothing was written. `existing` lets the caller tell a true duplicate from a conflict. */
  | { readonly _tag: 'Duplicate'; readonly id: string; readonly existing: StoredEvent }

export interface AppendOutcome {
  readonly stream: string
  readonly results: ReadonlyArray<AppendResult>
  /** Revision of the stream's last event after the append (-1 for an empty stream). */
  readonly lastRevision: number
}

export type StoreFailure =
  | {
      readonly _tag: 'VersionConflict'
      readonly stream: string
      readonly expected: ExpectedRevision
      readonly actual: number | 'no-stream'
    }
  | { readonly _tag: 'Unavailable'; readonly cause: string }
  | { readonly _tag: 'Timeout'; readonly operation: string; readonly ms: number }
  | { readonly _tag: 'InvalidRequest'; readonly reason: string }

export interface ReadStreamOptions {
  readonly fromRevision?: number
  readonly limit?: number
}

export interface Subscription {
  /** Stops the subscription; resolves when no handler call is running any more. */
  readonly close: () => Promise<void>
}

export interface SubscribeHandlers {
  /** Called with batches in log order, never concurrently; the next batch waits for the returned promise. */
  readonly onEvents: (events: ReadonlyArray<StoredEvent>) => void | Promise<void>
  /** Called once the backlog that existed when subscribing has been delivered (then live events follow). */
  readonly onCaughtUp?: () => void
  readonly onError?: (failure: StoreFailure) => void
}

/** What a store can say about its own reads (`EventStore.diagnostics`). */
export interface StoreDiagnostics {
  /** Events in the log that are not callstate's (another program wrote them), skipped by reads: each counted once. */
  readonly foreignSkipped: number
  /** Why the last few of them were skipped, oldest first. */
  readonly recentForeign: ReadonlyArray<string>
}

export interface EventStore {
  /** Append to one stream; idempotent by event id (an id already stored is reported `Duplicate`, not rewritten). */
  readonly append: (request: AppendRequest) => TE.TaskEither<StoreFailure, AppendOutcome>
  /**
   * Append to several streams. The embedded store commits them in one transaction (group commit);
   * a VersionConflict on one request fails the whole batch and writes nothing. EventStoreDB writes each
   * stream's requests in order but different streams concurrently (in any order) and not atomically: a failed
   * batch may leave some streams written, which running it again answers `Duplicate`.
   */
  readonly appendBatch: (
    requests: ReadonlyArray<AppendRequest>
  ) => TE.TaskEither<StoreFailure, ReadonlyArray<AppendOutcome>>
  /** One stream in revision order; an absent stream reads as []. */
  readonly readStream: (
    stream: string,
    options?: ReadStreamOptions
  ) => TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>>
  /** The whole log in order, events with position strictly greater than `after`, at most `limit` of them. */
  readonly readAll: (after: Position, limit: number) => TE.TaskEither<StoreFailure, ReadonlyArray<StoredEvent>>
  /**
   * The event with this id. `occurredAt` (the notification's time, `EventMetadata.occurredAt` or the envelope
   * `timestamp` it came from) lets the embedded store find it with one index read; without it the embedded store
   * reads `streamHint`'s events, and without either it scans the log (slow on a large log: give a hint).
   * EventStoreDB has no global id index, so it looks only in `streamHint` (and returns undefined without one).
   * Two events may share an id only when their `occurredAt` differ (a notification re-sent with the same uuid and
   * another timestamp): this answers the first in the log.
   */
  readonly findById: (
    id: string,
    streamHint?: string,
    occurredAt?: string
  ) => TE.TaskEither<StoreFailure, StoredEvent | undefined>
  /** Deliver every event after `after` (catch up), then follow the log live until closed. */
  readonly subscribe: (after: Position, handlers: SubscribeHandlers) => Subscription
  /** Position of the last event in the log (0 when empty). */
  readonly head: () => TE.TaskEither<StoreFailure, Position>
  /** Stores that can meet events another program wrote (EventStoreDB) say how many they skipped. */
  readonly diagnostics?: () => StoreDiagnostics
  readonly close: () => Promise<void>
}

/** Stream names: one place, so every adapter and query agrees. */
export const streams = {
  session: (telephonySessionId: string): string => `session-${telephonySessionId}`,
  presence: (extensionId: string): string => `presence-${extensionId}`,
  messages: (extensionId: string): string => `messages-${extensionId}`,
  unknown: 'unknown',
  quarantine: 'quarantine'
} as const

/**
 * The prefix of every stream name `streams` makes, derived from it so a new kind of stream is never left out:
 * an EventStoreDB subscription asks the server for these streams only.
 */
export const streamPrefixes: ReadonlyArray<string> = Object.values(streams).map((name) =>
  typeof name === 'function' ? name('') : name
)
