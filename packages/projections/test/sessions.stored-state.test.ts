/**
 * rm_sessions.state holds a session's header and facts only; readers derive the rest. Every session must come back
 * exactly as folded, and a state written whole by the previous version must read the same.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { canonicalJson, type Party, type SessionState, type TelephonySessionBody } from '@callstate/domain'
import { parseStoredState, storedStateText } from '../src/sessions/stored-state.js'
import { fold, sessionsOf } from './analytics.support.js'

const captured = sessionsOf('01', '02', '03', '04', '06', '07')

const header = (s: SessionState) => ({
  telephonySessionId: s.telephonySessionId,
  sessionId: s.sessionId,
  origin: s.origin,
  updates: s.updates
})

// Bodies of one session that reach what the captures above do not: Gone with peerId (links), conflicting twins and
// untimed facts (anomalies), missing sequences (gaps), endpoints that come and go, unknown status codes.
const party: fc.Arbitrary<Party> = fc.record(
  {
    id: fc.constantFrom('p-1', 'p-2', 'p-3'),
    extensionId: fc.constantFrom('101', '202'),
    direction: fc.constantFrom('Inbound', 'Outbound'),
    from: fc.record(
      { phoneNumber: fc.constantFrom('+1555', '+1666'), name: fc.constantFrom('Ann', 'Bo "B"') },
      {
        requiredKeys: ['phoneNumber']
      }
    ),
    queueCall: fc.boolean(),
    status: fc.record(
      {
        code: fc.constantFrom('Setup', 'Proceeding', 'Answered', 'Hold', 'Disconnected', 'Gone', 'VoiceMail', 'Odd'),
        reason: fc.constantFrom('Pickup', 'Conference', 'BlindTransfer'),
        peerId: fc.record({ sessionId: fc.constantFrom('0', 's-9'), telephonySessionId: fc.constant('t-9') })
      },
      { requiredKeys: ['code'] }
    )
  },
  { requiredKeys: ['id', 'status'] }
)
const body: fc.Arbitrary<TelephonySessionBody> = fc.record(
  {
    sequence: fc.integer({ min: 2, max: 12 }),
    telephonySessionId: fc.constant('t-1'),
    sessionId: fc.constantFrom('s-1', 's-0'),
    eventTime: fc.constantFrom('2026-01-05T10:00:00.000Z', '2026-01-05T10:00:07.250Z', '2026-01-05T10:01:00Z'),
    origin: fc.constantFrom('Call', 'RingOut'),
    parties: fc.array(party, { minLength: 1, maxLength: 3 })
  },
  { requiredKeys: ['sequence', 'telephonySessionId', 'parties'] }
)

test('the captures give sessions with facts to store', () => {
  assert.equal(
    captured.map((s) => s.updates.length),
    [11, 1, 1, 1, 1, 3, 9, 9]
  )
})

test('the stored text is canonicalJson of the header and the facts, nothing else', () => {
  for (const s of captured) assert.equal(storedStateText(s), canonicalJson(header(s)))
  fc.assert(
    fc.property(fc.array(body, { minLength: 1, maxLength: 12 }), (bodies) => {
      for (const s of fold(bodies)) assert.equal(storedStateText(s), canonicalJson(header(s)))
    })
  )
})

test('parsing the stored text gives back the folded state', () => {
  for (const s of captured)
    assert.equal(parseStoredState(s.telephonySessionId, storedStateText(s)), { _tag: 'Right', right: s })
  fc.assert(
    fc.property(fc.array(body, { minLength: 1, maxLength: 12 }), (bodies) => {
      for (const s of fold(bodies))
        assert.equal(parseStoredState(s.telephonySessionId, storedStateText(s)), { _tag: 'Right', right: s })
    })
  )
})

test('the generated sessions do reach links, anomalies and gaps', () => {
  const seen = { links: false, anomalies: false, gaps: false }
  fc.assert(
    fc.property(fc.array(body, { minLength: 1, maxLength: 12 }), (bodies) => {
      for (const s of fold(bodies)) {
        seen.links ||= s.links.length > 0
        seen.anomalies ||= s.anomalies.length > 0
        seen.gaps ||= s.gaps.length > 0
      }
    })
  )
  assert.equal(seen, { links: true, anomalies: true, gaps: true })
})

test('a state stored whole by the previous version reads the same', () => {
  for (const s of captured)
    assert.equal(parseStoredState(s.telephonySessionId, canonicalJson(s)), { _tag: 'Right', right: s })
})

test('a stored state without facts is reported, not derived', () => {
  assert.equal(parseStoredState('s-1', '{"telephonySessionId":"s-1","sessionId":null,"origin":null}'), {
    _tag: 'Left',
    left: { _tag: 'CorruptState', telephonySessionId: 's-1', reason: 'state does not fit at updates' }
  })
  assert.equal(parseStoredState('s-1', 'nope')._tag, 'Left')
})

test.run()
