import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  evolveSession,
  emptySession,
  foldSession,
  isConferenceBridge,
  isStale,
  sessionAt,
  statusAt,
  type SessionState
} from '../src/index.js'
import { body, party, path, SESSION, t } from './support/sessions.js'
import { loadPayload, sessionBodies } from './support/payloads.js'
import { codecs } from '../src/index.js'
import * as E from 'fp-ts/lib/Either.js'

const statusOf = (...bodies: Parameters<typeof foldSession>[1]): SessionState['status'] =>
  foldSession(SESSION, bodies).status

test('session status precedence over live parties: voicemail > parked > on-hold > active > ringing', () => {
  const a = (code: string) => party('a', { code })
  const b = (code: string) => party('b', { code })
  assert.equal(
    [
      statusOf(body(2, 0, a('VoiceMail'), b('Parked'))),
      statusOf(body(2, 0, a('VoiceMailScreening'), b('Hold'))),
      statusOf(body(2, 0, a('Parked'), b('Hold'))),
      statusOf(body(2, 0, a('Hold'), b('Answered'))),
      statusOf(body(2, 0, a('Answered'), b('Answered'))),
      statusOf(body(2, 0, a('Answered'))),
      statusOf(body(2, 0, a('Answered'), b('Proceeding'))),
      statusOf(body(2, 0, a('Setup'))),
      // an ended party does not count: the only live party is Answered
      statusOf(body(2, 0, a('Answered'), b('Disconnected')))
    ],
    ['voicemail', 'voicemail', 'parked', 'on-hold', 'active', 'active', 'ringing', 'ringing', 'active']
  )
})

test('a session ends when every party seen is Gone or Disconnected', () => {
  const state = foldSession(SESSION, [
    body(2, 0, party('a', { code: 'Answered' }), party('b', { code: 'Answered' })),
    body(3, 5, party('a', { code: 'Disconnected' })),
    body(4, 6, party('b', { code: 'Gone', reason: 'AttendedTransfer' }))
  ])
  assert.equal([state.status, state.endedAt], ['ended', t(6)])
})

test('Disconnected with reason Pickup or CallSwitch does not end the session, nor keep it open for ever', () => {
  const picked = foldSession(SESSION, [
    body(2, 0, party('caller', { code: 'Answered' }, { direction: 'Outbound' }), party('a', { code: 'Proceeding' })),
    body(3, 4, party('a', { code: 'Disconnected', reason: 'Pickup' })),
    body(4, 4, party('a2', { code: 'Answered' }))
  ])
  assert.equal(
    {
      status: picked.status,
      endedAt: picked.endedAt,
      parties: picked.parties.map((p) => [p.id, p.ended, p.outcome])
    },
    {
      status: 'active',
      endedAt: null,
      parties: [
        ['a', false, 'transferred'], // picked up elsewhere while ringing: not missed
        ['a2', false, 'in-progress'],
        ['caller', false, 'in-progress']
      ]
    }
  )
  // the moved leg gets no more events: the call ends when the parties still live end
  const ended = evolveSession(
    evolveSession(picked, body(5, 9, party('a2', { code: 'Disconnected' }))),
    body(6, 9, party('caller', { code: 'Disconnected' }, { direction: 'Outbound' }))
  )
  assert.equal([ended.status, ended.endedAt], ['ended', t(9)])
  // only moved parties seen (the leg that carries the call on is missing): not ended, reads active
  const onlyMoved = foldSession(SESSION, [body(3, 4, party('a', { code: 'Disconnected', reason: 'CallSwitch' }))])
  assert.equal(onlyMoved.status, 'active')
})

test('Gone with peerId links the session; Conference with peer sessionId "0" is a conference bridge (payload 12)', () => {
  const fragment = loadPayload('12')
  const status = codecs.PartyStatus.decode(
    typeof fragment === 'object' && fragment !== null && 'status' in fragment ? fragment.status : null
  )
  if (E.isLeft(status)) throw new Error('payload 12 status does not decode')
  const state = foldSession(SESSION, [
    body(2, 0, party('a', { code: 'Answered' })),
    body(3, 10, party('a', status.right)),
    body(4, 10, party('b', { code: 'Gone', reason: 'AttendedTransfer', peerId: { sessionId: '77', partyId: 'p-9' } }))
  ])
  assert.equal(state.links, [
    {
      partyId: 'a',
      telephonySessionId: 's-a0dd888305b18z18c590772c3z13204cb0000',
      sessionId: '0',
      peerPartyId: 'p-a0dd888305b18z18c590772c3z13204cb0000-2',
      reason: 'Conference'
    },
    { partyId: 'b', telephonySessionId: null, sessionId: '77', peerPartyId: 'p-9', reason: 'AttendedTransfer' }
  ])
  assert.equal(state.links.map(isConferenceBridge), [true, false])
  assert.equal([state.status, state.parties.map((p) => p.outcome)], ['ended', ['merged', 'transferred']])
})

test('stale: not ended and no event for staleAfterMs or more; never stored', () => {
  const ringing = foldSession(SESSION, path('a', ['Proceeding']))
  assert.equal(
    [
      isStale(ringing, t(59), 60_000),
      isStale(ringing, t(60), 60_000),
      statusAt(ringing, t(59), 60_000),
      statusAt(ringing, t(60), 60_000),
      ringing.status
    ],
    [false, true, 'ringing', 'stale', 'ringing']
  )
  const ended = foldSession(SESSION, path('a', ['Proceeding', 'Disconnected']))
  assert.equal([isStale(ended, t(3600), 60_000), statusAt(ended, t(3600), 60_000)], [false, 'ended'])
})

test('sessionAt in the middle of payload 01: ringing before the answer, active after, on hold during hold', () => {
  const state = foldSession('s-718107795d564867a6f635fd81e89940', sessionBodies('01'))
  const before = sessionAt(state, '2020-06-23T01:05:55.000Z')
  const after = sessionAt(state, '2020-06-23T01:06:02.000Z')
  const held = sessionAt(state, '2020-06-23T01:06:05.000Z')
  assert.equal(
    {
      statuses: [before.status, after.status, held.status],
      // open spans are counted up to `at`: ring 52.656 -> 55.000, talk 60.001 -> 62.000
      user: [before.parties[2]?.metrics, after.parties[2]?.metrics],
      lastEventAt: before.lastEventAt,
      endedAt: before.endedAt
    },
    {
      statuses: ['ringing', 'active', 'on-hold'],
      user: [
        { ringMs: 2344, talkMs: 0, holdMs: 0 },
        { ringMs: 7345, talkMs: 1999, holdMs: 0 }
      ],
      lastEventAt: '2020-06-23T01:05:52.656Z',
      endedAt: null
    }
  )
  assert.equal(sessionAt(state, '2020-06-23T02:00:00.000Z'), state)
})

test('the same party update under two uuids is one fact; two contents at one sequence are a conflict', () => {
  const a = party('a', { code: 'Answered' })
  const twice = foldSession(SESSION, [body(2, 0, a), body(2, 0, a)])
  assert.equal([twice.updates.length, twice.anomalies], [1, []])
  const conflicting = foldSession(SESSION, [body(2, 0, a), body(2, 0, party('a', { code: 'Hold' }))])
  assert.equal(
    [conflicting.updates.map((u) => u.party.status.code), conflicting.anomalies],
    [['Answered', 'Hold'], [{ kind: 'conflicting-update', partyId: 'a', sequence: 2 }]]
  )
})

test('a body of another session is not a fact of this one', () => {
  const empty = emptySession(SESSION)
  assert.equal(
    evolveSession(empty, { ...body(2, 0, party('a', { code: 'Setup' })), telephonySessionId: 'other' }),
    empty
  )
})

test('the empty session is plain JSON with nothing in it', () => {
  const empty = emptySession(SESSION)
  assert.equal(JSON.parse(JSON.stringify(empty)), empty)
  assert.equal(empty, {
    telephonySessionId: SESSION,
    sessionId: null,
    origin: null,
    updates: [],
    ends: [],
    status: 'ringing',
    startedAt: null,
    endedAt: null,
    lastEventAt: null,
    parties: [],
    gaps: [],
    anomalies: [],
    links: []
  })
})

test('a folded state survives a JSON round trip unchanged (serialisable, no undefined members)', () => {
  const state = foldSession('s-718107795d564867a6f635fd81e89940', sessionBodies('01'))
  assert.equal(JSON.parse(JSON.stringify(state)), state)
})

test('a fact with no eventTime is kept, flagged, and ignored for times', () => {
  const { eventTime: _dropped, ...untimed } = body(3, 0, party('a', { code: 'Answered' }))
  const state = foldSession(SESSION, [body(2, 1, party('a', { code: 'Proceeding' })), untimed])
  assert.equal(
    {
      history: state.parties[0]?.history,
      anomalies: state.anomalies,
      startedAt: state.startedAt,
      lastEventAt: state.lastEventAt
    },
    {
      history: [
        { status: 'Proceeding', reason: null, at: t(1), sequence: 2 },
        { status: 'Answered', reason: null, at: '', sequence: 3 }
      ],
      anomalies: [{ kind: 'missing-event-time', partyId: 'a', sequence: 3 }],
      startedAt: t(1),
      lastEventAt: t(1)
    }
  )
})

test.run()
