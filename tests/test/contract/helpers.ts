/** Small test helpers for the store contract: unwrap results, wait for callbacks, guard against hangs. */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { AppendOutcome, NewEvent, StoreFailure, StoredEvent } from '@callstate/projections'

/** The Right value, or a test failure naming the store's failure. */
export const must = async <A>(task: TE.TaskEither<StoreFailure, A>): Promise<A> => {
  const result = await task()
  if (E.isLeft(result)) throw new Error(`the store answered ${JSON.stringify(result.left)}`)
  return result.right
}

/** What the store must give back for `events` appended to `stream` with this outcome (all of them Appended). */
export const stored = (
  stream: string,
  events: ReadonlyArray<NewEvent>,
  outcome: AppendOutcome
): ReadonlyArray<StoredEvent> =>
  events.map((event, i) => {
    const result = outcome.results[i]
    if (result?._tag !== 'Appended' || result.id !== event.id)
      throw new Error(`expected ${event.id} to be Appended, got ${JSON.stringify(result)}`)
    return { ...event, stream, revision: result.revision, position: result.position }
  })

export const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

// Generous limits: they turn a hang into a named failure, they do not measure speed.
const PATIENCE_MS = 10_000

/** Waits until `condition` holds; fails with `what` if it never does. */
export const until = async (condition: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + PATIENCE_MS
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await settle(10)
  }
}

/** Runs the task; a throw, a rejection or a hang fails the test with the operation's name. */
export const hangGuard = async <A>(
  label: string,
  task: TE.TaskEither<StoreFailure, A>
): Promise<E.Either<StoreFailure, A>> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not answer within ${PATIENCE_MS} ms`)), PATIENCE_MS)
  })
  try {
    return await Promise.race([Promise.resolve().then(task), hang])
  } catch (error) {
    throw new Error(`${label} threw instead of answering a value: ${String(error)}`)
  } finally {
    clearTimeout(timer)
  }
}
