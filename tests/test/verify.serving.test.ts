/**
 * `callstate verify` while `serve` keeps taking webhooks on the same data directory: the server's projections
 * commit to the live read models all the while, so verify must compare a digest with the checkpoint it was
 * taken at (one read transaction), not with one read a moment earlier. Real binaries, real HTTP on loopback.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cliAsync } from './cli-helpers.js'
import { logOf, pool, post, serveProcess, syntheticNotifications, tempDir } from './serve-helpers.js'

interface Verdict {
  readonly equal: boolean
  readonly checkpoint: number
}

test('verify agrees with the live read models while serve keeps committing to them', async () => {
  const dataDir = tempDir()
  const server = await serveProcess(dataDir)
  try {
    const notifications = syntheticNotifications(3000, 'during-verify')
    let posting = true
    let sent = 0
    const sending = pool(
      notifications.map((n) => async () => {
        if (!posting) return 0
        sent++
        return (await post(`${server.url}/webhook`, n.text)).status
      }),
      4
    )
    const verdicts: Verdict[] = []
    const failures: string[] = []
    // Wait until the log has something, then verify three times while the webhooks keep arriving.
    while (sent < 50) await new Promise((r) => setTimeout(r, 10))
    for (let i = 0; i < 3; i++) {
      const run = await cliAsync(['verify', '--json', '--data-dir', dataDir]).done
      if (run.code !== 0) failures.push(`exit ${String(run.code)}: ${run.stdout} ${run.stderr}`)
      else verdicts.push(JSON.parse(run.stdout) as Verdict)
    }
    const stillPosting = sent < notifications.length
    posting = false
    const statuses = await sending
    assert.equal(failures, [])
    assert.equal(
      verdicts.map((v) => v.equal),
      [true, true, true]
    )
    // The runs really overlapped the webhooks: the log kept growing past what each verify checked.
    assert.ok(stillPosting, 'webhooks were still arriving when the last verify ended')
    const log = await logOf(dataDir)
    assert.ok(verdicts.every((v) => v.checkpoint > 0 && v.checkpoint < log.length))
    assert.ok(statuses.every((s) => s === 200 || s === 0))
  } finally {
    server.process.kill('SIGTERM')
    assert.is(await server.exited, 0)
  }
})

test.run()
