/**
 * The EventStoreDB adapter's write path against the wire double with latency and calls that never answer
 * (issue 18), through the real `@eventstore/db-client`: one append call per stream request, each event's exact
 * `$all` prepare position, a deadline per call (a timed-out batch keeps what it stored and a re-run continues),
 * several writers on one node storing each id once. The CLI import of 20,000 lines, and its resumption after a
 * timeout, are in ./import.esdb-double.test.ts.
 */
import { randomUUID } from 'node:crypto'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { openEsdbStore } from '@callstate/esdb'
import { streams, type AppendRequest, type EventStore, type NewEvent } from '@callstate/projections'
import { freshStream, internalCall } from './contract/events.js'
import { hangGuard, must, settle } from './contract/helpers.js'
import { startEsdbGrpcDouble, type EsdbGrpcDouble } from './doubles/esdb-grpc-double.js'

const open = (url: string, options: { timeoutMs: number; concurrency?: number }): EventStore => {
  const opened = openEsdbStore(url, options)
  if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
  return opened.right
}

/** A small event with a fresh id (for requests larger than the captures). */
const tiny = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'UnknownNotification',
  data: JSON.stringify({ n, pad: 'x'.repeat(200) }),
  metadata: { receivedAt: '2024-05-01T10:00:00.000Z', source: 'stdin', contentHash: 'a'.repeat(64) }
})

/** `count` streams of 1..9 events each (slices of a real call's events). */
const manyStreams = (count: number): AppendRequest[] =>
  Array.from({ length: count }, (_, i) => ({
    stream: streams.session(freshStream(`s-many-${i}`)),
    expected: 'any' as const,
    events: internalCall().slice(0, 1 + (i % 9))
  }))

/** The double's log (callstate's events only): id -> prepare position, and every id stored. */
const logOf = (double: EsdbGrpcDouble) => {
  const events = double.log.all.filter((e) => !e.stream.startsWith('$'))
  return { positions: new Map(events.map((e) => [e.id, Number(e.prepare)])), ids: events.map((e) => e.id) }
}

const appendedPositions = (outcomes: ReadonlyArray<{ results: ReadonlyArray<{ _tag: string; id: string }> }>) =>
  new Map(
    outcomes.flatMap((o) =>
      o.results.flatMap((r) => ('position' in r && typeof r.position === 'number' ? [[r.id, r.position]] : []))
    )
  )

test('a batch of many streams: one append call per request, each event at its exact $all prepare position', async () => {
  const double = await startEsdbGrpcDouble(0, { delayMs: 20 })
  const store = open(double.url, { timeoutMs: 5000 })
  try {
    const requests = manyStreams(60)
    const eventCount = requests.reduce((n, r) => n + r.events.length, 0)
    const before = { ...double.faults.calls }
    const outcomes = await must(store.appendBatch(requests))
    assert.is(double.faults.calls.append - before.append, requests.length, 'one append call per stream request')
    assert.equal(
      outcomes.map((o) => [o.stream, o.lastRevision]),
      requests.map((r) => [r.stream, r.events.length - 1])
    )
    assert.ok(outcomes.every((o) => o.results.every((r) => r._tag === 'Appended')))
    const log = logOf(double)
    assert.is(log.ids.length, eventCount)
    const mine = appendedPositions(outcomes)
    assert.is(mine.size, eventCount)
    for (const [id, position] of mine) assert.is(position, log.positions.get(id), `position of ${id}`)
    // The port's readAll hands out the same positions, in the same order as the double's $all.
    const all = await must(store.readAll(0, eventCount + 10))
    assert.equal(
      all.map((e) => [e.id, e.position]),
      log.ids.map((id) => [id, log.positions.get(id)])
    )

    // Again: every event Duplicate, with the stored event; the streams' indexes are kept, so no append call.
    const appendsBefore = double.faults.calls.append
    const again = await must(store.appendBatch(requests))
    assert.is(double.faults.calls.append, appendsBefore)
    const byId = new Map(all.map((e) => [e.id, e]))
    assert.equal(
      again.flatMap((o) => o.results),
      requests.flatMap((r) => r.events.map((e) => ({ _tag: 'Duplicate', id: e.id, existing: byId.get(e.id) })))
    )
  } finally {
    await store.close()
    await double.stop()
  }
})

test('a request over 500 events is split into calls of at most 500; every position is still exact', async () => {
  const double = await startEsdbGrpcDouble(0, { delayMs: 5 })
  const store = open(double.url, { timeoutMs: 5000 })
  try {
    const stream = streams.session(freshStream('s-big'))
    const events = Array.from({ length: 1201 }, (_, i) => tiny(i))
    const before = double.faults.calls.append
    const outcome = await must(store.append({ stream, expected: 'no-stream', events }))
    assert.is(double.faults.calls.append - before, 3)
    assert.is(outcome.lastRevision, 1200)
    const log = logOf(double)
    assert.equal(
      [...appendedPositions([outcome])],
      events.map((e) => [e.id, log.positions.get(e.id)])
    )
    assert.equal(
      double.log.stream(stream)?.map((e) => e.id),
      events.map((e) => e.id)
    )
  } finally {
    await store.close()
    await double.stop()
  }
})

test('a long stream another process wrote is read in pages before the first append, and its ids are known', async () => {
  const double = await startEsdbGrpcDouble()
  const a = open(double.url, { timeoutMs: 5000 })
  const b = open(double.url, { timeoutMs: 5000 })
  try {
    const stream = streams.presence(freshStream('long'))
    const events = Array.from({ length: 4500 }, (_, i) => tiny(i))
    await must(a.append({ stream, expected: 'no-stream', events }))
    const fresh = tiny(-1)
    const reads = double.faults.calls.read
    const outcome = await must(b.append({ stream, expected: 'any', events: [events[0]!, events[4499]!, fresh] }))
    assert.equal(
      outcome.results.map((r) => r._tag),
      ['Duplicate', 'Duplicate', 'Appended']
    )
    assert.is(outcome.lastRevision, 4500)
    // 3 pages of the tail (2000 + 2000 + 500), the read-back of the append, 2 reads of the stored events (far apart).
    assert.is(double.faults.calls.read - reads, 6)
    assert.is(double.log.stream(stream)?.length, 4501)
  } finally {
    await a.close()
    await b.close()
    await double.stop()
  }
})

for (const applied of [true, false])
  test(`a call that never answers (hung append ${applied ? 'applied' : 'not applied'}): Timeout, what other streams stored stays, a re-run stores the rest once`, async () => {
    const double = await startEsdbGrpcDouble(0, { delayMs: 20, hungAppendsApplied: applied })
    const store = open(double.url, { timeoutMs: 1500, concurrency: 4 })
    try {
      const requests = manyStreams(12)
      const total = requests.reduce((n, r) => n + r.events.length, 0)
      // The first append hangs: the batch fails once its timer fires, after the others in flight finished.
      double.faults.hangNext(1, 'append')
      const failed = await hangGuard('appendBatch', store.appendBatch(requests))
      assert.ok(E.isLeft(failed) && failed.left._tag === 'Timeout', JSON.stringify(failed))
      if (E.isLeft(failed) && failed.left._tag === 'Timeout') {
        assert.match(failed.left.operation, /^appendBatch \(append of \d events? to session-s-many-\d+-/)
        assert.is(failed.left.ms, 1500)
      }
      const stored = logOf(double).ids.length
      assert.ok(stored > 0 && stored < total + 1, `some streams are stored (${stored} of ${total})`)
      // Nothing more is written after the answer, however late the hung call or the others would be.
      await settle(600)
      assert.is(logOf(double).ids.length, stored, 'nothing written behind the caller after the Timeout')

      // A re-run (this process, then another one) continues: every id once.
      const rerun = await must(store.appendBatch(requests))
      const other = open(double.url, { timeoutMs: 2000 })
      const third = await must(other.appendBatch(requests))
      await other.close()
      const log = logOf(double)
      assert.is(log.ids.length, total)
      assert.is(new Set(log.ids).size, total)
      const tags = (o: typeof rerun) => o.flatMap((x) => x.results.map((r) => r._tag))
      assert.is(tags(rerun).filter((t) => t === 'Appended').length, total - stored)
      assert.ok(tags(third).every((t) => t === 'Duplicate'))
    } finally {
      await store.close()
      await double.stop()
    }
  })

test('an id another writer stored an instant before, with other content, is Duplicate with its event, not lost', async () => {
  const double = await startEsdbGrpcDouble()
  const a = open(double.url, { timeoutMs: 5000 })
  const b = open(double.url, { timeoutMs: 5000 })
  try {
    const stream = streams.session(freshStream('s-race'))
    const [first, mine] = internalCall()
    await must(a.append({ stream, expected: 'any', events: [first!] }))
    // B stores the same id with other content (another receivedAt) after A last looked at the stream.
    const theirs = { ...mine!, metadata: { ...mine!.metadata, receivedAt: '2024-05-01T10:00:09.000Z' } }
    const written = await must(b.append({ stream, expected: 'any', events: [theirs] }))
    // A's append names revision 0 (its index); the node finds the id right after it and answers success unwritten.
    const outcome = await must(a.append({ stream, expected: 'any', events: [mine!] }))
    const stored = written.results[0]
    assert.ok(stored?._tag === 'Appended')
    assert.equal(outcome, {
      stream,
      results: [
        { _tag: 'Duplicate', id: mine!.id, existing: { ...theirs, stream, revision: 1, position: stored.position } }
      ],
      lastRevision: 1
    })
    assert.is(double.log.stream(stream)?.length, 2)
  } finally {
    await a.close()
    await b.close()
    await double.stop()
  }
})

test('two writers append overlapping events to the same streams at once: each id is stored once', async () => {
  const double = await startEsdbGrpcDouble(0, { delayMs: 10 })
  const a = open(double.url, { timeoutMs: 5000 })
  const b = open(double.url, { timeoutMs: 5000 })
  try {
    const names = Array.from({ length: 8 }, (_, i) => streams.session(freshStream(`s-shared-${i}`)))
    const events = names.map(() => internalCall())
    // Both writers know every stream (cached indexes), so neither reads a tail before appending: the node's
    // expected-revision check is what keeps them apart.
    await must(a.appendBatch(names.map((stream, i) => ({ stream, expected: 'any', events: events[i]!.slice(0, 1) }))))
    await must(b.appendBatch(names.map((stream, i) => ({ stream, expected: 'any', events: events[i]!.slice(0, 1) }))))
    const rounds = [
      [0, 5],
      [2, 7],
      [3, 9],
      [1, 9]
    ] as const
    for (const [from, to] of rounds) {
      const batch = names.map((stream, i) => ({ stream, expected: 'any' as const, events: events[i]!.slice(from, to) }))
      // The other writer goes through the streams in the opposite order, so their appends cross.
      const answers = await Promise.all([a.appendBatch(batch)(), b.appendBatch(batch.slice().reverse())()])
      for (const answer of answers) assert.ok(E.isRight(answer), JSON.stringify(answer))
    }
    for (const [i, stream] of names.entries())
      assert.equal(
        double.log
          .stream(stream)
          ?.map((e) => e.id)
          .sort(),
        events[i]!.map((e) => e.id).sort(),
        `${stream}: every id once`
      )
  } finally {
    await a.close()
    await b.close()
    await double.stop()
  }
})

test.run()
