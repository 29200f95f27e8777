/**
 * The main job with the log in EventStoreDB: `serve` over the EventStoreDB adapter, against the wire-protocol
 * test double (no EventStoreDB server can run here; see docs/eventstoredb.md). Real captures posted to the webhook
 * land in the EventStoreDB log (once each, even when posted twice), the local SQLite read models follow it, and
 * the query API answers from them, as with the embedded store.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startEsdbGrpcDouble } from './doubles/esdb-grpc-double.js'
import { P01, eventually, json, payloadTexts, post, startTestServer } from './serve-helpers.js'

test('serve --esdb: webhook notifications go to EventStoreDB, queries answer from the local read models', async () => {
  const double = await startEsdbGrpcDouble()
  const server = await startTestServer({ esdb: double.url })
  try {
    const texts = payloadTexts(P01)
    for (const text of [...texts, ...texts.slice(0, 3)]) {
      const r = await post(`${server.url}/webhook`, text)
      assert.is(r.status, 200, await r.text())
    }
    // every notification once in the EventStoreDB log, in one session stream (the repeats were duplicates)
    const stored = double.log.all.filter((e) => !e.stream.startsWith('$'))
    assert.is(stored.length, texts.length)
    assert.equal([...new Set(stored.map((e) => e.stream))], ['session-s-718107795d564867a6f635fd81e89940'])

    const session = await eventually(async () => {
      const r = await fetch(`${server.url}/sessions/s-718107795d564867a6f635fd81e89940`)
      if (r.status !== 200) return undefined
      const body = (await json(r)) as { status: string; parties: Array<{ outcome: string }> }
      return body.status === 'ended' ? body : undefined
    })
    assert.ok(session, 'the call is visible through the query API, ended')
    assert.equal(
      session.parties.map((p) => p.outcome),
      ['completed', 'routed', 'completed']
    )
    const health = (await json(await fetch(`${server.url}/health`))) as { status: string }
    assert.is(health.status, 'ok')
  } finally {
    await server.stop()
    await double.stop()
  }
})

test.run()
