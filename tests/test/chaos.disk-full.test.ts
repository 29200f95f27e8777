/**
 * The disk-full campaign (tests/chaos/campaigns/disk-full.ts) at one fill cycle: a tmpfs data directory filled to
 * the last byte under webhook posts and an import. 503 and exit 1 while full, both resume when freed, nothing lost,
 * no file damaged. The campaign unmounts its tmpfs in a `finally`; the work directory is removed here.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { diskFull } from '../chaos/campaigns/disk-full.js'

test('disk full: 503 while full, exit 1 for import, resume when freed, nothing lost, files intact', async () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-chaos-disk-full-'))
  try {
    const r = await diskFull.run({ size: 1, workDir, log: () => undefined })
    if (r.figures['skipped'] !== undefined) {
      console.warn(`disk-full skipped: ${r.open.join('; ')}`)
      return
    }
    assert.is(r.lost, 0, JSON.stringify(r))
    assert.is(r.duplicates, 0)
    assert.is(r.crashes, 0)
    assert.equal(r.open, [], r.open.join('\n'))
    assert.ok(Number(r.figures['503 answers']) >= 20, 'the webhook answered 503 while full')
    assert.is(r.figures['other answers'], 0)
    assert.is(r.figures['imports while full (exit 1, one line)'], '1 of 1')
    assert.is(r.figures['integrity'], 'events.db ok, readmodels.db ok')
  } finally {
    // The campaign unmounts in its finally; a mount left behind would make this fail loudly (EBUSY).
    fs.rmSync(workDir, { recursive: true, force: true })
  }
})

test.run()
