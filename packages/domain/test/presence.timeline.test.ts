import * as fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  endedCalls,
  presenceAt,
  presenceTimeline,
  presenceUpdate,
  type PresenceInterval,
  type PresenceUpdate
} from '../src/index.js'
import { decodedPayload } from './support/payloads.js'

const payload09 = (): PresenceUpdate[] =>
  decodedPayload('09').flatMap((n) =>
    n.kind === 'presence' || n.kind === 'detailed-presence' ? [presenceUpdate(n)] : []
  )

test('payload 09: a number-typed extensionId decodes and normalises to a string presence fact', () => {
  assert.equal(payload09(), [
    {
      extensionId: '133165004',
      sequence: 107945,
      at: '2016-10-26T16:44:49.441Z',
      telephonyStatus: 'Ringing',
      presenceStatus: 'Available',
      userStatus: 'Available',
      dndStatus: 'DoNotAcceptDepartmentCalls',
      meetingStatus: null,
      activeCalls: [
        {
          id: '448115d0d81241fcaf4fc0d0b01c0ef9',
          telephonySessionId: null,
          sessionId: '14860368004',
          partyId: null,
          telephonyStatus: 'Ringing',
          terminationType: null
        }
      ]
    },
    {
      extensionId: '133165004',
      sequence: 107946,
      at: '2016-10-26T16:45:09.434Z',
      telephonyStatus: 'NoCall',
      presenceStatus: 'Available',
      userStatus: 'Available',
      dndStatus: 'DoNotAcceptDepartmentCalls',
      meetingStatus: null,
      activeCalls: [
        {
          id: '448115d0d81241fcaf4fc0d0b01c0ef9',
          telephonySessionId: null,
          sessionId: '14860368004',
          partyId: null,
          telephonyStatus: 'NoCall',
          terminationType: 'final'
        }
      ]
    }
  ])
})

test('payload 09: Ringing then NoCall gives two intervals; the final call is reported ended', () => {
  const updates = payload09()
  const common = { presenceStatus: 'Available', userStatus: 'Available', dndStatus: 'DoNotAcceptDepartmentCalls' }
  assert.equal(presenceTimeline(updates), [
    {
      from: '2016-10-26T16:44:49.441Z',
      to: '2016-10-26T16:45:09.434Z',
      telephonyStatus: 'Ringing',
      ...common,
      meetingStatus: null
    },
    { from: '2016-10-26T16:45:09.434Z', to: null, telephonyStatus: 'NoCall', ...common, meetingStatus: null }
  ])
  assert.equal(updates.map(endedCalls), [
    [],
    [{ callId: '448115d0d81241fcaf4fc0d0b01c0ef9', telephonySessionId: null, sessionId: '14860368004', partyId: null }]
  ])
})

const u = (sequence: number, second: number, fields: Partial<PresenceUpdate> = {}): PresenceUpdate => ({
  extensionId: '1',
  sequence,
  at: `2024-01-01T10:00:${String(second).padStart(2, '0')}.000Z`,
  telephonyStatus: null,
  presenceStatus: null,
  userStatus: null,
  dndStatus: null,
  meetingStatus: null,
  activeCalls: [],
  ...fields
})

const interval = (from: number, to: number | null, fields: Partial<PresenceInterval>): PresenceInterval => ({
  from: `2024-01-01T10:00:${String(from).padStart(2, '0')}.000Z`,
  to: to === null ? null : `2024-01-01T10:00:${String(to).padStart(2, '0')}.000Z`,
  telephonyStatus: null,
  presenceStatus: null,
  userStatus: null,
  dndStatus: null,
  meetingStatus: null,
  ...fields
})

test('older news never overwrites newer: a lower sequence arriving later is placed by its sequence', () => {
  const ringing = u(10, 1, { telephonyStatus: 'Ringing', presenceStatus: 'Busy' })
  const connected = u(11, 2, { telephonyStatus: 'CallConnected' })
  const noCall = u(12, 3, { telephonyStatus: 'NoCall', presenceStatus: 'Available' })
  const expected = [
    interval(1, 2, { telephonyStatus: 'Ringing', presenceStatus: 'Busy' }),
    // presenceStatus was absent in update 11: carried forward
    interval(2, 3, { telephonyStatus: 'CallConnected', presenceStatus: 'Busy' }),
    interval(3, null, { telephonyStatus: 'NoCall', presenceStatus: 'Available' })
  ]
  assert.equal(presenceTimeline([noCall, ringing, connected]), expected)
  assert.equal(presenceTimeline([ringing, connected, noCall]), expected)
  const timeline = presenceTimeline([connected, noCall, ringing, connected])
  assert.equal(
    ['2024-01-01T10:00:00.000Z', '2024-01-01T10:00:02.500Z', '2024-01-01T10:00:09.000Z'].map(
      (at) => presenceAt(timeline, at)?.telephonyStatus ?? null
    ),
    [null, 'CallConnected', 'NoCall']
  )
})

test('updates that change nothing extend the current interval', () => {
  assert.equal(
    presenceTimeline([u(1, 1, { dndStatus: 'TakeAllCalls' }), u(2, 5, { dndStatus: 'TakeAllCalls' }), u(3, 9)]),
    [interval(1, null, { dndStatus: 'TakeAllCalls' })]
  )
})

test('property: any order and duplicates of presence updates give the same timeline', () => {
  const update = fc
    .tuple(
      fc.integer({ min: 1, max: 30 }),
      fc.constantFrom('NoCall', 'Ringing', 'CallConnected', 'OnHold', undefined),
      fc.constantFrom('Available', 'Busy', undefined)
    )
    .map(([sequence, telephonyStatus, presenceStatus]) =>
      u(sequence, sequence, { telephonyStatus: telephonyStatus ?? null, presenceStatus: presenceStatus ?? null })
    )
  fc.assert(
    fc.property(
      fc
        .array(update, { maxLength: 12 })
        .chain((updates) =>
          fc.tuple(
            fc.constant(updates),
            fc.shuffledSubarray([...updates, ...updates], { minLength: 2 * updates.length })
          )
        ),
      ([updates, arrived]) => {
        assert.equal(presenceTimeline(arrived), presenceTimeline(updates))
      }
    ),
    { numRuns: 300 }
  )
})

test.run()
