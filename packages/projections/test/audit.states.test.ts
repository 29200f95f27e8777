/** statesAfterEach over the real payload 01, as stored events: the status after each notification in log order. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import type { StoredEvent } from '../src/port.js'
import { statesAfterEach } from '../src/queries/audit.js'

const P01: unknown[] = JSON.parse(
  readFileSync(
    `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads/01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json`,
    'utf8'
  )
)
const events: StoredEvent[] = P01.map((v, i) => ({
  id: `e${i}`,
  type: 'TelephonySessionNotification',
  data: JSON.stringify(v),
  metadata: { receivedAt: '2024-01-01T00:00:00.000Z', source: 'import-file', contentHash: `h${i}` },
  stream: 'session-s-718107795d564867a6f635fd81e89940',
  revision: i,
  position: i + 1
}))

test('the session status after each notification of payload 01', () => {
  const states = statesAfterEach('s-718107795d564867a6f635fd81e89940', events)
  assert.equal(
    states.map((s) => s.status),
    ['ringing', 'ringing', 'ringing', 'active', 'ringing', 'ringing', 'active', 'on-hold', 'active', 'active', 'ended']
  )
  assert.equal(states[10]?.parties[2]?.metrics, { ringMs: 7345, talkMs: 12414, holdMs: 2393 })
})

test('reversed arrival ends in the same final state', () => {
  const forward = statesAfterEach('s-718107795d564867a6f635fd81e89940', events)
  const backward = statesAfterEach('s-718107795d564867a6f635fd81e89940', [...events].reverse())
  assert.equal(backward[10], forward[10])
})

test.run()
