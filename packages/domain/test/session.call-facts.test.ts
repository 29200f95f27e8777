/**
 * The call facts a contact centre relies on (issue "call facts"): live clocks, stale calls, ends taken from
 * presence, talk from the connection, queue legs not picked up, routing legs, unknown codes, the view's fields.
 * Built sequences (support/sessions.ts) where no public capture shows the case; the captures where one does.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  evolveSessionWith,
  foldSession,
  emptySession,
  presenceEnds,
  reconciliationEnds,
  sessionAsOf,
  type EndFact,
  type PresenceUpdate,
  type SessionState,
  type TelephonySessionBody
} from '../src/index.js'
import { sessionBodies } from './support/payloads.js'
import { SESSION, body, party, path, t } from './support/sessions.js'

const HOUR = 3_600_000

/** A detailed presence update of `extensionId` at `seconds` listing the call as ended. */
const presenceFinal = (
  extensionId: string,
  seconds: number,
  partyId: string | null,
  telephonySessionId = SESSION
): PresenceUpdate => ({
  extensionId,
  sequence: 1000 + seconds,
  at: t(seconds),
  telephonyStatus: 'NoCall',
  presenceStatus: 'Available',
  userStatus: 'Available',
  dndStatus: 'TakeAllCalls',
  meetingStatus: null,
  activeCalls: [
    {
      id: `call-${seconds}`,
      telephonySessionId,
      sessionId: '100',
      partyId,
      telephonyStatus: 'NoCall',
      terminationType: 'final'
    }
  ]
})

const endsOf = (update: PresenceUpdate, eventId = `ev-${update.at}`): EndFact[] =>
  presenceEnds(update, eventId).map((e) => e.fact)

/** A PSTN caller (no extension) answered by an extension's user; the telephony stream stops after the answer. */
const stuckAnswered: TelephonySessionBody[] = [
  body(2, 0, party('caller', { code: 'Setup' }, { direction: 'Outbound' })),
  body(3, 1, party('agent', { code: 'Proceeding' }, { extensionId: '101' })),
  body(4, 5, party('agent', { code: 'Answered' }, { extensionId: '101' })),
  body(5, 5, party('caller', { code: 'Answered' }, { direction: 'Outbound' }))
]

test('a live call counts its open span up to the question, not up to its last event', () => {
  const state = foldSession(SESSION, stuckAnswered)
  // stored (clock-free): the agent's talk runs to the last event, 5 s: 0
  assert.equal(state.parties.find((p) => p.id === 'agent')?.metrics.talkMs, 0)
  const view = sessionAsOf(state, { now: t(125), staleAfterMs: 4 * HOUR })
  assert.equal(view?.status, 'active')
  // answered at 5 s, asked at 125 s: two minutes of talk
  assert.equal(view?.state.parties.find((p) => p.id === 'agent')?.metrics, { ringMs: 4000, talkMs: 120000, holdMs: 0 })
  assert.equal(view?.state.parties.find((p) => p.id === 'agent')?.outcome, 'in-progress')
  // --at counts up to the instant asked about
  const at = sessionAsOf(state, { now: t(125), at: t(65), staleAfterMs: 4 * HOUR })
  assert.equal(at?.state.parties.find((p) => p.id === 'agent')?.metrics.talkMs, 60000)
})

test('a stale call stops counting at its last event, whenever it is asked about, and ends as unknown-end', () => {
  const state = foldSession(SESSION, stuckAnswered)
  const later = sessionAsOf(state, { now: t(5 * 3600), staleAfterMs: HOUR })
  const muchLater = sessionAsOf(state, { now: t(50 * 3600), staleAfterMs: HOUR })
  const atLater = sessionAsOf(state, { now: t(60), at: t(30 * 3600), staleAfterMs: HOUR })
  assert.equal(later?.status, 'stale')
  assert.equal(
    later?.state.parties.map((p) => [p.id, p.metrics.talkMs, p.outcome, p.endedBy]),
    [
      ['agent', 0, 'unknown-end', 'stale'],
      ['caller', 0, 'unknown-end', 'stale']
    ]
  )
  assert.equal(muchLater?.state, later?.state)
  assert.equal(atLater?.state, later?.state)
})

test('presence final ends a party whose Disconnected never came: at the presence time, marked as presence', () => {
  const ends = endsOf(presenceFinal('101', 100, 'agent'))
  const state = evolveSessionWith(foldSession(SESSION, stuckAnswered), [], ends)
  const agent = state.parties.find((p) => p.id === 'agent')
  assert.equal(agent?.ended, true)
  assert.equal(agent?.endedBy, 'presence')
  assert.equal(agent?.history.at(-1), {
    status: 'Disconnected',
    reason: null,
    at: t(100),
    sequence: 4,
    source: 'presence'
  })
  // answered at 5 s, ended by presence at 100 s
  assert.equal(agent?.metrics, { ringMs: 4000, talkMs: 95000, holdMs: 0 })
  assert.equal(agent?.outcome, 'completed')
  // presence names extensions only: the PSTN caller ends with the call it was on
  const caller = state.parties.find((p) => p.id === 'caller')
  assert.equal([caller?.ended, caller?.endedBy, caller?.outcome], [true, 'presence', 'completed'])
  assert.equal([state.status, state.endedAt], ['ended', t(100)])
})

test('presence closes a call whichever stream arrives first (same state in both orders, duplicates included)', () => {
  const ends = endsOf(presenceFinal('101', 100, 'agent'))
  const telephonyFirst = evolveSessionWith(foldSession(SESSION, stuckAnswered), [], ends)
  const presenceFirst = evolveSessionWith(evolveSessionWith(emptySession(SESSION), [], ends), stuckAnswered, ends)
  assert.equal(presenceFirst, telephonyFirst)
  const oneByOne = [...stuckAnswered]
    .reverse()
    .reduce<SessionState>((s, b) => evolveSessionWith(s, [b]), evolveSessionWith(emptySession(SESSION), [], ends))
  assert.equal(oneByOne, telephonyFirst)
})

test('a presence end without a party id ends the parties of its extension', () => {
  const state = evolveSessionWith(foldSession(SESSION, stuckAnswered), [], endsOf(presenceFinal('101', 100, null)))
  assert.equal(
    state.parties.map((p) => [p.id, p.endedBy]),
    [
      ['agent', 'presence'],
      ['caller', 'presence']
    ]
  )
})

test("the party's own end wins over presence, and presence older than the party's last event is old news", () => {
  const hungUp = [
    ...stuckAnswered,
    body(6, 50, party('agent', { code: 'Disconnected' }, { extensionId: '101' })),
    body(7, 50, party('caller', { code: 'Disconnected' }, { direction: 'Outbound' }))
  ]
  const own = evolveSessionWith(foldSession(SESSION, hungUp), [], endsOf(presenceFinal('101', 100, 'agent')))
  assert.equal(
    own.parties.map((p) => [p.id, p.endedBy, p.history.at(-1)?.at]),
    [
      ['agent', 'event', t(50)],
      ['caller', 'event', t(50)]
    ]
  )
  assert.equal(own.endedAt, t(50))
  // presence at 3 s says final, but the agent answered at 5 s: the presence was about an earlier state
  const old = evolveSessionWith(foldSession(SESSION, stuckAnswered), [], endsOf(presenceFinal('101', 3, 'agent')))
  assert.equal([old.status, old.parties.map((p) => p.endedBy)], ['active', [null, null]])
})

test('presence does not end a call that left the device but goes on: voicemail being recorded, a parked call', () => {
  for (const code of ['VoiceMail', 'Parked']) {
    const left = [
      body(2, 0, party('caller', { code: 'Setup' }, { direction: 'Outbound' })),
      body(3, 1, party('user', { code: 'Proceeding' }, { extensionId: '101' })),
      body(4, 1, party('caller', { code: 'Answered' }, { direction: 'Outbound' })),
      body(5, 20, party('user', { code }, { extensionId: '101' }))
    ]
    // the user's presence says NoCall/final as the call leaves the phone (capture 09): the call is not over
    const state = evolveSessionWith(foldSession(SESSION, left), [], endsOf(presenceFinal('101', 20, 'user')))
    assert.equal(
      [state.status, state.parties.map((p) => p.endedBy)],
      [code === 'VoiceMail' ? 'voicemail' : 'parked', [null, null]],
      code
    )
  }
})

test('a reconciliation that found the session gone ends every live party when it asked, voicemail too', () => {
  const left = [...stuckAnswered, body(6, 20, party('agent', { code: 'VoiceMail' }, { extensionId: '101' }))]
  const gone = reconciliationEnds({ telephonySessionId: SESSION, askedAt: t(900), conclusion: 'gone' }, 'rec-1')
  const state = evolveSessionWith(foldSession(SESSION, left), [], gone)
  assert.equal(
    state.parties.map((p) => [p.id, p.endedBy, p.history.at(-1)?.source, p.history.at(-1)?.at]),
    [
      ['agent', 'reconciliation', 'reconciliation', t(900)],
      ['caller', 'reconciliation', 'reconciliation', t(900)]
    ]
  )
  assert.equal([state.status, state.endedAt], ['ended', t(900)])
  // the platform still knows it: nothing ends
  assert.equal(reconciliationEnds({ telephonySessionId: SESSION, askedAt: t(900), conclusion: 'live' }, 'rec-2'), [])
  // asked before the last event: old news
  const early = reconciliationEnds({ telephonySessionId: SESSION, askedAt: t(10), conclusion: 'gone' }, 'rec-3')
  assert.equal(evolveSessionWith(foldSession(SESSION, left), [], early).status, 'voicemail')
})

test('a reconciliation with endAt (the call went silent long before it was asked) stops the clocks at endAt', () => {
  const left = [...stuckAnswered, body(6, 20, party('agent', { code: 'Answered' }, { extensionId: '101' }))]
  const gone = reconciliationEnds(
    { telephonySessionId: SESSION, askedAt: t(90_000), conclusion: 'gone', endAt: t(20) },
    'rec-4'
  )
  const state = evolveSessionWith(foldSession(SESSION, left), [], gone)
  assert.equal([state.status, state.endedAt], ['ended', t(20)])
  assert.ok(state.parties.every((p) => p.endedBy === 'reconciliation' && p.history.at(-1)?.at === t(20)))
})

test('a session ends at its latest end: a caller hanging up after presence closed the agent ends it then', () => {
  const hangUp = body(6, 60, party('caller', { code: 'Disconnected' }, { direction: 'Outbound' }))
  const state = evolveSessionWith(
    foldSession(SESSION, [...stuckAnswered, hangUp]),
    [],
    endsOf(presenceFinal('101', 50, 'agent'))
  )
  assert.equal(
    state.parties.map((p) => [p.id, p.endedBy, p.history.at(-1)?.at]),
    [
      ['agent', 'presence', t(50)],
      ['caller', 'event', t(60)]
    ]
  )
  assert.equal([state.status, state.endedAt], ['ended', t(60)])
  // the other way round: the end fact is the latest
  const early = body(6, 40, party('caller', { code: 'Disconnected' }, { direction: 'Outbound' }))
  const other = evolveSessionWith(
    foldSession(SESSION, [...stuckAnswered, early]),
    [],
    endsOf(presenceFinal('101', 50, 'agent'))
  )
  assert.equal(other.endedAt, t(50))
})

test('a presence end for another extension or session changes nothing', () => {
  const base = foldSession(SESSION, stuckAnswered)
  assert.equal(evolveSessionWith(base, [], endsOf(presenceFinal('999', 100, null))).status, 'active')
  assert.equal(presenceEnds(presenceFinal('101', 100, 'agent', 's-other'), 'e')[0]?.telephonySessionId, 's-other')
})

test("a caller's talk starts when the call connects: capture 02 caller talks 9,648 ms, not from its own Answered", () => {
  const bodies = sessionBodies('02')
  const state = foldSession(bodies[0]?.telephonySessionId ?? '', bodies)
  assert.equal(state.parties[0]?.metrics, { ringMs: 0, talkMs: 9648, holdMs: 4319 })
})

test("with only the extension's own party seen, its own Answered stands (capture 03, extension path only)", () => {
  const bodies = sessionBodies('03').filter((b) => b.parties.every((p) => p.extensionId !== undefined))
  const state = foldSession(bodies[0]?.telephonySessionId ?? '', bodies)
  assert.equal(
    state.parties.map((p) => [p.id.slice(-2), p.metrics, p.outcome]),
    // ring 21.627 Setup, Proceeding 25.166 -> Answered 28.900 = 3734; talk (28.900 -> 35.590) 6690 +
    // (38.865 -> 45.018) 6153 = 12843; hold 35.590 -> 38.865 = 3275
    [['-1', { ringMs: 3734, talkMs: 12843, holdMs: 3275 }, 'completed']]
  )
})

test('an internal call the callee never answers gives the caller no talk', () => {
  const state = foldSession(SESSION, [
    body(2, 0, party('caller', { code: 'Setup' }, { direction: 'Outbound', extensionId: '101' })),
    body(3, 0, party('caller', { code: 'Answered' }, { direction: 'Outbound', extensionId: '101' })),
    body(4, 1, party('callee', { code: 'Proceeding' }, { extensionId: '102' })),
    body(5, 20, party('callee', { code: 'Disconnected' }, { extensionId: '102' })),
    body(6, 20, party('caller', { code: 'Disconnected' }, { direction: 'Outbound', extensionId: '101' }))
  ])
  assert.equal(
    state.parties.map((p) => [p.id, p.metrics.talkMs, p.outcome]),
    [
      ['callee', 0, 'missed'],
      ['caller', 0, 'completed']
    ]
  )
})

test('queue members who did not pick up are not-picked-up, the one who answered completed', () => {
  const member = (id: string, code: string, reason?: string) =>
    party(id, reason === undefined ? { code } : { code, reason }, {
      extensionId: id,
      queueCall: true,
      to: { extensionId: '900', name: 'Support queue', phoneNumber: '+15550000' }
    })
  const state = foldSession(SESSION, [
    body(2, 0, party('caller', { code: 'Answered' }, { direction: 'Outbound' })),
    body(3, 1, member('201', 'Proceeding')),
    body(4, 1, member('202', 'Proceeding')),
    body(5, 6, member('202', 'Answered')),
    body(6, 6, member('201', 'Disconnected', 'AgentAnswered')),
    body(7, 30, member('202', 'Disconnected')),
    body(8, 30, party('caller', { code: 'Disconnected' }, { direction: 'Outbound' }))
  ])
  assert.equal(
    state.parties.map((p) => [p.id, p.outcome, p.queue]),
    [
      ['201', 'not-picked-up', { extensionId: '900', name: 'Support queue' }],
      ['202', 'completed', { extensionId: '900', name: 'Support queue' }],
      ['caller', 'completed', null]
    ]
  )
})

test('the queue of a leg comes from to.name, else uiCallInfo QueueName (payload 06 decoded)', () => {
  const state = foldSession(SESSION, [
    body(2, 0, party('m', { code: 'Proceeding' }, { queueCall: true, to: { extensionId: '62282928016' } })),
    body(3, 1, party('m', { code: 'Proceeding' }, { queueCall: true, queueName: "Tyler's call queue" }))
  ])
  assert.equal(state.parties[0]?.queue, { extensionId: '62282928016', name: "Tyler's call queue" })
})

test('the IVR leg of capture 01 passed the call on: routed, not cancelled', () => {
  const bodies = sessionBodies('01')
  const state = foldSession(bodies[0]?.telephonySessionId ?? '', bodies)
  assert.equal(
    state.parties.map((p) => p.outcome),
    ['completed', 'routed', 'completed']
  )
})

test('an extension leg set up and dropped with nothing after it is still cancelled, not routed', () => {
  const state = foldSession(SESSION, [
    body(2, 0, party('caller', { code: 'Setup' }, { direction: 'Outbound' })),
    body(3, 0, party('ivr', { code: 'Setup' }, { extensionId: '300' })),
    body(4, 3, party('ivr', { code: 'Disconnected' }, { extensionId: '300' })),
    body(5, 3, party('caller', { code: 'Disconnected' }, { direction: 'Outbound' }))
  ])
  assert.equal(state.parties.find((p) => p.id === 'ivr')?.outcome, 'cancelled')
})

test('an unknown code on an answered party does not turn the connected call back to ringing', () => {
  const state = foldSession(SESSION, [
    ...path('a', ['Proceeding', 'Answered']),
    body(4, 3, party('a', { code: 'Recording' }))
  ])
  assert.equal([state.parties[0]?.status, state.status], ['Recording', 'active'])
})

test('a park that times out rings back (Parked -> Proceeding) and hold can go to screening: both legal', () => {
  const parked = foldSession(SESSION, path('a', ['Answered', 'Parked', 'Proceeding', 'Answered']))
  const screening = foldSession(SESSION, path('a', ['Answered', 'Hold', 'VoiceMailScreening']))
  assert.equal([parked.anomalies, screening.anomalies], [[], []])
})

test('the view carries missedCall, park id and queue as the platform last sent them', () => {
  const state = foldSession(SESSION, [
    body(2, 0, party('a', { code: 'Answered' }, { missedCall: false })),
    body(3, 4, party('a', { code: 'Parked' }, { missedCall: true, parkId: '*801' }))
  ])
  assert.equal([state.parties[0]?.missedCall, state.parties[0]?.parkId, state.parties[0]?.queue], [true, '*801', null])
})

test.run()
