/**
 * The hostile-input campaign (tests/chaos/campaigns/hostile-input.ts) at a small size: 2,000 fast-check mutations of
 * the real captures through decode and import, 300 of them through the webhook. Nothing acknowledged is lost,
 * nothing is stored twice, nothing crashes. No timing assertions. A failure prints the seed; replay it with
 * `HOSTILE_SEED=<seed>`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hostileInput, runHostileInput } from '../chaos/campaigns/hostile-input.js'

test('hostile input: every input stored once or quarantined with a reason, no crash', async () => {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'callstate-chaos-hostile-'))
  try {
    const r = await runHostileInput({ size: 2000, workDir, log: () => undefined }, { webhookSample: 300 })
    const why = JSON.stringify(r, null, 1)
    assert.is(r.crashes, 0, why)
    assert.is(r.lost, 0, why)
    assert.is(r.duplicates, 0, why)
    assert.equal(r.open, [], why)
    assert.ok(r.tried >= 2000 + 2000 + 300, why)
    assert.ok(r.faults > 0, why)
    const f = r.figures
    for (const name of [
      'fast-check seed (HOSTILE_SEED)',
      'inputs by mutation',
      'decode: inputs',
      'decode: exceptions thrown',
      'decode: peak RSS MiB',
      'import: appended',
      'import: quarantined',
      'import: quarantined by reason',
      'import: duplicates of earlier lines',
      'import: peak RSS MiB',
      'webhook: answers by status',
      'webhook: 5xx answers',
      'webhook: peak RSS MiB'
    ])
      assert.ok(f[name] !== undefined, `figure ${name} missing`)
    assert.is(f['decode: inputs'], 2000)
    assert.is(f['decode: refused without a reason'], 0, why)
    assert.is(f['import: read = appended + duplicates + quarantined'], 'yes', why)
    assert.is(f['import: events in the log = appended + quarantined'], 'yes', why)
    assert.is(f['import: lines not accounted for'], 0, why)
    assert.is(f['import: quarantine entries without a reason'], 0, why)
    assert.is(f['webhook: inputs posted (the first of the same stream)'], 300)
    assert.is(f['webhook: unexpected answers (not 200/202, 400 blank, 413 over 1 MiB)'], 'none', why)
    assert.ok(Number(f['import: appended']) > 0 && Number(f['import: quarantined']) > 0, why)
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
})

test('the campaign keeps the contract', () => {
  assert.is(hostileInput.name, 'hostile-input')
  assert.is(hostileInput.defaultSize, 100_000)
  assert.is(hostileInput.unit, 'inputs')
})

test.run()
