/**
 * Group commit: webhook requests that arrive while a commit is running wait in a queue and are committed
 * together by the next single commit (one `appendBatch` transaction, one disk sync), so durability does not
 * cost one sync per request. Under load the batch size grows by itself with the time one commit takes.
 *
 * The embedded store commits synchronously: while it writes, the event loop handles no socket, so requests
 * "arriving during a commit" are only read once it returned. Hence the queue yields to I/O (`setImmediate`,
 * no timer) before each commit: every request whose body the loop has read by then joins the batch. Under no
 * load that costs one turn of the event loop, not a wait.
 *
 * The queue never answers before the commit of its item returned: a caller's promise settles with that
 * item's outcome, or with the commit's failure for every item of the failed batch.
 */
import * as E from 'fp-ts/lib/Either.js'

export interface GroupCommitStats {
  /** Items waiting for the next commit. */
  readonly queued: number
  /** Whether a commit is running now. */
  readonly committing: boolean
}

export interface GroupCommit<I, O, F> {
  /** Queue one item; resolves (never rejects) once the commit that carried it has finished. */
  readonly submit: (item: I) => Promise<E.Either<F, O>>
  /** Resolves when nothing is queued and no commit runs (used at shutdown, after the server stopped accepting). */
  readonly drain: () => Promise<void>
  readonly stats: () => GroupCommitStats
}

export interface GroupCommitOptions<I, O, F> {
  /** Commits one batch; must answer with exactly one outcome per item, in item order. */
  readonly commit: (items: ReadonlyArray<I>) => Promise<E.Either<F, ReadonlyArray<O>>>
  /** Upper bound of items per commit, so one transaction stays short. */
  readonly maxBatch: number
  /** Turns a commit that broke its contract (rejected, wrong outcome count) into a failure value. */
  readonly onBroken: (cause: string) => F
  /** Told about every batch (metrics: batch sizes). */
  readonly onBatch?: (size: number) => void
}

/** Lets the event loop read sockets (and run their handlers) before going on. */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

interface Waiting<I, O, F> {
  readonly item: I
  readonly settle: (result: E.Either<F, O>) => void
}

export const groupCommit = <I, O, F>(options: GroupCommitOptions<I, O, F>): GroupCommit<I, O, F> => {
  const { commit, maxBatch, onBroken, onBatch } = options
  let queue: Waiting<I, O, F>[] = []
  let running: Promise<void> | null = null

  const commitOne = async (batch: ReadonlyArray<Waiting<I, O, F>>): Promise<void> => {
    onBatch?.(batch.length)
    // The commit function returns failures as values; a rejection here is a bug in it, and its callers must
    // still get an answer (a 503, not a hung request), so it becomes a failure value carrying the cause.
    const result = await commit(batch.map((w) => w.item)).then(
      (r) => r,
      (cause: unknown) => E.left(onBroken(`commit rejected: ${String(cause)}`))
    )
    if (E.isLeft(result)) {
      for (const w of batch) w.settle(result)
      return
    }
    if (result.right.length !== batch.length) {
      const broken = E.left(onBroken(`commit answered ${result.right.length} outcomes for ${batch.length} items`))
      for (const w of batch) w.settle(broken)
      return
    }
    batch.forEach((w, i) => {
      const outcome = result.right[i]
      w.settle(outcome === undefined ? E.left(onBroken('missing outcome')) : E.right(outcome))
    })
  }

  const loop = async (): Promise<void> => {
    await yieldToIo()
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      await commitOne(batch)
      await yieldToIo()
    }
    running = null
  }

  return {
    submit: (item) =>
      new Promise((settle) => {
        queue.push({ item, settle })
        if (running === null) running = loop()
      }),
    drain: async () => {
      while (running !== null) await running
    },
    stats: () => ({ queued: queue.length, committing: running !== null })
  }
}
