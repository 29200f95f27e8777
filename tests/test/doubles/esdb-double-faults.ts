/**
 * TEST DOUBLE: what a remote EventStoreDB server over a real network does to the calls of the gRPC double
 * (./esdb-grpc-double.ts), so the adapter can be tested and benchmarked against it:
 * - latency: every call answers `delayMs` after it arrived (an Append's answer, a Read's first message); calls
 *   in flight overlap, so throughput depends on how many the client keeps in flight, as on a network;
 * - calls that never answer: `hangNext(n)` makes the next n calls of a kind hang, `hangRate(p)` a random share of
 *   them (seeded: the same run hangs the same calls). A hung Append is still applied when `applied` is true (the
 *   write reached the log, its answer was lost) and not applied otherwise; a hung Read sends nothing. Either way
 *   the call stays open until the client gives up on it, or until `clear()`.
 */

export type CallKind = 'append' | 'read'

export interface FaultOptions {
  /** Added before every answer, in ms (default 0). */
  readonly delayMs?: number
  /** Share of calls (0..1) that never answer (default 0). */
  readonly hangRate?: number
  /** Whether a hung Append is applied before going silent (default true: the worse case for a client). */
  readonly hungAppendsApplied?: boolean
  /** Seed of the hang draws (default 1). */
  readonly seed?: number
}

export class Faults {
  delayMs: number
  hungAppendsApplied: boolean
  private rate: number
  private state: number
  private readonly next: Record<CallKind, number> = { append: 0, read: 0 }
  private readonly timers = new Set<NodeJS.Timeout>()
  /** Calls that were made to hang, per kind (for assertions and the bench's report). */
  readonly hung: Record<CallKind, number> = { append: 0, read: 0 }
  /** Calls received, per kind (an Append call however many events it carries; a Read call, subscriptions included). */
  readonly calls: Record<CallKind, number> = { append: 0, read: 0 }

  constructor(options: FaultOptions = {}) {
    this.delayMs = options.delayMs ?? 0
    this.rate = options.hangRate ?? 0
    this.hungAppendsApplied = options.hungAppendsApplied ?? true
    this.state = (options.seed ?? 1) >>> 0 || 1
  }

  hangNext(count: number, kind: CallKind = 'append'): void {
    this.next[kind] += count
  }

  hangRate(rate: number): void {
    this.rate = rate
  }

  /** xorshift32: deterministic draws in [0, 1). */
  private draw(): number {
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return this.state / 2 ** 32
  }

  private hangs(kind: CallKind): boolean {
    if (this.next[kind] > 0) {
      this.next[kind] -= 1
      return true
    }
    return this.rate > 0 && this.draw() < this.rate
  }

  /**
   * Runs `respond(true)` after the delay; for a call chosen to hang, an Append runs `respond(false)` (apply, do
   * not answer) when hung appends are applied, and nothing else happens.
   */
  answer(kind: CallKind, respond: (reply: boolean) => void): void {
    this.calls[kind] += 1
    const hang = this.hangs(kind)
    if (hang) this.hung[kind] += 1
    const run = (): void => {
      if (!hang) respond(true)
      else if (kind === 'append' && this.hungAppendsApplied) respond(false)
    }
    if (this.delayMs <= 0) return run()
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run()
    }, this.delayMs)
    this.timers.add(timer)
  }

  /** No more latency or hangs; pending delayed answers are dropped (the server is going away). */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.delayMs = 0
    this.rate = 0
    this.next.append = 0
    this.next.read = 0
  }
}
