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

test('every outcome of the closed list appears in the truth', () => {
  const outcomes = new Set(truths.flatMap((t) => t.parties.map((p) => p.outcome)))
  assert.equal([...outcomes].sort(), [
    'cancelled',
    'completed',
    'hung-up-on-hold',
    'in-progress',
    'merged',
    'missed',
    'parked',
    'transferred',
    'voicemail'
  ])
})

test('the calls whose end never arrives are live, with in-progress parties', () => {
  const unending = truths.filter((t) => t.scenario === 'unending')
  assert.ok(unending.length > 0)
  assert.equal(
    unending.filter((t) => t.status === 'ended' || t.parties.some((p) => p.outcome !== 'in-progress')),
    []
  )
  assert.equal(truths.filter((t) => t.scenario !== 'unending' && t.status !== 'ended').length, 0)
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
