/**
 * `callstate verify` while `serve` keeps taking webhooks on the same data directory: the server's projections
 * commit to the live read models all the while, so verify must compare a digest with the checkpoint it was
 * taken at (one read transaction), not with one read a moment earlier. Real binaries, real HTTP on loopback.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cliAsync } from './cli-helpers.js'
import { logOf, post, serveProcess, syntheticNotifications, tempDir } from './serve-helpers.js'

interface Verdict {
  readonly equal: boolean
  readonly checkpoint: number
}

test('verify agrees with the live read models while serve keeps committing to them', async () => {
  const dataDir = tempDir()
  const server = await serveProcess(dataDir)
  try {
    // Webhooks keep arriving, four at a time, until the three verify runs are over.
    let posting = true
    let sent = 0
    const statuses: number[] = []
    const sender = async (lane: number): Promise<void> => {
      for (let round = 0; posting; round++)
        for (const n of syntheticNotifications(50, `during-verify-${lane}-${round}`)) {
          if (!posting) return
          sent++
          statuses.push((await post(`${server.url}/webhook`, n.text)).status)
        }
    }
    const sending = Promise.all([0, 1, 2, 3].map(sender))
    const verdicts: Verdict[] = []
    const failures: string[] = []
    // Wait until the log has something, then verify three times while the webhooks keep arriving.
    while (sent < 50) await new Promise((r) => setTimeout(r, 10))
    for (let i = 0; i < 3; i++) {
      const run = await cliAsync(['verify', '--json', '--data-dir', dataDir]).done
      if (run.code !== 0) failures.push(`exit ${String(run.code)}: ${run.stdout} ${run.stderr}`)
      else verdicts.push(JSON.parse(run.stdout) as Verdict)
    }
    posting = false
    await sending
    assert.equal(failures, [])
    assert.equal(
      verdicts.map((v) => v.equal),
      [true, true, true]
    )
    assert.ok(statuses.every((s) => s === 200))
    // The runs really overlapped the webhooks: the log grew past what each verify checked.
    const log = await logOf(dataDir)
    assert.is(log.length, statuses.length)
    assert.ok(verdicts.every((v) => v.checkpoint > 0 && v.checkpoint < log.length))
  } finally {
    server.process.kill('SIGTERM')
    assert.is(await server.exited, 0)
  }
})

test.run()
