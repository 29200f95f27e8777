/**
 * How appends share the node: `Lanes` keeps the appends of one stream in order, one at a time, across every
 * batch of this store (two appends to one stream in flight at once would only make each other retry on
 * WrongExpectedVersion); `Limiter` keeps at most N streams' appends in flight at once (`concurrency`), so a batch
 * of many streams overlaps its round trips without flooding the node.
 */

export class Lanes {
  private readonly tails = new Map<string, Promise<void>>()

  /** Runs `task` once every task queued before it for `key` has settled. */
  run<A>(key: string, task: () => Promise<A>): Promise<A> {
    const before = this.tails.get(key) ?? Promise.resolve()
    const result = before.then(task)
    const tail = result.then(
      () => undefined,
      () => undefined
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }
}

export class Limiter {
  private running = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly max: number) {}

  /** Runs `task` when fewer than `max` tasks run; a finished task hands its slot to the longest waiting one. */
  async run<A>(task: () => Promise<A>): Promise<A> {
    if (this.running < this.max) this.running += 1
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running -= 1
    }
  }
}
