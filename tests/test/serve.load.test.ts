/**
 * Many concurrent webhook POSTs against a real server: every one answered 200, every notification stored
 * exactly once, and concurrent requests committed together (group commit) rather than one transaction each.
 * Also: a store that became unavailable gives 503, never 200.
 */
import * as E from 'fp-ts/lib/Either.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildServer, createLogger } from '@callstate/http'
import { openReadModels } from '@callstate/readmodels'
import { openSqliteStore } from '@callstate/sqlite'
import {
  P01,
  json,
  logOf,
  payloadTexts,
  pool,
  post,
  startTestServer,
  syntheticNotifications,
  tempDir
} from './serve-helpers.js'

const load = suite('webhook under concurrent load')

load(
  '500 notifications (and 100 repeats) at concurrency 50: all 200, each stored exactly once, committed in groups',
  async () => {
    const server = await startTestServer()
    try {
      const notifications = syntheticNotifications(500)
      const repeats = notifications.slice(0, 100)
      const tasks = [...notifications, ...repeats].map((n) => async () => ({
        uuid: n.uuid,
        status: (await post(`${server.url}/webhook`, n.text)).status
      }))
      const answers = await pool(tasks, 50)
      assert.equal(
        answers.filter((a) => a.status !== 200),
        []
      )
      const log = await logOf(server.dataDir)
      const uuids = log.map((e) => e.metadata.uuid ?? '')
      assert.equal(log.length, 500)
      assert.equal(new Set(uuids).size, 500)
      assert.equal([...uuids].sort(), notifications.map((n) => n.uuid).sort())
      // Positions are the gap-free 1..500: nothing half-written between groups.
      assert.equal(
        log.map((e) => e.position),
        Array.from({ length: 500 }, (_, i) => i + 1)
      )
      const metrics = await (await fetch(`${server.url}/metrics`)).text()
      const commits = Number(/^callstate_commit_batch_size_count (\d+)$/m.exec(metrics)?.[1])
      const committed = Number(/^callstate_commit_batch_size_sum (\d+)$/m.exec(metrics)?.[1])
      assert.is(committed, 600)
      // Group commit: fewer transactions than requests (concurrent requests waited for and joined one commit).
      assert.ok(commits < 600, `expected fewer commits than requests, got ${commits}`)
    } finally {
      await server.stop()
    }
  }
)

load.run()

const failure = suite('webhook when the store is unavailable')

failure('a closed store: POST gets 503 (with Retry-After), health says unavailable', async () => {
  const dataDir = tempDir()
  const opened = openSqliteStore({ dataDir })
  if (E.isLeft(opened)) throw new Error('cannot open store')
  const store = opened.right
  const readModelsOpened = openReadModels({ dataDir })
  if (E.isLeft(readModelsOpened)) throw new Error('cannot open read models')
  const readModels = readModelsOpened.right
  const server = await buildServer(
    { webhookPath: '/webhook', bodyLimit: 1 << 20, staleAfterMs: 3_600_000 },
    {
      store,
      readModels,
      logger: createLogger('silent'),
      now: () => new Date(),
      projections: { checkpoint: () => 0, lag: async () => null }
    }
  )
  await server.app.listen({ host: '127.0.0.1', port: 0 })
  const address = server.app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  try {
    assert.equal((await post(`${url}/webhook`, payloadTexts(P01)[0] ?? '')).status, 200)
    await store.close()
    const response = await post(`${url}/webhook`, payloadTexts(P01)[1] ?? '')
    assert.equal(response.status, 503)
    assert.equal(response.headers.get('retry-after'), '5')
    const body = await json(response)
    assert.ok(typeof body === 'object' && body !== null && 'error' in body)
    assert.is(body.error, 'store-unavailable')
    const health = await fetch(`${url}/health`)
    assert.equal(health.status, 503)
    const metrics = await (await fetch(`${url}/metrics`)).text()
    assert.match(metrics, 'callstate_notifications_rejected_total{reason="store-unavailable"} 1')
  } finally {
    await server.app.close()
    readModels.close()
  }
  // What was acknowledged is in the log; what got 503 is not.
  const log = await logOf(dataDir)
  assert.equal(
    log.map((e) => e.metadata.uuid),
    [JSON.parse(payloadTexts(P01)[0] ?? '').uuid]
  )
})

failure.run()
