/**
 * The `security` campaign at a small size (the route probes in full, a load of 60 requests; npm audit is CI's):
 * every route with call data refuses requests without the API token or with a wrong one, the public ones are the
 * expected few, no CORS header, no preflight granted, no token in any log line.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { securityCampaign } from '../chaos/campaigns/security.js'

test('security: the token guards every data route, no CORS, no secret in the logs', async () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callstate-chaos-security-'))
  try {
    const r = await securityCampaign({ audit: false }).run({ size: 60, workDir, log: () => undefined })
    assert.equal(r.open, [])
    assert.equal(r.lost, 0)
    assert.equal(r.duplicates, 0)
    assert.equal(r.crashes, 0)
    const f = r.figures
    const probed = Number(f['route and method pairs probed'])
    assert.ok(probed >= 30, `probed ${probed}`)
    const [refused, needing] = String(f['needing the token: refused without / with a wrong token']).split(' / ')
    assert.is(refused, needing)
    assert.ok(Number(needing) >= 20)
    assert.is(f['leaks (answered without the right token)'], 0)
    assert.is(f['CORS headers seen'], 0)
    assert.is(f['preflights granted'], 0)
    assert.is(f['/metrics'], 'behind the token')
    assert.is(f['secret occurrences in the logs'], 0)
    assert.ok(Number(f['log lines searched']) > 60)
    assert.is(f['webhook posts with both tokens: answered 200'], '30 / 30')
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true })
  }
})

test.run()
