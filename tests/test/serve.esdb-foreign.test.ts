/**
 * `serve --esdb` with events another program wrote in the EventStoreDB database (one in its own stream, one in a
 * callstate-looking `session-` stream): the read models catch up past them, and `/health` and `/metrics` say how
 * many were skipped.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { streams } from '@callstate/projections'
import { startEsdbGrpcDouble } from './doubles/esdb-grpc-double.js'
import { manyEvents } from './esdb-reads-support.js'
import { eventually, json, startTestServer } from './serve-helpers.js'

interface Health {
  readonly status: string
  readonly store: { reachable: boolean; head: number; foreignSkipped?: number; recentForeign?: string[] }
  readonly projections: { checkpoint: number; lag?: number }
}

test('serve --esdb: foreign events are skipped by the read models and counted in /health and /metrics', async () => {
  const double = await startEsdbGrpcDouble()
  manyEvents(double, 18)
  double.writeForeignEvent()
  double.writeForeignEvent(streams.session('s-written-by-another-program'), 'OrderPlaced')
  const server = await startTestServer({ esdb: double.url })
  try {
    const last = double.log.all.filter((e) => e.stream.startsWith('session-s-bulk-')).at(-1)
    const health = await eventually(async () => {
      const body = (await json(await fetch(`${server.url}/health`))) as Health
      return body.projections.lag === 0 && body.store.foreignSkipped === 2 ? body : undefined
    })
    assert.ok(health, 'caught up, with the foreign events counted')
    assert.is(health.status, 'ok')
    assert.is(health.store.head, Number(last?.prepare), 'head: the last callstate event')
    assert.is(health.projections.checkpoint, health.store.head)
    // In the order the reads met them (head reads backwards): compared as a set.
    assert.equal(health.store.recentForeign?.map((r) => /\((.*)@0\) is not a callstate event/.exec(r)?.[1]).sort(), [
      'orders-1',
      'session-s-written-by-another-program'
    ])
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    assert.match(metrics, /^callstate_store_foreign_events_skipped_total 2$/m)
  } finally {
    await server.stop()
    await double.stop()
  }
})

test.run()
