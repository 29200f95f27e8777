import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { OUTCOMES, foldSession, partyMetrics, partyOutcome, type HistoryEntry } from '../src/index.js'
import { path, SESSION, t } from './support/sessions.js'

const outcome = (codes: ReadonlyArray<string | { code: string; reason?: string }>, direction = 'Inbound') =>
  foldSession(SESSION, path('a', codes, { direction })).parties[0]?.outcome

test('outcome by the state before the end, one value of the closed list each', () => {
  assert.equal(
    [
      outcome(['Proceeding', 'Disconnected']),
      outcome(['Setup', 'Proceeding', 'Disconnected'], 'Outbound'),
      outcome(['Proceeding', 'VoiceMail', 'Disconnected']),
      outcome(['Setup', 'Disconnected']),
      outcome(['Answered', 'Parked', 'Disconnected']),
      outcome(['Answered', 'Hold', 'Disconnected']),
      outcome(['Proceeding', 'Answered', 'Disconnected']),
      outcome(['Answered', { code: 'Disconnected', reason: 'BlindTransfer' }]),
      outcome(['Answered', { code: 'Gone', reason: 'Conference' }]),
      outcome(['Answered', { code: 'Gone', reason: 'AttendedTransfer' }]),
      outcome(['Answered', 'Gone']),
      outcome(['Proceeding', 'Answered']),
      outcome(['Answered', { code: 'Disconnected', reason: 'CallSwitch' }]),
      outcome(['Proceeding', { code: 'Disconnected', reason: 'Pickup' }])
    ],
    [
      'missed',
      'cancelled',
      'voicemail',
      'cancelled',
      'parked',
      'hung-up-on-hold',
      'completed',
      'transferred',
      'merged',
      'transferred',
      'transferred',
      'in-progress',
      'completed',
      'transferred'
    ]
  )
})

test('an unknown code before the end is skipped when looking for the state before it ended', () => {
  assert.equal(outcome(['Answered', 'Hold', 'Recording', 'Disconnected']), 'hung-up-on-hold')
})

test('the outcome list is closed: the nine values of DOMAIN.md and the three the domain README adds', () => {
  assert.equal([...OUTCOMES].sort(), [
    'cancelled',
    'completed',
    'hung-up-on-hold',
    'in-progress',
    'merged',
    'missed',
    'not-picked-up',
    'parked',
    'routed',
    'transferred',
    'unknown-end',
    'voicemail'
  ])
  assert.equal(partyOutcome([], 'Inbound'), 'in-progress')
})

const h = (status: string, seconds: number, sequence: number): HistoryEntry => ({
  status,
  reason: null,
  at: t(seconds),
  sequence
})

test('metrics: no Proceeding gives ring 0; Parked, Gone and VoiceMail close a talk span', () => {
  assert.equal(
    [
      partyMetrics([h('Setup', 0, 2), h('Answered', 1, 3), h('Parked', 4, 4), h('Gone', 10, 5)], null),
      partyMetrics([h('Answered', 0, 2), h('VoiceMail', 3, 3), h('Disconnected', 20, 4)], null),
      partyMetrics([h('Proceeding', 0, 2), h('VoiceMail', 6, 3), h('Disconnected', 30, 4)], null)
    ],
    [
      { ringMs: 0, talkMs: 3000, holdMs: 0 },
      { ringMs: 0, talkMs: 3000, holdMs: 0 },
      // the ring ends when voicemail picks up: the recording is not ringing
      { ringMs: 6000, talkMs: 0, holdMs: 0 }
    ]
  )
})

test('metrics: an open span is counted up to asOf, a repeated code continues its span, a later ring is not ring', () => {
  assert.equal(
    [
      partyMetrics([h('Proceeding', 0, 2), h('Answered', 2, 3), h('Hold', 5, 4)], t(9)),
      partyMetrics([h('Proceeding', 0, 2), h('Answered', 2, 3)], null),
      partyMetrics([h('Answered', 0, 2), h('Answered', 4, 3), h('Disconnected', 6, 4)], t(100)),
      partyMetrics(
        [h('Answered', 0, 2), h('Disconnected', 1, 3), h('Proceeding', 1, 4), h('Answered', 3, 5)].map((e, i) =>
          i === 1 ? { ...e, reason: 'CallSwitch' } : e
        ),
        t(4)
      )
    ],
    [
      { ringMs: 2000, talkMs: 3000, holdMs: 4000 },
      { ringMs: 2000, talkMs: 0, holdMs: 0 },
      { ringMs: 0, talkMs: 6000, holdMs: 0 },
      { ringMs: 0, talkMs: 2000, holdMs: 0 }
    ]
  )
})

test('metrics in the stored state count open spans up to lastEventAt (clock-free)', () => {
  const state = foldSession(SESSION, [
    ...path('a', ['Proceeding', 'Answered'], { step: 2 }),
    ...path('b', ['Proceeding', 'Answered', 'Hold'], { firstSequence: 4, step: 5 })
  ])
  assert.equal(
    [state.lastEventAt, state.parties.map((p) => p.metrics)],
    [
      t(10),
      [
        // a answered at 2 s, but talk starts when the call connected with another party: b answered at 5 s
        { ringMs: 2000, talkMs: 5000, holdMs: 0 },
        { ringMs: 5000, talkMs: 5000, holdMs: 0 }
      ]
    ]
  )
})

test.run()
