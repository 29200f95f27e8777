/**
 * Queue figures on hand-built queue calls folded by the real domain fold: wait, ASA, service level with its short
 * abandons, abandon rate, voicemail, per agent, and the live view (waiting now, longest wait now, agents on a call).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  DEFAULT_QUEUE_THRESHOLDS,
  queueCallsOf,
  queueStatsOf,
  queuesNowOf,
  sessionCallsOf,
  UTC,
  type QueueCall
} from '../src/index.js'
import { at, fold, p, script } from './analytics.support.js'

const Q = '600000016'
const A = '101000016'
const B = '102000016'
const pstn = { phoneNumber: '+16504888888' }
const to = { phoneNumber: '+12092271475', name: 'Support queue', extensionId: Q }
const member = (ext: string) => ({ extensionId: ext, direction: 'Inbound', queueCall: true, from: pstn, to })
const caller = { direction: 'Outbound', from: pstn, to }

/** The caller is answered by the queue at 0 s, members ring from `ring` s; `answerAt` s: A answers (null: nobody). */
const queueCall = (id: string, ring: number, answerAt: number | null, end: number, vm = false) =>
  script(id, [
    { s: 0, party: p('c', 'Answered', caller) },
    { s: ring, party: p('a', 'Proceeding', member(A)) },
    { s: ring, party: p('b', 'Proceeding', member(B)) },
    ...(answerAt === null
      ? vm
        ? [{ s: end - 1, party: p('a', 'VoiceMail', member(A)) }]
        : []
      : [
          { s: answerAt, party: p('a', 'Answered', member(A)) },
          { s: answerAt, party: p('b', 'Disconnected', member(B), 'AgentAnswered') }
        ]),
    { s: end, party: p('a', 'Disconnected', member(A)) },
    ...(answerAt === null ? [{ s: end, party: p('b', 'Disconnected', member(B)) }] : []),
    { s: end, party: p('c', 'Disconnected', caller) }
  ])

const callsOf = (bodies: Parameters<typeof fold>[0]): QueueCall[] =>
  fold(bodies).flatMap((s) => sessionCallsOf(s).queueCalls)

test('a queue call answered 12 s after entering: wait 12 s, the members legs per agent', () => {
  const [c] = callsOf(queueCall('s-1', 3, 15, 75))
  assert.equal(c && [c.queueId, c.name, c.enteredAt, c.answeredAt, c.waitMs, c.answered, c.abandoned, c.waiting], [
    Q,
    'Support queue',
    at(3),
    at(15),
    12000,
    true,
    false,
    false
  ])
  assert.equal(c?.agents, [
    { extensionId: A, answered: true, notPickedUp: false, talkMs: 60000, holdMs: 0, onCall: false },
    { extensionId: B, answered: false, notPickedUp: true, talkMs: 0, holdMs: 0, onCall: false }
  ])
})

test('the figures: ASA, service level without short abandons, abandon rate, voicemail, per agent', () => {
  const calls = [
    ...callsOf(queueCall('s-fast', 1, 11, 40)), // answered, wait 10 s: within 20 s
    ...callsOf(queueCall('s-slow', 1, 31, 60)), // answered, wait 30 s: not within 20 s
    ...callsOf(queueCall('s-short', 1, null, 4)), // abandoned after 3 s: a short abandon
    ...callsOf(queueCall('s-long', 1, null, 41)), // abandoned after 40 s
    ...callsOf(queueCall('s-vm', 1, null, 61, true)) // nobody answered, voicemail
  ]
  const [row] = queueStatsOf({ by: ['queue'], zone: UTC, thresholds: DEFAULT_QUEUE_THRESHOLDS }, calls)
  assert.equal(row, {
    key: Q,
    queue: Q,
    name: 'Support queue',
    offered: 5,
    answered: 2,
    abandoned: 2,
    shortAbandoned: 1,
    voicemail: 1,
    waiting: 0,
    unknownEnd: 0,
    answeredWithinThreshold: 1,
    waitMs: 40000,
    asaMs: 20000, // (10 + 30) / 2
    longestWaitMs: 60000, // the voicemail call waited 60 s before it ended
    serviceLevel: 0.25, // 1 answered within 20 s / (5 offered - 1 short abandon)
    abandonRate: 0.2, // (2 abandoned - 1 short) / 5
    serviceLevelMethod: 'answered within 20 s / (offered - waiting - abandoned within 5 s)',
    answerWithinMs: 20000,
    shortAbandonMs: 5000,
    agents: [
      // A's leg of the voicemail call went to voicemail: not "not picked up"
      { extensionId: A, offered: 5, answered: 2, notPickedUp: 2, talkMs: 29000 + 29000, holdMs: 0 },
      { extensionId: B, offered: 5, answered: 0, notPickedUp: 5, talkMs: 0, holdMs: 0 }
    ]
  })
})

test('thresholds are configurable, and the method names them', () => {
  const calls = callsOf(queueCall('s-slow', 1, 31, 60))
  const [row] = queueStatsOf(
    { by: ['queue', 'day'], zone: UTC, thresholds: { answerWithinMs: 30000, shortAbandonMs: 10000 } },
    calls
  )
  assert.equal(
    [row?.key, row?.serviceLevel, row?.serviceLevelMethod],
    [`${Q}|2026-01-05`, 1, 'answered within 30 s / (offered - waiting - abandoned within 10 s)']
  )
})

test('live: a call still ringing the members is waiting; its wait counts up to now; agents on a call', () => {
  const [ringing] = fold(
    script('s-wait', [
      { s: 0, party: p('c', 'Answered', caller) },
      { s: 2, party: p('a', 'Proceeding', member(A)) }
    ])
  )
  const [talking] = fold(
    script('s-talk', [
      { s: 0, party: p('c', 'Answered', caller) },
      { s: 1, party: p('b', 'Proceeding', member(B)) },
      { s: 4, party: p('b', 'Answered', member(B)) }
    ])
  )
  const now = at(62)
  const live = [
    ...(ringing ? queueCallsOf(ringing, ringing.status, now) : []),
    ...(talking ? queueCallsOf(talking, talking.status, now) : [])
  ]
  assert.equal(queuesNowOf(live), [
    { queue: Q, name: 'Support queue', waitingNow: 1, longestWaitNowMs: 60000, agentsOnCall: 1 }
  ])
})

test('a stale queue call nobody answered is unknown-end, its wait up to its last event', () => {
  const [stuck] = fold(
    script('s-stuck', [
      { s: 0, party: p('c', 'Answered', caller) },
      { s: 2, party: p('a', 'Proceeding', member(A)) },
      { s: 9, party: p('a', 'Proceeding', member(A)) }
    ])
  )
  const calls = stuck ? sessionCallsOf(stuck, { now: at(100000), staleAfterMs: 3_600_000 }).queueCalls : []
  assert.equal(
    calls.map((c) => [c.waitMs, c.waiting, c.unknownEnd, c.abandoned]),
    [[7000, false, true, false]]
  )
})

test.run()
