/**
 * The corruption campaign (tests/chaos/campaigns/corruption.ts) at six corruptions, one of each kind: damaged read
 * models detected by doctor and rebuilt (by serve at start and by `callstate rebuild`), damaged logs detected with
 * what can still be read and refused by serve, a cut WAL detected through the read models ahead of the log.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { corruption } from '../chaos/campaigns/corruption.js'

test('corruption: every damage is detected (or changes nothing), read models rebuilt, damaged logs not served', async () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-chaos-corruption-'))
  try {
    const r = await corruption.run({ size: 6, workDir, log: () => undefined })
    assert.is(r.lost, 0)
    assert.is(r.crashes, 0, JSON.stringify(r))
    assert.equal(r.open, [], r.open.join('\n'))
    assert.is(r.figures['undetected'], 0)
    assert.is(Number(r.figures['detected']) + Number(r.figures['no effect (free page, cut after the last commit)']), 6)
    assert.ok(Number(r.figures['read models rebuilt by serve at start']) >= 1)
    assert.ok(Number(r.figures['read models rebuilt by callstate rebuild']) >= 1)
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
})

test.run()
