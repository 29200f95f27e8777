/**
 * SIGTERM during load, against the real `callstate serve` binary: every notification that was answered 200 is
 * in the log exactly once, the process exits 0, and a restart resumes the projections from their checkpoint.
 */
import * as E from 'fp-ts/lib/Either.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openReadModels } from '@callstate/readmodels'
import {
  eventually,
  json,
  logOf,
  pool,
  serveProcess as startServe,
  syntheticNotifications,
  tempDir
} from './serve-helpers.js'

type Answer = { readonly uuid: string; readonly status: number | 'no-connection' }

const shutdown = suite('SIGTERM during load')

shutdown('every acknowledged notification is stored exactly once; exit 0; restart resumes', async () => {
  const dataDir = tempDir()
  const first = await startServe(dataDir)
  const notifications = syntheticNotifications(3000, 'term')
  let acknowledged = 0
  let signalled = false
  const tasks = notifications.map((n) => async (): Promise<Answer> => {
    try {
      const response = await fetch(`${first.url}/webhook`, {
        method: 'POST',
        body: n.text,
        headers: { 'content-type': 'application/json' }
      })
      await response.arrayBuffer()
      if (response.status === 200 && ++acknowledged === 300 && !signalled) {
        signalled = true
        first.process.kill('SIGTERM')
      }
      return { uuid: n.uuid, status: response.status }
    } catch {
      // After the server closed, connections are refused: that request was not acknowledged, which is the point.
      return { uuid: n.uuid, status: 'no-connection' }
    }
  })
  const answers = await pool(tasks, 20)
  assert.is(await first.exited, 0)
  assert.ok(signalled)

  const acked = answers.filter((a) => a.status === 200).map((a) => a.uuid)
  const other = answers.filter((a) => a.status !== 200 && a.status !== 503 && a.status !== 'no-connection')
  assert.equal(other, [])
  assert.ok(acked.length >= 300)
  assert.ok(acked.length < notifications.length, 'the signal came after every request: nothing was tested')

  const log = await logOf(dataDir)
  const count = new Map<string, number>()
  for (const e of log) count.set(e.metadata.uuid ?? '', (count.get(e.metadata.uuid ?? '') ?? 0) + 1)
  assert.equal(
    acked.filter((uuid) => count.get(uuid) !== 1),
    []
  )
  assert.equal(
    [...count.values()].filter((c) => c !== 1),
    []
  )

  // The projections' checkpoints were committed before the exit (with the rows they cover).
  const readModelsOpened = openReadModels({ dataDir })
  if (E.isLeft(readModelsOpened)) throw new Error(`cannot open read models: ${readModelsOpened.left.cause}`)
  const readModels = readModelsOpened.right
  const saved = readModels.meta().map((m) => m.checkpoint)
  readModels.close()
  assert.equal(saved.length, 3)
  assert.ok(
    saved.every((c) => c > 0 && c <= log.length),
    `checkpoints ${saved.join(', ')}`
  )

  // Restart on the same directory: the projections resume from their checkpoint and catch up to the head.
  const second = await startServe(dataDir)
  try {
    const health = await eventually(async () => {
      const body = await json(await fetch(`${second.url}/health`))
      return JSON.stringify(body).includes('"lag":0') ? body : undefined
    })
    assert.equal(health, {
      status: 'ok',
      store: { reachable: true, head: log.length },
      projections: { checkpoint: log.length, lag: 0 }
    })
    const sessions = await json(await fetch(`${second.url}/sessions?limit=10000`))
    assert.ok(Array.isArray(sessions))
    assert.is(sessions.length, log.length)
  } finally {
    second.process.kill('SIGTERM')
    assert.is(await second.exited, 0)
  }
})

shutdown.run()
