/** What a query can answer instead of a result: every expected failure is a value. */
import type { StoreFailure } from '../port.js'
import { describeError } from '../describe.js'

export type QueryFailure =
  | { readonly _tag: 'NotFound'; readonly message: string }
  | { readonly _tag: 'InvalidQuery'; readonly message: string }
  | { readonly _tag: 'ReadModelFailure'; readonly cause: string }
  | StoreFailure

export const notFound = (message: string): QueryFailure => ({ _tag: 'NotFound', message })
export const invalidQuery = (message: string): QueryFailure => ({ _tag: 'InvalidQuery', message })
export const readModelFailure = (e: unknown): QueryFailure => ({
  _tag: 'ReadModelFailure',
  cause: describeError(e)
})

/**
 * The instant of a query: `now` (read from the clock by the adapter), `--at` (the answer as it was at that
 * moment, by the events' own times) and `--known-at` (only what had been received by then). Normalised ISO.
 */
export interface QueryTime {
  readonly now: string
  readonly at?: string
  readonly knownAt?: string
  readonly staleAfterMs: number
}
