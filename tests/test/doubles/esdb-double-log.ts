/**
 * TEST DOUBLE storage: the in-memory transaction log behind the EventStoreDB gRPC double
 * (./esdb-grpc-double.ts). It reproduces the server rules the adapter depends on, not the whole server:
 * - `$all` positions are byte offsets in a log; the events of one append share a commit position (the
 *   offset of the first one) and each has its own prepare position, as EventStoreDB's implicit
 *   transactions do. `$all` is ordered by (commit, prepare).
 * - Expected-revision checks (any / no_stream / stream_exists / exact revision).
 * - Event-id idempotency within one stream only: a retried append whose events are already in the
 *   stream at the same place succeeds without writing (any: found by the first id; an exact revision:
 *   only if the ids sit right after that revision). With an exact revision equal to the current one,
 *   the server writes the same ids again, exactly as the real one does.
 */

export interface ProposedEvent {
  readonly id: string
  readonly type: string
  readonly contentType: string
  readonly data: Uint8Array
  readonly customMetadata: Uint8Array
}

export interface RecordedEvent extends ProposedEvent {
  readonly stream: string
  readonly revision: bigint
  readonly commit: bigint
  readonly prepare: bigint
  /** .NET ticks (100 ns since 1970 as the client reads them). */
  readonly createdTicks: bigint
}

export type Expected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint }

export type AppendOutcome =
  | {
      readonly _tag: 'Success'
      /** Revision of the last event of this write (or of the original write on an idempotent retry). */
      readonly currentRevision: bigint
      readonly commit: bigint
      readonly prepare: bigint
    }
  | { readonly _tag: 'WrongExpectedVersion'; readonly current: bigint | 'no_stream'; readonly expected: Expected }

/** Log bytes a record takes: a fixed header plus its payloads, so positions grow like a real log. */
const recordSize = (e: ProposedEvent): bigint => BigInt(96 + e.data.length + e.customMetadata.length + e.type.length)

export class DoubleLog {
  readonly all: RecordedEvent[] = []
  private readonly streams = new Map<string, RecordedEvent[]>()
  private nextPosition = 0n
  private readonly listeners = new Set<(written: ReadonlyArray<RecordedEvent>) => void>()

  constructor(private readonly now: () => number) {}

  stream(name: string): ReadonlyArray<RecordedEvent> | undefined {
    return this.streams.get(name)
  }

  onWrite(listener: (written: ReadonlyArray<RecordedEvent>) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  append(stream: string, expected: Expected, events: ReadonlyArray<ProposedEvent>): AppendOutcome {
    const existing = this.streams.get(stream) ?? []
    const current: bigint | 'no_stream' = existing.length === 0 ? 'no_stream' : BigInt(existing.length - 1)
    const retried = this.idempotentRetry(existing, expected, events)
    if (retried) return retried
    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === 'no_stream') ||
      (expected.kind === 'stream_exists' && current !== 'no_stream') ||
      (expected.kind === 'revision' && current === expected.revision)
    if (!ok) return { _tag: 'WrongExpectedVersion', current, expected }
    if (events.length === 0) {
      return { _tag: 'Success', currentRevision: current === 'no_stream' ? -1n : current, commit: -1n, prepare: -1n }
    }
    const commit = this.nextPosition
    const createdTicks = BigInt(this.now()) * 10_000n
    const written = events.map((e, i) => {
      const prepare = this.nextPosition
      this.nextPosition += recordSize(e)
      return { ...e, stream, revision: BigInt(existing.length + i), commit, prepare, createdTicks }
    })
    this.streams.set(stream, [...existing, ...written])
    this.all.push(...written)
    for (const listener of this.listeners) listener(written)
    const last = written[written.length - 1]
    return { _tag: 'Success', currentRevision: last?.revision ?? -1n, commit, prepare: last?.prepare ?? commit }
  }

  /** The server's idempotency check: same ids, same place in the stream -> success, nothing written. */
  private idempotentRetry(
    existing: ReadonlyArray<RecordedEvent>,
    expected: Expected,
    events: ReadonlyArray<ProposedEvent>
  ): AppendOutcome | undefined {
    const first = events[0]
    if (!first) return undefined
    const start =
      expected.kind === 'revision'
        ? Number(expected.revision) + 1
        : expected.kind === 'no_stream'
          ? 0
          : existing.findIndex((e) => e.id === first.id)
    if (start < 0 || start + events.length > existing.length) return undefined
    const same = events.every((e, i) => existing[start + i]?.id === e.id)
    if (!same) return undefined
    const last = existing[start + events.length - 1]
    if (!last) return undefined
    return { _tag: 'Success', currentRevision: last.revision, commit: last.commit, prepare: last.prepare }
  }
}

/** `$all` order. */
export const comparePosition = (a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }) =>
  a.commit === b.commit ? (a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0) : a.commit < b.commit ? -1 : 1
