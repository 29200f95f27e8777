/**
 * The `clients` campaign at a small size (50 idle feed clients) with short limits: slow-header and slow-body clients
 * are closed (and answered 408) while others are served, idle feed clients all get the event, a feed client that
 * stops reading is dropped and resumes, a 20 MiB body gets a clean 413 without a reset. No timing assertions.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { clientsCampaign } from '../chaos/campaigns/clients.js'

test('clients: slow, idle and stuck clients are bounded; nothing acknowledged is lost', async () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-chaos-clients-'))
  try {
    const campaign = clientsCampaign({
      limits: { headersTimeoutMs: 2000, requestTimeoutMs: 4000, checkIntervalMs: 250, feedStallMs: 2000 }
    })
    const r = await campaign.run({ size: 50, workDir, log: () => undefined })
    assert.equal(r.lost, 0)
    assert.equal(r.duplicates, 0)
    assert.equal(r.crashes, 0)
    // The one weakness left open (POST latency with many feed clients) is a time, not asserted here.
    assert.equal(
      r.open.filter((o) => !o.startsWith('slow POSTs with')),
      []
    )
    const f = r.figures
    assert.is(f['slow-header: tried / closed'], '20 / 20')
    assert.is(f['slow-header: answered 408'], 20)
    assert.is(f['slow-body: tried / closed'], '20 / 20')
    assert.is(f['normal POSTs during the slow clients: 200 / tried'], '20 / 20')
    assert.is(f['idle feed clients: tried / open'], '50 / 50')
    assert.is(f['idle feed clients: got the event'], '50 / 50')
    assert.ok(f['idle feed clients: server RSS per client (KiB)'] !== undefined)
    assert.is(f['POSTs with the idle feed clients open: 200 / tried'], '6 / 6')
    assert.is(f['stuck feed client: dropped by the server'], 'yes')
    assert.is(f['stuck feed client: resumed with Last-Event-ID and caught up'], 'yes')
    assert.is(f['over the limit (20 MiB): tried / clean 413'], '4 / 4')
    assert.is(f['over the limit: resets seen by the client'], 0)
    assert.ok(r.tried > 0 && r.faults > 0)
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
})

test.run()
