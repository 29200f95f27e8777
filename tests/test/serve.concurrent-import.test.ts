/**
 * `import` and `serve` may run at the same time on one data directory (the chosen behaviour, docs/log.md "Several
 * processes"): both append to the one SQLite log under its write lock, and the server's projections
 * pick up the other process's appends by polling. Against the real binaries: an import of real captures runs
 * while webhooks arrive; every notification is stored exactly once and the server answers for the imported calls.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { cliAsync } from './cli-helpers.js'
import {
  P01,
  P02,
  P03,
  eventually,
  logOf,
  payloadTexts,
  pool,
  post,
  serveProcess,
  syntheticNotifications,
  tempDir
} from './serve-helpers.js'

test('an import while serve runs: all stored exactly once, and the server sees the imported calls', async () => {
  const dataDir = tempDir()
  const server = await serveProcess(dataDir)
  try {
    const posted = syntheticNotifications(300, 'beside-import')
    const imported = [P01, P02, P03].flatMap(payloadTexts)
    const webhooks = pool(
      posted.map((n) => async () => (await post(`${server.url}/webhook`, n.text)).status),
      10
    )
    const file = path.join(dataDir, 'captures.ndjson')
    writeFileSync(file, imported.join('\n'))
    // Both run at once: the import is a separate process, the webhooks are posted from here meanwhile.
    const importing = cliAsync(['import', file, '--data-dir', dataDir, '--json']).done
    const [statuses, importRun] = await Promise.all([webhooks, importing])
    assert.equal(
      statuses,
      posted.map(() => 200)
    )
    assert.is(importRun.code, 0, importRun.stderr)
    assert.equal(JSON.parse(importRun.stdout), {
      read: imported.length,
      appended: imported.length,
      duplicates: 0,
      quarantined: 0
    })

    // The server's projections follow the other process's appends: payload 01's call shows up, ended.
    const session = await eventually(async () => {
      const r = await fetch(`${server.url}/sessions/s-718107795d564867a6f635fd81e89940`)
      if (r.status !== 200) return undefined
      const body = (await r.json()) as { status: string }
      return body.status === 'ended' ? body : undefined
    })
    assert.ok(session, 'the imported call is visible through the server, ended')

    const log = await logOf(dataDir)
    assert.is(log.length, posted.length + imported.length)
    assert.is(new Set(log.map((e) => e.id)).size, log.length)
    assert.equal(
      log.map((e) => e.position),
      log.map((_, i) => i + 1)
    )
  } finally {
    server.process.kill('SIGTERM')
    assert.is(await server.exited, 0)
  }
})

test.run()
