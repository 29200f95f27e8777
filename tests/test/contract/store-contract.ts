/**
 * The EventStore contract: what every adapter of the port (packages/projections/src/port.ts) must do, run
 * against each of them. Nothing here knows which store it drives; what only the embedded store promises
 * (ids unique across streams, atomic batches, cross-process subscriptions) is tested beside that adapter.
 *
 * `make` must hand out a store whose log is empty, and positions are compared only with each other (SQLite
 * counts 1, 2, 3; EventStoreDB uses `$all` prepare positions).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import type { AppendOutcome, EventStore, NewEvent, Position, StoreFailure, StoredEvent } from '@callstate/projections'
import { streams } from '@callstate/projections'
import { bareWebhookEvent, freshStream, internalCall, unansweredToVoicemail } from './events.js'
import { hangGuard, must, settle, stored, until } from './helpers.js'

export interface StoreUnderTest {
  readonly store: EventStore
  /** Makes the store unreachable: SQLite closes it, EventStoreDB loses its server. */
  readonly makeUnavailable: () => Promise<void>
  /** Releases everything `make` created (the store may already be closed or unreachable). */
  readonly cleanup: () => Promise<void>
}

/** Appends each event alone, in order, and returns them as the store should give them back. */
const appendEach = async (store: EventStore, stream: string, events: ReadonlyArray<NewEvent>) => {
  const out: StoredEvent[] = []
  for (const event of events) {
    const outcome = await must(store.append({ stream, expected: 'any', events: [event] }))
    out.push(...stored(stream, [event], outcome))
  }
  return out
}

const tags = (outcome: AppendOutcome): ReadonlyArray<string> => outcome.results.map((r) => r._tag)
const increasing = (positions: ReadonlyArray<Position>): boolean =>
  positions.every((p, i) => i === 0 || p > positions[i - 1]!)

export const storeContract = (name: string, make: () => Promise<StoreUnderTest>): void => {
  const it = suite(`${name} store contract`)
  const using = (title: string, body: (sut: StoreUnderTest) => Promise<void>): void =>
    it(title, async () => {
      const sut = await make()
      try {
        await body(sut)
      } finally {
        await sut.cleanup()
      }
    })

  using('an append reads back exactly as appended: data, metadata, type, id, revision, position', async ({ store }) => {
    const stream = streams.session(freshStream('s-internal'))
    const events = [...internalCall().slice(0, 3), bareWebhookEvent()]
    const outcome = await must(store.append({ stream, expected: 'no-stream', events }))
    assert.equal(tags(outcome), ['Appended', 'Appended', 'Appended', 'Appended'])
    assert.equal(outcome.lastRevision, 3)
    const expected = stored(stream, events, outcome)
    assert.equal(
      expected.map((e) => e.revision),
      [0, 1, 2, 3]
    )
    assert.ok(increasing(expected.map((e) => e.position)), 'positions increase along the append')
    assert.equal(await must(store.readStream(stream)), expected)
    assert.equal(await must(store.readAll(0, 100)), expected)
    assert.equal(await must(store.findById(events[1]!.id, stream)), expected[1])
    assert.equal(await must(store.findById(events[3]!.id, stream)), expected[3])
  })

  using('head is 0 for an empty log and the last position after appends', async ({ store }) => {
    assert.equal(await must(store.head()), 0)
    const written = await appendEach(store, streams.presence(freshStream('133165004')), unansweredToVoicemail())
    assert.equal(await must(store.head()), written.at(-1)?.position)
  })

  using('re-appending a stored id is a Duplicate carrying the stored event, and writes nothing', async ({ store }) => {
    const stream = streams.session(freshStream('s-dup'))
    const [first, second, third] = internalCall()
    const written = await appendEach(store, stream, [first!, second!])
    const head = await must(store.head())

    const again = await must(store.append({ stream, expected: 'any', events: [first!] }))
    assert.equal(again, {
      stream,
      results: [{ _tag: 'Duplicate', id: first!.id, existing: written[0] }],
      lastRevision: 1
    })

    // Same id, different content: still the stored event, so the caller can see the hashes differ.
    const changed = { ...first!, metadata: { ...first!.metadata, contentHash: 'f'.repeat(64) } }
    const conflicting = await must(store.append({ stream, expected: 'any', events: [changed] }))
    assert.equal(conflicting.results, [{ _tag: 'Duplicate', id: first!.id, existing: written[0] }])
    assert.equal(await must(store.head()), head)

    const mixed = await must(store.append({ stream, expected: 'any', events: [second!, third!] }))
    assert.equal(tags(mixed), ['Duplicate', 'Appended'])
    assert.equal(mixed.lastRevision, 2)
    const all = await must(store.readAll(0, 100))
    assert.equal(
      all.map((e) => e.id),
      [first!.id, second!.id, third!.id]
    )
    assert.equal(all.slice(0, 2), written)
  })

  using(
    'a wrong expected revision is a VersionConflict with the actual revision, and writes nothing',
    async ({ store }) => {
      const existing = streams.session(freshStream('s-exists'))
      const absent = streams.session(freshStream('s-absent'))
      const [a, b, c, d, e, f] = internalCall()
      await must(store.append({ stream: existing, expected: 'no-stream', events: [a!, b!] }))
      const head = await must(store.head())

      const failures: Array<E.Either<StoreFailure, AppendOutcome>> = []
      for (const [stream, expected] of [
        [existing, 'no-stream'],
        [existing, 5],
        [existing, 0],
        [absent, 'stream-exists'],
        [absent, 0]
      ] as const)
        failures.push(await store.append({ stream, expected, events: [c!] })())
      assert.equal(failures, [
        E.left({ _tag: 'VersionConflict', stream: existing, expected: 'no-stream', actual: 1 }),
        E.left({ _tag: 'VersionConflict', stream: existing, expected: 5, actual: 1 }),
        E.left({ _tag: 'VersionConflict', stream: existing, expected: 0, actual: 1 }),
        E.left({ _tag: 'VersionConflict', stream: absent, expected: 'stream-exists', actual: 'no-stream' }),
        E.left({ _tag: 'VersionConflict', stream: absent, expected: 0, actual: 'no-stream' })
      ])
      assert.equal(await must(store.head()), head)
      assert.equal(await must(store.readStream(absent)), [])
      assert.equal(await must(store.findById(c!.id, existing)), undefined)

      const right = await must(store.append({ stream: existing, expected: 1, events: [c!] }))
      const exists = await must(store.append({ stream: existing, expected: 'stream-exists', events: [d!] }))
      const created = await must(store.append({ stream: absent, expected: 'no-stream', events: [e!, f!] }))
      assert.equal([right.lastRevision, exists.lastRevision, created.lastRevision], [2, 3, 1])
    }
  )

  using('positions order the whole log across streams; readAll returns position order', async ({ store }) => {
    const call = internalCall()
    const presence = unansweredToVoicemail()
    const sessionA = streams.session(freshStream('s-a'))
    const sessionB = streams.session(freshStream('s-b'))
    const ext = streams.presence(freshStream('133165004'))
    const order: StoredEvent[] = []
    // Interleaved single appends, then one batch over three streams.
    order.push(...(await appendEach(store, sessionA, [call[0]!])))
    order.push(...(await appendEach(store, ext, [presence[0]!])))
    order.push(...(await appendEach(store, sessionB, [call[1]!])))
    order.push(...(await appendEach(store, sessionA, [call[2]!])))
    const batch = [
      { stream: sessionB, expected: 0, events: [call[3]!, call[4]!] },
      { stream: ext, expected: 0, events: [presence[1]!] },
      { stream: sessionA, expected: 1, events: [call[5]!] }
    ] as const
    const outcomes = await must(store.appendBatch(batch))
    assert.equal(
      outcomes.map((o) => [o.stream, o.lastRevision]),
      [
        [sessionB, 2],
        [ext, 1],
        [sessionA, 2]
      ]
    )
    const singles = order.length
    batch.forEach((request, i) => order.push(...stored(request.stream, request.events, outcomes[i]!)))

    // A batch's requests for different streams may land in any order (EventStoreDB appends them concurrently).
    const inLog = [...order].sort((a, b) => a.position - b.position)
    assert.ok(increasing(inLog.map((e) => e.position)), 'one position per event')
    assert.equal(inLog.slice(0, singles), order.slice(0, singles), 'in append order, the batch after')
    assert.equal(await must(store.readAll(0, 100)), inLog)
    assert.equal(
      (await must(store.readStream(sessionA))).map((e) => e.id),
      [call[0]!.id, call[2]!.id, call[5]!.id]
    )
  })

  using('readAll(after, limit) starts strictly after `after` and returns at most `limit`', async ({ store }) => {
    const written = await appendEach(store, streams.session(freshStream('s-read')), internalCall().slice(0, 6))
    const at = (i: number): Position => written[i]!.position
    assert.equal(await must(store.readAll(at(1), 100)), written.slice(2))
    assert.equal(await must(store.readAll(at(1), 2)), written.slice(2, 4))
    assert.equal(await must(store.readAll(0, 1)), written.slice(0, 1))
    assert.equal(await must(store.readAll(at(5), 10)), [])
  })

  using('readStream honours fromRevision and limit; an absent stream reads as []', async ({ store }) => {
    const stream = streams.session(freshStream('s-range'))
    const events = internalCall().slice(0, 5)
    const written = stored(stream, events, await must(store.append({ stream, expected: 'no-stream', events })))
    assert.equal(await must(store.readStream(stream, { fromRevision: 2 })), written.slice(2))
    assert.equal(await must(store.readStream(stream, { fromRevision: 1, limit: 2 })), written.slice(1, 3))
    assert.equal(await must(store.readStream(stream, { limit: 3 })), written.slice(0, 3))
    assert.equal(await must(store.readStream(stream, { fromRevision: 9 })), [])
    assert.equal(await must(store.readStream(streams.session(freshStream('s-none')))), [])
  })

  using(
    'a subscription delivers the backlog, says caught up, then follows live appends until closed',
    async ({ store }) => {
      const stream = streams.session(freshStream('s-live'))
      const [a, b, c, d, e, f] = internalCall()
      const backlog = await appendEach(store, stream, [a!, b!, c!])
      const received: StoredEvent[] = []
      const log: string[] = []
      let inFlight = 0
      let overlapped = false
      const subscription = store.subscribe(0, {
        onEvents: async (events) => {
          overlapped ||= inFlight > 0
          inFlight += 1
          log.push('events')
          await settle(5)
          received.push(...events)
          inFlight -= 1
        },
        onCaughtUp: () => log.push(`caught-up after ${received.length}`),
        onError: (failure) => log.push(`error ${failure._tag}`)
      })
      await until(() => log.some((l) => l.startsWith('caught-up')), 'the subscription catches up')
      assert.equal(received, backlog)

      const live = [...(await appendEach(store, stream, [d!])), ...(await appendEach(store, stream, [e!]))]
      await until(() => received.length === 5, 'live events arrive')
      assert.equal(received, [...backlog, ...live])
      assert.equal(received, await must(store.readAll(0, 100)))
      assert.not.ok(overlapped, 'onEvents is never called while a previous call runs')

      await subscription.close()
      await appendEach(store, stream, [f!])
      await settle(300)
      assert.equal(received.length, 5, 'nothing is delivered after close')
      assert.equal(
        log.filter((l) => !l.startsWith('events')),
        ['caught-up after 3'],
        'onCaughtUp once, after the backlog; no error'
      )
    }
  )

  using('close resolves only after the running handler has finished', async ({ store }) => {
    const stream = streams.session(freshStream('s-close'))
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const steps: string[] = []
    const subscription = store.subscribe(0, {
      onEvents: async () => {
        steps.push('handler started')
        await gate
        steps.push('handler finished')
      }
    })
    await appendEach(store, stream, internalCall().slice(0, 1))
    await until(() => steps.includes('handler started'), 'the handler runs')
    const closing = subscription.close().then(() => steps.push('closed'))
    await settle(50)
    release()
    await closing
    assert.equal(steps, ['handler started', 'handler finished', 'closed'])
  })

  using(
    'an unreachable store answers every operation with Unavailable or Timeout, promptly, without throwing',
    async ({ store, makeUnavailable }) => {
      const stream = streams.session(freshStream('s-down'))
      const [a, b] = internalCall()
      await appendEach(store, stream, [a!])
      const earlyErrors: StoreFailure[] = []
      const early = store.subscribe(0, { onEvents: () => {}, onError: (f) => earlyErrors.push(f) })

      await makeUnavailable()

      const unreachable = (r: E.Either<StoreFailure, unknown>): string =>
        E.isLeft(r) && (r.left._tag === 'Unavailable' || r.left._tag === 'Timeout') ? 'unreachable' : JSON.stringify(r)
      const operations: ReadonlyArray<[string, TE.TaskEither<StoreFailure, unknown>]> = [
        ['append', store.append({ stream, expected: 'any', events: [b!] })],
        ['appendBatch', store.appendBatch([{ stream, expected: 'any', events: [b!] }])],
        ['readStream', store.readStream(stream)],
        ['readAll', store.readAll(0, 10)],
        ['findById', store.findById(a!.id, stream)],
        ['head', store.head()]
      ]
      const answers: string[] = []
      for (const [label, operation] of operations)
        answers.push(`${label}: ${unreachable(await hangGuard(label, operation))}`)
      assert.equal(
        answers,
        operations.map(([label]) => `${label}: unreachable`)
      )

      const lateErrors: StoreFailure[] = []
      const late = store.subscribe(0, { onEvents: () => {}, onError: (f) => lateErrors.push(f) })
      await until(() => lateErrors.length > 0 && earlyErrors.length > 0, 'both subscriptions report the failure')
      assert.equal(
        [...earlyErrors, ...lateErrors].map((f) => unreachable(E.left(f))),
        ['unreachable', 'unreachable']
      )
      await Promise.all([early.close(), late.close()])
    }
  )

  it.run()
}
