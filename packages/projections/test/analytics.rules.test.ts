/**
 * The counting rules on hand-built sessions (folded by the real domain fold): what no capture shows — queue calls,
 * RingOut, a call switched to another device, unanswered internal and outbound calls, voicemail, time zones.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import {
  callRecordsOf,
  sessionCallsOf,
  callsOfSession,
  parseDimensions,
  statsOf,
  UTC,
  zoneOf,
  type KeyedCall,
  type Zone
} from '../src/index.js'
import { fold, p, script } from './analytics.support.js'

const A = '101000016'
const B = '102000016'
const C = '103000016'
const Q = '600000016'

const keyed = (bodies: Parameters<typeof fold>[0]): KeyedCall[] =>
  fold(bodies).flatMap((s) => callsOfSession(callRecordsOf(s)))

const call = (extensionId: string, id: string, r: Partial<KeyedCall>): KeyedCall => ({
  extensionId,
  telephonySessionId: id,
  startedAt: '2026-01-05T10:00:00.000Z',
  direction: 'inbound',
  answered: false,
  outcome: 'completed',
  ringMs: 0,
  talkMs: 0,
  holdMs: 0,
  queue: false,
  ...r
})

const pstn = { phoneNumber: '+16504888888' }
const queueTo = { phoneNumber: '+12092271475', name: 'Support queue', extensionId: Q }
/** A member rung for the queue: Inbound, queueCall, `to` the queue (capture 06). */
const m = (_id: string, ext: string) => ({
  extensionId: ext,
  direction: 'Inbound',
  queueCall: true,
  from: pstn,
  to: queueTo
})

const queueSession = (answeredBy: 'p2' | null) => {
  const steps = [
    { s: 0, party: p('p1', 'Setup', { direction: 'Outbound', from: pstn, to: queueTo }) },
    { s: 1, party: p('p1', 'Answered', { direction: 'Outbound', from: pstn, to: queueTo }) },
    { s: 10, party: p('p2', 'Proceeding', m('p2', A)) },
    { s: 10, party: p('p3', 'Proceeding', m('p3', B)) },
    { s: 10, party: p('p4', 'Proceeding', m('p4', C)) }
  ]
  const end =
    answeredBy === null
      ? [
          { s: 40, party: p('p2', 'Disconnected', m('p2', A)) },
          { s: 40, party: p('p3', 'Disconnected', m('p3', B)) },
          { s: 40, party: p('p4', 'Disconnected', m('p4', C)) },
          { s: 41, party: p('p1', 'Disconnected', { direction: 'Outbound' }) }
        ]
      : [
          { s: 16, party: p('p2', 'Answered', m('p2', A)) },
          { s: 16, party: p('p3', 'Disconnected', m('p3', B)) },
          { s: 16, party: p('p4', 'Disconnected', m('p4', C)) },
          { s: 76, party: p('p1', 'Disconnected', { direction: 'Outbound' }) },
          { s: 76, party: p('p2', 'Disconnected', m('p2', A)) }
        ]
  return script('s-queue', [...steps, ...end])
}

test('queue call answered: once for the queue, once for the member who answered, not for the others', () => {
  assert.equal(keyed(queueSession('p2')), [
    // A rang 6 s (10 -> 16) and talked 60 s (16 -> 76).
    call(A, 's-queue', { answered: true, ringMs: 6000, talkMs: 60000 }),
    call(Q, 's-queue', { answered: true, ringMs: 6000, talkMs: 60000, queue: true })
  ])
})

test('queue call nobody answered: one missed call for the queue, none for the members', () => {
  assert.equal(keyed(queueSession(null)), [
    call(Q, 's-queue', { outcome: 'missed', ringMs: 30000, queue: true }) // the caller waited 10 -> 40
  ])
  const rows = statsOf(
    { by: ['extension'], zone: UTC },
    fold(queueSession(null)).map((s) => sessionCallsOf(s)),
    []
  )
  assert.equal(
    rows.map((r) => [r.key, r.calls, r.missed]),
    [[Q, 1, 1]]
  )
})

test('queue call in the account view: one answered call, the queue time not counted twice', () => {
  const [all] = statsOf(
    { by: [], zone: UTC },
    fold(queueSession('p2')).map((s) => sessionCallsOf(s)),
    []
  )
  assert.equal(
    [all?.calls, all?.inbound, all?.answered, all?.missed, all?.ringMs, all?.talkMs],
    [1, 1, 1, 0, 6000, 60000]
  )
})

test('RingOut: the Initiator counts outbound, the Target inbound, although both say Inbound', () => {
  const ro = { direction: 'Inbound' }
  const bodies = script(
    's-ringout',
    [
      { s: 0, party: p('p1', 'Setup', { ...ro, extensionId: A, ringOutRole: 'Initiator' }) },
      { s: 1, party: p('p1', 'Proceeding', { ...ro, extensionId: A, ringOutRole: 'Initiator' }) },
      { s: 3, party: p('p1', 'Answered', { ...ro, extensionId: A, ringOutRole: 'Initiator' }) },
      { s: 4, party: p('p2', 'Proceeding', { ...ro, extensionId: B, ringOutRole: 'Target' }) },
      { s: 9, party: p('p2', 'Answered', { ...ro, extensionId: B, ringOutRole: 'Target' }) },
      { s: 29, party: p('p1', 'Disconnected', { ...ro, extensionId: A, ringOutRole: 'Initiator' }) },
      { s: 29, party: p('p2', 'Disconnected', { ...ro, extensionId: B, ringOutRole: 'Target' }) }
    ],
    { origin: 'RingOut' }
  )
  assert.equal(keyed(bodies), [
    // the Initiator's leg is Answered at 3 s, the call connects when the Target answers at 9 s
    call(A, 's-ringout', { direction: 'outbound', answered: true, ringMs: 2000, talkMs: 20000 }),
    call(B, 's-ringout', { direction: 'inbound', answered: true, ringMs: 5000, talkMs: 20000 })
  ])
})

test('RingOut Initiator who never picks up: cancelled, not missed', () => {
  const ro = { direction: 'Inbound', extensionId: A, ringOutRole: 'Initiator' }
  const bodies = script('s-ro2', [
    { s: 0, party: p('p1', 'Proceeding', ro) },
    { s: 20, party: p('p1', 'Disconnected', ro) }
  ])
  assert.equal(keyed(bodies), [call(A, 's-ro2', { direction: 'outbound', outcome: 'cancelled', ringMs: 20000 })])
})

test('internal call nobody answers: the caller is not answered (its Answered is ringback), the callee missed', () => {
  const bodies = script('s-int', [
    { s: 0, party: p('p1', 'Setup', { direction: 'Outbound', extensionId: A }) },
    { s: 0.1, party: p('p2', 'Setup', { direction: 'Inbound', extensionId: B }) },
    { s: 0.2, party: p('p1', 'Answered', { direction: 'Outbound', extensionId: A }) },
    { s: 0.3, party: p('p2', 'Proceeding', { direction: 'Inbound', extensionId: B }) },
    { s: 12.3, party: p('p1', 'Disconnected', { direction: 'Outbound', extensionId: A }) },
    { s: 12.4, party: p('p2', 'Disconnected', { direction: 'Inbound', extensionId: B }) }
  ])
  assert.equal(keyed(bodies), [
    // the callee never answered: the call never connected, so the caller talked to nobody
    call(A, 's-int', { direction: 'outbound', outcome: 'completed', talkMs: 0 }),
    call(B, 's-int', { outcome: 'missed', ringMs: 12100 }) // Proceeding 0.3 -> Disconnected 12.4
  ])
  const [all] = statsOf(
    { by: [], zone: UTC },
    fold(bodies).map((s) => sessionCallsOf(s)),
    []
  )
  assert.equal([all?.calls, all?.inbound, all?.outbound, all?.answered, all?.missed], [1, 1, 1, 0, 1])
})

test('call switched to the mobile app: one call for the user, outcome of the leg that ended last, times summed', () => {
  const u = { direction: 'Inbound', extensionId: A }
  const bodies = script('s-sw', [
    { s: 0, party: p('p1', 'Setup', { direction: 'Outbound', from: pstn }) },
    { s: 0.1, party: p('p2', 'Proceeding', u) },
    { s: 5.1, party: p('p2', 'Answered', u) },
    { s: 5.2, party: p('p1', 'Answered', { direction: 'Outbound' }) },
    { s: 30.1, party: p('p2', 'Disconnected', u, 'CallSwitch') },
    { s: 30.2, party: p('p3', 'Answered', u) },
    { s: 60.2, party: p('p1', 'Disconnected', { direction: 'Outbound' }) },
    { s: 60.3, party: p('p3', 'Disconnected', u) }
  ])
  // the desk leg talks from the connection (the caller's Answered at 5.2 s) to the switch; the mobile leg after it
  assert.equal(keyed(bodies), [call(A, 's-sw', { answered: true, ringMs: 5000, talkMs: 24900 + 30100 })])
})

test('voicemail: counted as voicemail, not missed; voicemails left join the extension row', () => {
  const u = { direction: 'Inbound', extensionId: A }
  const bodies = script('s-vm', [
    { s: 0, party: p('p1', 'Setup', { direction: 'Outbound', from: pstn }) },
    { s: 0.1, party: p('p2', 'Proceeding', u) },
    { s: 20.1, party: p('p2', 'VoiceMail', u) },
    { s: 40, party: p('p1', 'Disconnected', { direction: 'Outbound' }) },
    { s: 40.1, party: p('p2', 'Disconnected', u) }
  ])
  const rows = statsOf(
    { by: ['extension'], zone: UTC },
    fold(bodies).map((s) => sessionCallsOf(s)),
    [
      { extensionId: A, at: '2026-01-05T10:01:00.000Z', count: 1 },
      { extensionId: B, at: '2026-01-05T10:02:00.000Z', count: 2 }
    ]
  )
  assert.equal(
    rows.map((r) => [r.key, r.calls, r.voicemail, r.missed, r.ringMs, r.voicemailsLeft]),
    [
      [A, 1, 1, 0, 20000, 1],
      [B, 0, 0, 0, 0, 2]
    ]
  )
})

test('outbound call nobody answers: cancelled', () => {
  const u = { direction: 'Outbound', extensionId: A }
  const bodies = script('s-out', [
    { s: 0, party: p('p1', 'Setup', u) },
    { s: 0.1, party: p('p2', 'Proceeding', { direction: 'Inbound' }) },
    { s: 2, party: p('p1', 'Proceeding', u) },
    { s: 30, party: p('p1', 'Disconnected', u) },
    { s: 30.1, party: p('p2', 'Disconnected', { direction: 'Inbound' }) }
  ])
  const [all] = statsOf(
    { by: [], zone: UTC },
    fold(bodies).map((s) => sessionCallsOf(s)),
    []
  )
  assert.equal([all?.calls, all?.outbound, all?.answered, all?.cancelled, all?.missed], [1, 1, 0, 1, 0])
})

const zone = (name: string): Zone => {
  const z = zoneOf(name)
  if (E.isLeft(z)) throw new Error(`no zone ${name}`)
  return z.right
}

test('--by extension,day with a zone: a call at 23:30 UTC falls on the local day', () => {
  const u = { direction: 'Inbound', extensionId: A }
  const bodies = script(
    's-late',
    [
      { s: 0, party: p('p2', 'Proceeding', u) },
      { s: 5, party: p('p2', 'Answered', u) },
      { s: 65, party: p('p2', 'Disconnected', u) }
    ],
    { base: '2026-01-05T23:30:00.000Z' }
  )
  const records = fold(bodies).map((s) => sessionCallsOf(s))
  const keys = (z: Zone, by: Parameters<typeof parseDimensions>[0]) => {
    const dims = parseDimensions(by)
    return E.isRight(dims) ? statsOf({ by: dims.right, zone: z }, records, []).map((r) => r.key) : []
  }
  assert.equal(keys(UTC, 'extension,day'), [`${A}|2026-01-05`])
  assert.equal(keys(zone('America/New_York'), 'extension,day,hour'), [`${A}|2026-01-05|18`]) // 18:30 EST
  assert.equal(keys(zone('Asia/Tokyo'), 'extension,day,hour'), [`${A}|2026-01-06|08`]) // 08:30 JST next day
  assert.equal(keys(zone('Asia/Kathmandu'), 'day,hour,extension'), [`2026-01-06|05|${A}`]) // +05:45 -> 05:15
})

test('a local day begins at its zone midnight (the instant --from/--to mean for a date alone)', () => {
  assert.is(UTC.midnight('2026-01-05'), '2026-01-05T00:00:00.000Z')
  assert.is(zone('America/New_York').midnight('2026-01-05'), '2026-01-05T05:00:00.000Z') // EST, UTC-5
  assert.is(zone('America/New_York').midnight('2026-07-05'), '2026-07-05T04:00:00.000Z') // EDT, UTC-4
  assert.is(zone('Asia/Kathmandu').midnight('2026-01-06'), '2026-01-05T18:15:00.000Z') // UTC+05:45
  // Sao Paulo moved its clocks from 00:00 to 01:00 on 2018-11-04: that day began at 01:00 local (UTC-2).
  const saoPaulo = zone('America/Sao_Paulo')
  assert.is(saoPaulo.midnight('2018-11-04'), '2018-11-04T03:00:00.000Z')
  assert.equal(
    [saoPaulo.day('2018-11-04T03:00:00.000Z'), saoPaulo.day('2018-11-04T02:59:59.000Z')],
    ['2018-11-04', '2018-11-03']
  )
})

test('zones and dimensions are checked', () => {
  assert.equal(E.isLeft(zoneOf('Mars/Olympus')), true)
  assert.equal(parseDimensions('extension, Day'), E.right(['extension', 'day']))
  assert.equal(parseDimensions(''), E.right([]))
  assert.equal(
    parseDimensions('week'),
    E.left({ _tag: 'InvalidDimensions', message: 'unknown dimension "week" (use extension, queue, day, hour)' })
  )
  assert.equal(parseDimensions('queue,hour'), E.right(['queue', 'hour']))
  assert.equal(
    parseDimensions('queue,extension'),
    E.left({
      _tag: 'InvalidDimensions',
      message: 'queue rows are per queue: combine queue with day or hour, not with extension'
    })
  )
  assert.equal(
    parseDimensions('day,day'),
    E.left({ _tag: 'InvalidDimensions', message: 'dimension "day" given twice' })
  )
})

test.run()
