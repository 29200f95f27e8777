/**
 * The counting rules the call facts added: linked sessions are one customer call, routing legs are not calls,
 * an outbound call seen only through its own party is answered by its own Answered, a stale call is counted as
 * unknown-end. Hand-built sessions folded by the real domain fold, and the real capture 03.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sessionCallsOf, statsOf, UTC, type StatsRow } from '../src/index.js'
import { fold, p, script, sessionsOf } from './analytics.support.js'

const A = '101000016'
const B = '102000016'
const pstn = { phoneNumber: '+16504888888' }

const pick = (r: StatsRow | undefined) => [r?.key, r?.calls, r?.answered, r?.transferred, r?.unknownEnd]

/**
 * An attended transfer as the platform reports it: the customer talks to A (s-main), A consults B in a second
 * session (s-consult), then A's two parties go Gone/AttendedTransfer, each naming the other session (peerId).
 */
const attendedTransfer = [
  ...script('s-main', [
    { s: 0, party: p('c', 'Setup', { direction: 'Outbound', from: pstn }) },
    { s: 1, party: p('a1', 'Proceeding', { direction: 'Inbound', extensionId: A }) },
    { s: 5, party: p('a1', 'Answered', { direction: 'Inbound', extensionId: A }) },
    { s: 5, party: p('c', 'Answered', { direction: 'Outbound', from: pstn }) },
    {
      s: 60,
      party: p('a1', 'Gone', { direction: 'Inbound', extensionId: A }, 'AttendedTransfer')
    }
  ]).map((b, i) =>
    i === 4
      ? {
          ...b,
          parties: b.parties.map((party) => ({
            ...party,
            status: { ...party.status, peerId: { telephonySessionId: 's-consult', partyId: 'a2' } }
          }))
        }
      : b
  ),
  ...script('s-consult', [
    { s: 30, party: p('a2', 'Setup', { direction: 'Outbound', extensionId: A }) },
    { s: 31, party: p('b', 'Proceeding', { direction: 'Inbound', extensionId: B }) },
    { s: 35, party: p('b', 'Answered', { direction: 'Inbound', extensionId: B }) },
    { s: 35, party: p('a2', 'Answered', { direction: 'Outbound', extensionId: A }) },
    { s: 60, party: p('a2', 'Gone', { direction: 'Outbound', extensionId: A }, 'AttendedTransfer') },
    { s: 120, party: p('b', 'Disconnected', { direction: 'Inbound', extensionId: B }) }
  ])
]

test('an attended transfer is one customer call and one transfer, while each session keeps its record', () => {
  const sessions = fold(attendedTransfer)
  assert.equal(
    sessions.map((s) => [s.telephonySessionId, s.links.map((l) => l.telephonySessionId)]),
    [
      ['s-consult', []],
      ['s-main', ['s-consult']]
    ]
  )
  const calls = sessions.map((s) => sessionCallsOf(s))
  assert.equal(statsOf({ by: [], zone: UTC }, calls, []).map(pick), [['all', 1, 1, 1, 0]])
  // per extension: A's two legs are one call, transferred once; B answered the consult
  assert.equal(statsOf({ by: ['extension'], zone: UTC }, calls, []).map(pick), [
    [A, 1, 1, 1, 0],
    [B, 1, 1, 0, 0]
  ])
})

test('an outbound call seen only through its own party (capture 03, extension path only) is answered', () => {
  const [s03] = sessionsOf('03-')
  assert.ok(s03 !== undefined)
  if (s03 === undefined) return
  const own = fold(
    s03.updates
      .filter((u) => u.party.extensionId !== undefined)
      .map((u) => ({
        sequence: u.sequence,
        telephonySessionId: s03.telephonySessionId,
        eventTime: u.eventTime,
        parties: [u.party]
      }))
  )
  const [row] = statsOf(
    { by: ['extension'], zone: UTC },
    own.map((s) => sessionCallsOf(s)),
    []
  )
  assert.equal([row?.key, row?.calls, row?.outbound, row?.answered, row?.cancelled], ['809646016', 1, 1, 1, 0])
})

test('an IVR leg that passed the call on is not a call of the IVR', () => {
  const sessions = fold(
    script('s-ivr', [
      { s: 0, party: p('c', 'Setup', { direction: 'Outbound', from: pstn }) },
      { s: 0, party: p('ivr', 'Setup', { direction: 'Inbound', extensionId: B }) },
      { s: 8, party: p('ivr', 'Disconnected', { direction: 'Inbound', extensionId: B }) },
      { s: 8, party: p('u', 'Proceeding', { direction: 'Inbound', extensionId: A }) },
      { s: 12, party: p('u', 'Answered', { direction: 'Inbound', extensionId: A }) },
      { s: 40, party: p('u', 'Disconnected', { direction: 'Inbound', extensionId: A }) },
      { s: 40, party: p('c', 'Disconnected', { direction: 'Outbound', from: pstn }) }
    ])
  )
  assert.equal(
    statsOf(
      { by: ['extension'], zone: UTC },
      sessions.map((s) => sessionCallsOf(s)),
      []
    ).map(pick),
    [[A, 1, 1, 0, 0]]
  )
})

test('a stale call is counted, its end unknown: unknownEnd, not missed and not lost', () => {
  const stuck = fold(
    script('s-stuck', [
      { s: 0, party: p('c', 'Setup', { direction: 'Outbound', from: pstn }) },
      { s: 1, party: p('u', 'Proceeding', { direction: 'Inbound', extensionId: A }) }
    ])
  )
  const rows = statsOf(
    { by: ['extension'], zone: UTC },
    stuck.map((s) => sessionCallsOf(s, { now: '2100-01-01T00:00:00.000Z', staleAfterMs: 3_600_000 })),
    []
  )
  assert.equal(
    rows.map((r) => [r.key, r.calls, r.missed, r.unknownEnd]),
    [[A, 1, 0, 1]]
  )
})

test.run()
