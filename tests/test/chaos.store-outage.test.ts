/**
 * The `store-outage` campaign at a small size (1 outage, faults of 6 s, longer than the adapter timeout of 5 s): serve --esdb under webhook load while the
 * EventStoreDB double is stopped, frozen and slowed; 503s while it is away, 200s once it is back without a restart,
 * nothing acknowledged lost, nothing stored twice. No timing assertions beyond "answered".
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { makeStoreOutage } from '../chaos/campaigns/store-outage.js'

test('store-outage: 1 outage (stopped, frozen, slow), 503 while away, 200 after, every 200 stored once', async () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-chaos-store-outage-'))
  try {
    const campaign = makeStoreOutage({ faultMs: 6000, slowMs: 2000 })
    const r = await campaign.run({ size: 1, workDir, log: () => undefined })
    assert.is(r.lost, 0)
    assert.is(r.duplicates, 0)
    assert.is(r.crashes, 0)
    assert.is(r.faults, 3)
    assert.ok(Number(r.figures['answered 503']) > 0, '503s while the node was away')
    assert.ok(Number(r.figures['answered 200']) > 0, '200s while the node was up')
    assert.is(r.figures['200 while stopped or frozen'], 0)
    for (const fault of ['stopped', 'frozen', 'slow'])
      assert.not.match(
        String(r.figures[`time to recover after ${fault} (first 200)`]),
        'never',
        `200 again after ${fault}`
      )
    assert.match(String(r.figures['redelivered after the outages (200 / other)']), / \/ 0$/)
    assert.is(r.figures['read models caught up (lag 0)'], 'yes')
    assert.equal(r.open, [])
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
})

test.run()
