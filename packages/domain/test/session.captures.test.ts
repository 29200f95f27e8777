/**
 * The real captures folded whole. Expected metrics are computed by hand from the eventTimes in the payloads
 * (the arithmetic is in the comments) and written as literals.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { foldSession, type PartyState, type SessionState } from '../src/index.js'
import { sessionBodies, strippedBodies } from './support/payloads.js'

const fold = (prefix: string): SessionState => {
  const bodies = sessionBodies(prefix)
  return foldSession(bodies[0]?.telephonySessionId ?? '', bodies)
}

/** The state without its raw facts (checked separately): what a reader of the session sees. */
const summary = (s: SessionState) => ({ ...s, updates: s.updates.length })

const entry = (status: string, at: string, sequence: number) => ({ status, reason: null, at, sequence })

test('payload 01 (PSTN -> IVR -> user, hold, unhold, hang-up) folds into an ended session of three parties', () => {
  const p1: PartyState = {
    id: 'p-718107795d564867a6f635fd81e89940-1',
    extensionId: null,
    direction: 'Outbound',
    // the caller's name only arrives with the last event (seq 12): fields carry forward, latest wins
    from: { phoneNumber: '+14083388064', name: 'DIBYENDU ROY' },
    to: { phoneNumber: '+18003151571', name: 'IVR Menu 1001', extensionId: '62242421016' },
    status: 'Disconnected',
    reason: null,
    queueCall: false,
    ringOutRole: null,
    history: [
      entry('Setup', '2020-06-23T01:05:43.940Z', 2),
      entry('Answered', '2020-06-23T01:05:44.083Z', 4),
      entry('Disconnected', '2020-06-23T01:06:14.812Z', 12)
    ],
    // answered at 01:05:44.083 (by the IVR), but talk starts when the call connected with another party, the
    // user's Answered at 01:06:00.001: talk 01:06:00.001 -> 01:06:14.812 = 14.811 s
    metrics: { ringMs: 0, talkMs: 14811, holdMs: 0 },
    outcome: 'completed',
    ended: true,
    endedBy: 'event',
    missedCall: false,
    parkId: null,
    queue: null
  }
  const p2: PartyState = {
    id: 'p-718107795d564867a6f635fd81e89940-2',
    extensionId: '62242421016',
    direction: 'Inbound',
    from: { phoneNumber: '+14083388064' },
    to: { phoneNumber: '+18003151571', name: 'IVR Menu 1001', extensionId: '62242421016' },
    status: 'Disconnected',
    reason: null,
    queueCall: false,
    ringOutRole: null,
    history: [entry('Setup', '2020-06-23T01:05:43.964Z', 3), entry('Disconnected', '2020-06-23T01:05:52.627Z', 5)],
    metrics: { ringMs: 0, talkMs: 0, holdMs: 0 },
    // the IVR leg went Setup -> Disconnected as the user's party began (01:05:52.627): it passed the call on
    outcome: 'routed',
    ended: true,
    endedBy: 'event',
    missedCall: false,
    parkId: null,
    queue: null
  }
  const p3: PartyState = {
    id: 'p-718107795d564867a6f635fd81e89940-3',
    extensionId: '809646016',
    direction: 'Inbound',
    from: { phoneNumber: '+14083388064', name: 'DIBYENDU ROY' },
    to: { phoneNumber: '+18003151571', name: 'TESTER Babji', extensionId: '809646016' },
    status: 'Disconnected',
    reason: null,
    queueCall: false,
    ringOutRole: null,
    history: [
      entry('Setup', '2020-06-23T01:05:52.627Z', 6),
      entry('Proceeding', '2020-06-23T01:05:52.656Z', 7),
      entry('Answered', '2020-06-23T01:06:00.001Z', 8),
      entry('Hold', '2020-06-23T01:06:04.601Z', 9),
      entry('Answered', '2020-06-23T01:06:06.994Z', 10),
      entry('Disconnected', '2020-06-23T01:06:14.808Z', 11)
    ],
    // ring 52.656 -> 60.001 = 7345; talk (60.001 -> 64.601) 4600 + (66.994 -> 74.808) 7814 = 12414;
    // hold 64.601 -> 66.994 = 2393
    metrics: { ringMs: 7345, talkMs: 12414, holdMs: 2393 },
    outcome: 'completed',
    ended: true,
    endedBy: 'event',
    missedCall: false,
    parkId: null,
    queue: null
  }
  assert.equal(summary(fold('01')), {
    telephonySessionId: 's-718107795d564867a6f635fd81e89940',
    sessionId: '429180487016',
    origin: 'Call',
    updates: 11,
    ends: [],
    status: 'ended',
    startedAt: '2020-06-23T01:05:43.940Z',
    // the fact that ended it: the caller's Disconnected, sequence 12
    endedAt: '2020-06-23T01:06:14.812Z',
    lastEventAt: '2020-06-23T01:06:14.812Z',
    parties: [p1, p2, p3],
    gaps: [],
    anomalies: [],
    links: []
  })
})

test('payload 02 (extension to extension, caller holds) folds into an ended session of two parties', () => {
  assert.equal(summary(fold('02')), {
    telephonySessionId: 's-f9badb80011344259059d6894a30ace2',
    sessionId: '429182360016',
    origin: 'Call',
    updates: 9,
    ends: [],
    status: 'ended',
    startedAt: '2020-06-23T01:17:14.330Z',
    endedAt: '2020-06-23T01:17:35.061Z',
    lastEventAt: '2020-06-23T01:17:35.061Z',
    parties: [
      {
        id: 'p-f9badb80011344259059d6894a30ace2-1',
        extensionId: '979428016',
        direction: 'Outbound',
        from: {
          phoneNumber: '+17203861294',
          name: 'Message Dispatcher',
          extensionId: '979428016',
          deviceId: '210759647016'
        },
        to: { phoneNumber: '11101', name: 'TESTER Babji', extensionId: '809646016' },
        status: 'Disconnected',
        reason: null,
        queueCall: false,
        ringOutRole: null,
        history: [
          entry('Setup', '2020-06-23T01:17:14.330Z', 2),
          entry('Answered', '2020-06-23T01:17:14.388Z', 4),
          entry('Hold', '2020-06-23T01:17:25.015Z', 7),
          entry('Answered', '2020-06-23T01:17:29.334Z', 8),
          entry('Disconnected', '2020-06-23T01:17:35.051Z', 9)
        ],
        // the caller is Answered at 14.388 while the callee still rings: talk starts when the callee answers,
        // 21.084: (21.084 -> 25.015) 3931 + (29.334 -> 35.051) 5717 = 9648; hold 25.015 -> 29.334 = 4319
        metrics: { ringMs: 0, talkMs: 9648, holdMs: 4319 },
        outcome: 'completed',
        ended: true,
        endedBy: 'event',
        missedCall: false,
        parkId: null,
        queue: null
      },
      {
        id: 'p-f9badb80011344259059d6894a30ace2-2',
        extensionId: '809646016',
        direction: 'Inbound',
        from: { phoneNumber: '11104', name: 'Message Dispatcher', extensionId: '979428016', deviceId: '210759647016' },
        to: { phoneNumber: '11101', name: 'TESTER Babji', extensionId: '809646016' },
        status: 'Disconnected',
        reason: null,
        queueCall: false,
        ringOutRole: null,
        history: [
          entry('Setup', '2020-06-23T01:17:14.349Z', 3),
          entry('Proceeding', '2020-06-23T01:17:14.410Z', 5),
          entry('Answered', '2020-06-23T01:17:21.084Z', 6),
          entry('Disconnected', '2020-06-23T01:17:35.061Z', 10)
        ],
        // ring 14.410 -> 21.084 = 6674; talk 21.084 -> 35.061 = 13977
        metrics: { ringMs: 6674, talkMs: 13977, holdMs: 0 },
        outcome: 'completed',
        ended: true,
        endedBy: 'event',
        missedCall: false,
        parkId: null,
        queue: null
      }
    ],
    gaps: [],
    anomalies: [],
    links: []
  })
})

test('payload 03 (extension to PSTN, PSTN party without extensionId) folds into an ended session', () => {
  assert.equal(summary(fold('03')), {
    telephonySessionId: 's-c23b203d62db4f6aaee00717bafa99be',
    sessionId: '429182699016',
    origin: 'Call',
    updates: 9,
    ends: [],
    status: 'ended',
    startedAt: '2020-06-23T01:19:21.627Z',
    endedAt: '2020-06-23T01:19:45.032Z',
    lastEventAt: '2020-06-23T01:19:45.032Z',
    parties: [
      {
        id: 'p-c23b203d62db4f6aaee00717bafa99be-1',
        extensionId: '809646016',
        direction: 'Outbound',
        from: { phoneNumber: '+18003151571', extensionId: '809646016', deviceId: '210074565016' },
        to: { phoneNumber: '+14083388064' },
        status: 'Disconnected',
        reason: null,
        queueCall: false,
        ringOutRole: null,
        history: [
          entry('Setup', '2020-06-23T01:19:21.627Z', 2),
          entry('Proceeding', '2020-06-23T01:19:25.166Z', 4),
          entry('Answered', '2020-06-23T01:19:28.900Z', 6),
          entry('Hold', '2020-06-23T01:19:35.590Z', 7),
          entry('Answered', '2020-06-23T01:19:38.865Z', 8),
          entry('Disconnected', '2020-06-23T01:19:45.018Z', 9)
        ],
        // ring 25.166 -> 28.900 = 3734; talk (28.900 -> 35.590) 6690 + (38.865 -> 45.018) 6153 = 12843;
        // hold 35.590 -> 38.865 = 3275
        metrics: { ringMs: 3734, talkMs: 12843, holdMs: 3275 },
        outcome: 'completed',
        ended: true,
        endedBy: 'event',
        missedCall: false,
        parkId: null,
        queue: null
      },
      {
        id: 'p-c23b203d62db4f6aaee00717bafa99be-2',
        extensionId: null,
        direction: 'Inbound',
        from: { phoneNumber: '+18003151571', name: 'TESTER Babji', extensionId: '809646016' },
        to: { phoneNumber: '+14083388064' },
        status: 'Disconnected',
        reason: null,
        queueCall: false,
        ringOutRole: null,
        history: [
          entry('Proceeding', '2020-06-23T01:19:21.663Z', 3),
          entry('Answered', '2020-06-23T01:19:28.872Z', 5),
          entry('Disconnected', '2020-06-23T01:19:45.032Z', 10)
        ],
        // ring 21.663 -> 28.872 = 7209; talk from the connection, when the other side is Answered too (28.900):
        // 28.900 -> 45.032 = 16132
        metrics: { ringMs: 7209, talkMs: 16132, holdMs: 0 },
        outcome: 'completed',
        ended: true,
        endedBy: 'event',
        missedCall: false,
        parkId: null,
        queue: null
      }
    ],
    gaps: [],
    anomalies: [],
    links: []
  })
})

test('payload 08 (bodies only, no party id) gives ring 1985 ms, talk 7591 ms, hold 1933 ms', () => {
  const bodies = strippedBodies('08', 'party-08')
  const state = foldSession('s-11112222333344445555666677778888', bodies)
  assert.equal(
    state.parties.map((p) => ({ id: p.id, metrics: p.metrics, outcome: p.outcome, ended: p.ended })),
    [{ id: 'party-08', metrics: { ringMs: 1985, talkMs: 7591, holdMs: 1933 }, outcome: 'completed', ended: true }]
  )
})

test('payload 04 records its gap: sequences 2, 3, 8 seen, 4 to 7 missing', () => {
  const state = fold('04')
  assert.equal(
    { gaps: state.gaps, sequences: state.updates.map((u) => u.sequence), status: state.status },
    // the PSTN party's end never arrived (it is in the gap): the session is still ringing, the stale rule closes it
    { gaps: [{ from: 4, to: 7 }], sequences: [2, 3, 8], status: 'ringing' }
  )
})

test('every fact of a capture is kept once, sorted by sequence, whatever the subscription path', () => {
  const state = fold('01')
  assert.equal(
    state.updates.map((u) => [u.sequence, u.party.id.slice(-2), u.party.status.code]),
    [
      [2, '-1', 'Setup'],
      [3, '-2', 'Setup'],
      [4, '-1', 'Answered'],
      [5, '-2', 'Disconnected'],
      [6, '-3', 'Setup'],
      [7, '-3', 'Proceeding'],
      [8, '-3', 'Answered'],
      [9, '-3', 'Hold'],
      [10, '-3', 'Answered'],
      [11, '-3', 'Disconnected'],
      [12, '-1', 'Disconnected']
    ]
  )
})

test.run()
