/**
 * The `crash` campaign at a small size (3 kill cycles): serve under webhook load killed with SIGKILL and restarted;
 * nothing acknowledged is lost, nothing is stored twice, verify is equal after every restart. No timing assertions.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { crash } from '../chaos/campaigns/crash.js'

test('crash: 3 SIGKILL cycles under load, every 200 stored once, verify equal after each restart', async () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-chaos-crash-'))
  try {
    const r = await crash.run({ size: 3, workDir, log: () => undefined })
    assert.equal(r.open, [])
    assert.is(r.lost, 0)
    assert.is(r.duplicates, 0)
    assert.is(r.crashes, 0)
    assert.is(r.faults, 3)
    assert.ok(r.tried > 0)
    assert.ok(Number(r.figures['answered 200']) > 0, 'some notifications were acknowledged')
    assert.is(r.figures['verify equal after restart'], '3 / 3')
    assert.is(r.figures['positions gap-free'], 'yes')
    for (const k of ['in flight at kill (sent, no answer)', 'restart to listening p50', 'restart to listening max'])
      assert.ok(k in r.figures, k)
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
})

test.run()
