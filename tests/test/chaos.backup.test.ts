/**
 * The `backup` campaign at a small size (2 backups under webhook load): each copy sound, the last restored and
 * started gives the same log and the same digest; nothing lost or duplicated. No timing assertions.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { backup } from '../chaos/campaigns/backup.js'

test('backup: 2 copies under load are sound; the restored copy has the same log and digest', async () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-chaos-backup-'))
  try {
    const r = await backup.run({ size: 2, workDir, log: () => undefined })
    assert.equal(r.open, [])
    assert.is(r.lost, 0)
    assert.is(r.duplicates, 0)
    assert.is(r.crashes, 0)
    assert.is(r.tried, 2)
    assert.is(r.figures['copies sound (integrity ok, count = manifest head)'], '2 / 2')
    assert.ok(String(r.figures['restored log = source up to the head (ids, positions)']).startsWith('yes'))
    assert.is(r.figures['verify on the restored copy'], 'equal')
    assert.is(r.figures['restored digest = rebuild of the source up to the head'], 'yes')
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
})

test.run()
