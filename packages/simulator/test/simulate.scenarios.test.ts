/**
 * Every scenario of the mix shows up in a large run: in the truth file's `scenario` field, and in the
 * notifications themselves (the shapes DOMAIN.md says each scenario produces).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { decode, type Notification, type Party } from '@callstate/domain'
import { DEFAULT_OPTIONS, SCENARIOS, simulate, type CallTruth } from '../src/index.js'

const notifications: Notification[] = []
const truths: CallTruth[] = []
for (const item of simulate({ ...DEFAULT_OPTIONS, calls: 2000, seed: 5 })) {
  if (item._tag === 'Truth') truths.push(item.truth)
  else {
    const decoded = decode(JSON.parse(item.text))
    if (E.isRight(decoded)) notifications.push(decoded.right.notification)
  }
}

const telephony = notifications.flatMap((n) => (n.kind === 'telephony-session' ? [n] : []))
const parties = telephony.flatMap((n) => n.body.parties.map((party) => ({ n, party })))
const some = (f: (x: { n: (typeof telephony)[number]; party: Party }) => boolean): boolean => parties.some(f)

test('every scenario appears in the truth', () => {
  assert.equal([...new Set(truths.map((t) => t.scenario))].sort(), [...SCENARIOS].sort())
})

test('every outcome a finished day can have appears in the truth (in-progress only while a call lives)', () => {
  const outcomes = new Set(truths.flatMap((t) => t.parties.map((p) => p.outcome)))
  assert.equal([...outcomes].sort(), [
    'cancelled',
    'completed',
    'hung-up-on-hold',
    'merged',
    'missed',
    'not-picked-up',
    'parked',
    'routed',
    'transferred',
    'unknown-end',
    'voicemail'
  ])
})

test('the calls whose end never arrives are stale, their live parties unknown-end, ended by the stale rule', () => {
  const unending = truths.filter((t) => t.scenario === 'unending')
  assert.ok(unending.length > 0)
  assert.equal(
    unending.filter(
      (t) =>
        t.status !== 'stale' ||
        t.endedAt !== null ||
        t.parties.some((p) => p.outcome !== 'unknown-end' || p.endedBy !== 'stale')
    ),
    []
  )
  assert.equal(truths.filter((t) => t.scenario !== 'unending' && t.status !== 'ended').length, 0)
  // Stuck on hold: the caller's talk was still open when the events stopped, and counts up to the last one.
  assert.ok(unending.some((t) => t.parties.some((p) => p.extensionId === undefined && p.talkMs > 0)))
})

test('endedBy: own events, presence for the presence-closed calls, null for a leg moved to another device', () => {
  const endedBy = (scenario: string) => [
    ...new Set(truths.filter((t) => t.scenario === scenario).flatMap((t) => t.parties.map((p) => p.endedBy)))
  ]
  assert.equal(endedBy('presence-closed'), ['presence'])
  assert.equal(endedBy('call-switch').sort(), ['event', null])
  const others = truths.filter((t) => !['presence-closed', 'call-switch', 'unending'].includes(t.scenario))
  assert.equal([...new Set(others.flatMap((t) => t.parties.map((p) => p.endedBy)))], ['event'])
})

test("presence-closed: no final telephony event is delivered, the user's final presence is, at the end time", () => {
  const closed = truths.filter((t) => t.scenario === 'presence-closed')
  assert.ok(closed.length > 10)
  const ids = new Set(closed.map((t) => t.telephonySessionId))
  const finals = telephony.filter(
    (n) => ids.has(n.body.telephonySessionId) && n.body.parties.some((p) => p.status.code === 'Disconnected')
  )
  assert.equal(finals, [])
  const told = new Map<string, string>()
  for (const n of notifications)
    if (n.kind === 'detailed-presence')
      for (const c of n.body.activeCalls)
        if (c.terminationType === 'final' && c.telephonySessionId !== undefined && ids.has(c.telephonySessionId))
          told.set(c.telephonySessionId, n.envelope.timestamp ?? '')
  assert.equal(
    closed.filter((t) => told.get(t.telephonySessionId) !== t.endedAt),
    []
  )
  assert.equal(
    closed.filter((t) => t.parties.some((p) => p.outcome !== 'completed' || p.talkMs <= 0)),
    []
  )
})

test('call queue: about one call in four is abandoned, some within 5 s of entering the queue', () => {
  const queued = truths.filter((t) => t.scenario === 'call-queue')
  const queues = queued.flatMap((t) => (t.queue === null ? [] : [t.queue]))
  assert.equal(queues.length, queued.length)
  assert.equal(truths.filter((t) => t.scenario !== 'call-queue' && t.queue !== null).length, 0)
  const abandoned = queues.filter((q) => q.abandoned)
  const share = abandoned.length / queues.length
  assert.ok(share > 0.15 && share < 0.35, String(share))
  assert.ok(abandoned.some((q) => (q.waitMs ?? Infinity) < 5_000))
  assert.ok(abandoned.some((q) => (q.waitMs ?? 0) > 5_000))
  assert.equal(
    queues.filter(
      (q) =>
        q.answered === q.abandoned ||
        q.voicemail ||
        q.agents.filter((a) => a.answered).length !== (q.answered ? 1 : 0) ||
        q.agents.some((a) => !a.answered && a.outcome !== 'not-picked-up') ||
        q.waitMs !== Date.parse(q.answeredAt ?? q.endedAt ?? '') - Date.parse(q.enteredAt)
    ),
    []
  )
  // The members are the parties with queueCall; nobody's unanswered leg is a missed call.
  const members = queued.flatMap((t) => t.parties.filter((p) => p.queueCall))
  assert.equal(
    members.map((p) => p.extensionId !== undefined && (p.answered || p.outcome === 'not-picked-up')),
    members.map(() => true)
  )
  assert.equal([...new Set(queues.map((q) => `${q.id} ${q.name}`))].length, 1)
})

test('callId: one per scripted call, shared only by the sessions of a transfer or conference', () => {
  const byCall = new Map<number, CallTruth[]>()
  for (const t of truths) byCall.set(t.callId, [...(byCall.get(t.callId) ?? []), t])
  assert.equal(
    [...byCall.keys()].sort((a, b) => a - b),
    Array.from({ length: 2000 }, (_, i) => i + 1)
  )
  const shared = [...byCall.values()].filter((ts) => ts.length > 1)
  assert.equal([...new Set(shared.map((ts) => `${ts[0]?.scenario ?? ''} ${ts.length}`))].sort(), [
    'attended-transfer 2',
    'conference-merge 3'
  ])
})

test('talk starts when the call connects: a caller answered by voicemail or an abandoned queue never talks', () => {
  const callers = truths
    .filter((t) => t.scenario === 'inbound-voicemail' || (t.queue !== null && !t.queue.answered))
    .flatMap((t) => t.parties.filter((p) => p.extensionId === undefined))
  assert.ok(callers.length > 0 && callers.every((p) => p.answered))
  assert.equal(
    callers.filter((p) => p.talkMs !== 0),
    []
  )
})

test('the notifications show each scenario', () => {
  const evidence = {
    'attended transfer: Gone/AttendedTransfer with a peerId': some(
      ({ party }) =>
        party.status.code === 'Gone' &&
        party.status.reason === 'AttendedTransfer' &&
        party.status.peerId?.telephonySessionId !== undefined
    ),
    'conference: Gone/Conference with peerId sessionId "0"': some(
      ({ party }) =>
        party.status.code === 'Gone' && party.status.reason === 'Conference' && party.status.peerId?.sessionId === '0'
    ),
    'conference: a bridge session with origin Conference': telephony.some(
      (n) => n.body.origin === 'Conference' && n.body.sessionId === '0'
    ),
    'blind transfer: Disconnected/BlindTransfer': some(({ party }) => party.status.reason === 'BlindTransfer'),
    'RingOut: origin RingOut, Initiator and Target both Inbound': ['Initiator', 'Target'].every((role) =>
      some(({ n, party }) => n.body.origin === 'RingOut' && party.ringOutRole === role && party.direction === 'Inbound')
    ),
    'call switch: Disconnected/CallSwitch': some(
      ({ party }) => party.status.code === 'Disconnected' && party.status.reason === 'CallSwitch'
    ),
    'park: Parked with parkData and park.id': some(
      ({ party }) => party.status.code === 'Parked' && party.status.parkData !== undefined && party.parkId !== undefined
    ),
    'queue: queueCall members': some(({ party }) => party.queueCall === true && party.status.code === 'Proceeding'),
    'IVR: an extension leg Setup -> Disconnected, routed': truths.some((t) =>
      t.parties.some((p) => p.outcome === 'routed')
    ),
    'hold: Hold': some(({ party }) => party.status.code === 'Hold'),
    'voicemail: VoiceMail with missedCall': some(
      ({ party }) => party.status.code === 'VoiceMail' && party.missedCall === true
    ),
    'voicemail: message-store VoiceMail newCount 1': notifications.some(
      (n) => n.kind === 'message-store' && n.body.changes.some((c) => c.type === 'VoiceMail' && c.newCount === 1)
    ),
    'presence: NoCall with terminationType final and telephonySessionId': notifications.some(
      (n) =>
        n.kind === 'detailed-presence' &&
        n.body.activeCalls.some((c) => c.terminationType === 'final' && c.telephonySessionId !== undefined)
    ),
    'PSTN parties on the account-level path, without extensionId': some(
      ({ n, party }) => party.extensionId === undefined && /\/account\/\d+\/telephony\/sessions$/.test(n.envelope.event)
    ),
    'RC parties on the extension-level path': some(({ n, party }) =>
      n.envelope.event.endsWith(`/extension/${party.extensionId ?? 'none'}/telephony/sessions`)
    )
  }
  assert.equal(
    Object.entries(evidence)
      .filter(([, seen]) => !seen)
      .map(([name]) => name),
    []
  )
})

test('some party updates arrive on both paths: same sequence and content, two uuids', () => {
  const seen = new Map<string, string>()
  let twins = 0
  for (const n of telephony) {
    const key = `${n.body.telephonySessionId}/${n.body.sequence}`
    const uuid = seen.get(key)
    if (uuid !== undefined && uuid !== n.envelope.uuid) twins++
    seen.set(key, n.envelope.uuid)
  }
  assert.ok(twins > 0)
})

test('the truth lists the parties of a session in the order they began', () => {
  const began = new Map<string, number>()
  for (const n of telephony)
    for (const p of n.body.parties) {
      const at = Date.parse(n.body.eventTime ?? '')
      began.set(p.id, Math.min(at, began.get(p.id) ?? Infinity))
    }
  const unordered = truths.filter((t) =>
    t.parties.some((p, i) => i > 0 && (began.get(p.id) ?? 0) < (began.get(t.parties[i - 1]?.id ?? '') ?? 0))
  )
  assert.equal(unordered, [])
})

test('sequences are shared by the parties of a session and start at 2', () => {
  const bySession = new Map<string, Set<number>>()
  for (const n of telephony)
    bySession.set(
      n.body.telephonySessionId,
      (bySession.get(n.body.telephonySessionId) ?? new Set()).add(n.body.sequence)
    )
  const broken = [...bySession.entries()].filter(([, seqs]) => {
    const sorted = [...seqs].sort((a, b) => a - b)
    return sorted[0] !== 2 || sorted.some((s, i) => s !== i + 2)
  })
  assert.equal(broken, [])
  assert.equal(bySession.size, truths.length)
})

test.run()
