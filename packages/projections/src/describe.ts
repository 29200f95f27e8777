/**
 * Failures as one line for people: every face (CLI messages, HTTP errors, logs, worker reports) words a
 * thrown value, a store failure or a runner failure through these, so the same failure reads the same
 * everywhere. No dependencies on purpose.
 */
import type { StoreFailure } from './port.js'

/** What the projection runner can fail with: the log's failures, or the read models'. */
export type RunnerFailure = StoreFailure | { readonly _tag: 'ReadModelFailure'; readonly cause: string }

/** A thrown value (an Error, or anything else something threw) as its message. */
export const describeError = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export const describeStoreFailure = (f: StoreFailure): string => {
  switch (f._tag) {
    case 'Unavailable':
      return `the event store is unavailable: ${f.cause}`
    case 'Timeout':
      return `the event store did not answer ${f.operation} within ${f.ms} ms`
    case 'InvalidRequest':
      return `the event store refused the request: ${f.reason}`
    case 'VersionConflict':
      return `stream ${f.stream} changed concurrently (expected ${String(f.expected)}, found ${String(f.actual)})`
  }
}

export const describeRunnerFailure = (f: RunnerFailure): string =>
  f._tag === 'ReadModelFailure' ? `read models: ${f.cause}` : describeStoreFailure(f)
