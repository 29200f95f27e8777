/**
 * The EventStoreDB adapter's read side against the wire double (./doubles/esdb-grpc-double.ts), with logs written
 * straight into the double's log the way EventStoreDB lays them out: several events per append share one commit
 * position and each has its own prepare position, the port's Position.
 * - readAll from every position (mid-transaction ones included) returns exactly the events after it; a
 *   subscription from the middle of a transaction delivers the rest of it; head is the last callstate event.
 * - reads are pages, each under its own deadline: a readAll longer than one deadline finishes, a page that
 *   hangs is tried again smaller, and what was read before a page that fails is returned.
 * - events another program wrote are skipped and counted, never a stop; the subscription asks the server for
 *   callstate's stream prefixes only.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { streams, type StoredEvent } from '@callstate/projections'
import { freshStream, internalCall } from './contract/events.js'
import { must, until } from './contract/helpers.js'
import { startEsdbGrpcDouble, type EsdbGrpcDouble } from './doubles/esdb-grpc-double.js'
import { expectedOf, manyEvents, open, transaction, watchReads } from './esdb-reads-support.js'

const reads = suite('eventstoredb reads (gRPC double)')

/** Transactions of 3, 1, 4 and 2 events in three streams, system events between. */
const multiEventLog = (double: EsdbGrpcDouble) => {
  const call = internalCall()
  const [a, b] = [streams.session(freshStream('s-tx-a')), streams.presence(freshStream('tx-b'))]
  const events = [...call, ...internalCall().slice(0, 1)]
  transaction(double, a, events.slice(0, 3))
  transaction(double, b, events.slice(3, 4))
  double.writeSystemEvent()
  transaction(double, a, events.slice(4, 8))
  transaction(double, streams.quarantine, events.slice(8, 10))
  double.writeSystemEvent()
  return expectedOf(double, new Set(events.map((e) => e.id)), events)
}

reads('multi-event transactions: readAll from every position, mid-transaction ones included', async () => {
  const double = await startEsdbGrpcDouble()
  const store = open(double.url, 2000)
  try {
    const all = multiEventLog(double)
    const commits = new Set(double.log.all.filter((r) => r.commit !== r.prepare).map((r) => r.commit))
    assert.ok(commits.size >= 2, 'the log has events whose commit differs from their prepare position')
    assert.equal(await must(store.readAll(0, 100)), all)
    for (const [i, event] of all.entries()) {
      // A fresh store each time: no position learnt from an earlier read, so the start is looked up.
      const cold = open(double.url, 2000)
      assert.equal(await must(cold.readAll(event.position, 100)), all.slice(i + 1), `after ${event.position}`)
      assert.equal(await must(cold.readAll(event.position, 2)), all.slice(i + 1, i + 3), `2 after ${event.position}`)
      await cold.close()
    }
    // One at a time from 0, as a catch-up with batches of 1 would read.
    const one: StoredEvent[] = []
    for (let after = 0; ;) {
      const [next] = await must(store.readAll(after, 1))
      if (!next) break
      one.push(next)
      after = next.position
    }
    assert.equal(one, all)
    assert.equal(await must(store.head()), all.at(-1)?.position, 'head: the last callstate event, not the system one')
  } finally {
    await store.close()
    await double.stop()
  }
})

reads('a subscription from the middle of a transaction delivers the rest of it, then live events', async () => {
  const double = await startEsdbGrpcDouble()
  const store = open(double.url, 2000)
  try {
    const all = multiEventLog(double)
    // all[4..7] are one transaction of 4: start after its second event, two of it are still to come.
    const after = all[5]
    if (!after) throw new Error('no such event')
    const received: StoredEvent[] = []
    let caughtUp = false
    const subscription = store.subscribe(after.position, {
      onEvents: (events) => void received.push(...events),
      onCaughtUp: () => (caughtUp = true)
    })
    await until(() => caughtUp && received.length === all.length - 6, 'the rest is delivered')
    const live = internalCall().slice(0, 2)
    const stream = streams.session(freshStream('s-tx-live'))
    transaction(double, stream, live)
    const liveStored = expectedOf(double, new Set(live.map((e) => e.id)), live)
    await until(() => received.length === all.length - 6 + 2, 'the live transaction is delivered')
    await subscription.close()
    assert.equal(received, [...all.slice(6), ...liveStored])
  } finally {
    await store.close()
    await double.stop()
  }
})

reads('a readAll longer than one deadline finishes: each page has its own', async () => {
  // 400 ms per call, 1500 ms allowed per call: pages answer in time, and the read needs at least four of them
  // (500, 500, 1000, 1000: the sizer doubles at most once per page), so their delays alone exceed one deadline.
  const double = await startEsdbGrpcDouble(0, { delayMs: 400 })
  const store = open(double.url, 1500)
  try {
    manyEvents(double, 3000)
    const seen = watchReads(double)
    const all = await must(store.readAll(0, 5000))
    assert.is(all.length, 3000)
    assert.ok(seen.reads * 400 > 1500, `pages whose delays exceed one deadline (${seen.reads} reads)`)
  } finally {
    await store.close()
    await double.stop()
  }
})

reads('a page that fails after others: what was read is returned, and the next read goes on from it', async () => {
  const double = await startEsdbGrpcDouble()
  const store = open(double.url, 2000)
  try {
    manyEvents(double, 2000)
    const other = open(double.url, 2000)
    const everything = await must(other.readAll(0, 5000))
    await other.close()
    // The second read call of the next readAll (its second page) never answers.
    watchReads(double, (count) => (count === 2 ? double.faults.hangNext(1, 'read') : undefined))
    const first = await must(store.readAll(0, 5000))
    assert.is(double.faults.hung.read, 1)
    assert.ok(first.length > 0 && first.length < 2000, `part of the log (${first.length})`)
    const rest = await must(store.readAll(first.at(-1)?.position ?? 0, 5000))
    assert.equal([...first, ...rest], everything)
  } finally {
    await store.close()
    await double.stop()
  }
})

reads('a read that hangs with nothing read yet is tried again, smaller', async () => {
  const double = await startEsdbGrpcDouble()
  const store = open(double.url, 1000)
  try {
    manyEvents(double, 100)
    double.faults.hangNext(1, 'read')
    assert.is((await must(store.readAll(0, 5000))).length, 100)
    double.faults.hangNext(1, 'read')
    const stream = double.log.all.find((r) => r.stream.startsWith('session-'))?.stream ?? ''
    assert.is((await must(store.readStream(stream))).length, 9)
    assert.is(double.faults.hung.read, 2)
  } finally {
    await store.close()
    await double.stop()
  }
})

reads('events another program wrote are skipped and counted once: readAll, readStream, head, subscribe', async () => {
  const double = await startEsdbGrpcDouble()
  const store = open(double.url, 2000)
  try {
    const stream = streams.session(freshStream('s-foreign'))
    const [a, b, c] = internalCall()
    if (!a || !b || !c) throw new Error('capture 02 is short')
    transaction(double, stream, [a])
    double.writeForeignEvent()
    transaction(double, stream, [b])
    // In a callstate stream, with a callstate event type, without callstate's metadata.
    double.writeForeignEvent(stream, 'TelephonySessionNotification')
    const expected = expectedOf(double, new Set([a.id, b.id]), [a, b])
    assert.equal(await must(store.readAll(0, 100)), expected)
    assert.equal(await must(store.readStream(stream)), expected)
    assert.equal(await must(store.head()), expected[1]?.position, 'head: the last callstate event')
    const received: string[] = []
    const subscription = store.subscribe(0, { onEvents: (events) => void received.push(...events.map((e) => e.id)) })
    transaction(double, stream, [c])
    await until(() => received.length === 3, 'the subscription delivers a, b and c')
    await subscription.close()
    assert.equal(received, [a.id, b.id, c.id])
    const diagnostics = store.diagnostics?.()
    assert.is(diagnostics?.foreignSkipped, 2, 'each counted once, however many reads passed it')
    assert.match(diagnostics?.recentForeign[0] ?? '', /\(orders-1@0\) is not a callstate event/)
    assert.match(diagnostics?.recentForeign[1] ?? '', `(${stream}@2) is not a callstate event: `)
  } finally {
    await store.close()
    await double.stop()
  }
})

reads('the subscription asks the server for callstate stream prefixes: other streams never reach it', async () => {
  const double = await startEsdbGrpcDouble()
  const store = open(double.url, 2000)
  try {
    const stream = streams.session(freshStream('s-prefix'))
    const [a] = internalCall()
    if (!a) throw new Error('capture 02 is empty')
    const received: string[] = []
    let caughtUp = false
    // This store only subscribes: whatever it counts as foreign came through the subscription.
    const subscription = store.subscribe(0, {
      onEvents: (events) => void received.push(...events.map((e) => e.id)),
      onCaughtUp: () => (caughtUp = true)
    })
    await until(() => caughtUp, 'caught up on an empty log')
    double.writeForeignEvent('orders-1', 'OrderPlaced')
    double.writeForeignEvent(streams.session(freshStream('s-other-program')), 'OrderPlaced')
    transaction(double, stream, [a])
    await until(() => received.length === 1, 'the callstate event is delivered')
    await subscription.close()
    assert.equal(received, [a.id])
    const diagnostics = store.diagnostics?.()
    assert.is(diagnostics?.foreignSkipped, 1, 'the session- one passed the filter and was skipped; orders-1 never came')
    assert.match(diagnostics?.recentForeign[0] ?? '', /\(session-s-other-program-[0-9a-f]+@0\)/)
  } finally {
    await store.close()
    await double.stop()
  }
})

reads.run()
