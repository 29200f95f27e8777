import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  KNOWN_STATUS_CODES,
  TRANSITIONS,
  applyTransition,
  emptyTrack,
  judgeTransition,
  knownStatus,
  type HistoryEntry
} from '../src/index.js'

const at = (sequence: number): string => `2024-01-01T00:00:${String(sequence).padStart(2, '0')}.000Z`
const e = (status: string, sequence: number, reason: string | null = null): HistoryEntry => ({
  status,
  reason,
  at: at(sequence),
  sequence
})

/** The statusCode values listed by the telephony-sessions spec (spec/004), read from the document itself. */
const specCodes = (): string[] => {
  const text = readFileSync(
    `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/spec/004_0fa36da22e25427d.txt`,
    'utf8'
  )
  const line = text.split('\n').find((l) => l.startsWith('statusCode '))
  return [...(line ?? '').matchAll(/'([A-Za-z]+)'/g)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]))
}

test('every status code of the spec has a row in the table, and the table names only known codes', () => {
  const codes = specCodes()
  assert.equal(codes.length, 10)
  assert.equal(
    codes.filter((c) => !(c in TRANSITIONS)),
    []
  )
  assert.equal(Object.keys(TRANSITIONS).sort(), [...KNOWN_STATUS_CODES].sort())
  assert.equal(
    Object.values(TRANSITIONS)
      .flat()
      .filter((c) => !KNOWN_STATUS_CODES.includes(c)),
    []
  )
})

test('Disconnected and Gone are final: nothing may follow them', () => {
  assert.equal(TRANSITIONS.Disconnected, [])
  assert.equal(TRANSITIONS.Gone, [])
  assert.equal(judgeTransition('p', e('Gone', 5), e('Answered', 6)), [
    { kind: 'illegal-transition', partyId: 'p', from: 'Gone', to: 'Answered', sequence: 6 }
  ])
})

test('the legal paths of DOMAIN.md give no anomaly', () => {
  const paths = [
    ['Setup', 'Proceeding', 'Answered', 'Hold', 'Answered', 'Disconnected'],
    ['Proceeding', 'Answered', 'Parked', 'Gone'],
    ['Setup', 'Proceeding', 'VoiceMail', 'Disconnected'],
    ['Proceeding', 'Proceeding', 'Answered', 'Answered', 'Disconnected'],
    ['Answered', 'Hold', 'Gone']
  ]
  const anomalies = paths.flatMap(
    (path) => path.reduce((track, status, i) => applyTransition(track, e(status, i + 2)), emptyTrack('p')).anomalies
  )
  assert.equal(anomalies, [])
})

test('Answered after Disconnected is applied to the history and recorded as an illegal transition', () => {
  const track = [e('Proceeding', 2), e('Answered', 3), e('Disconnected', 4), e('Answered', 5)].reduce(
    applyTransition,
    emptyTrack('p-1')
  )
  assert.equal(track, {
    partyId: 'p-1',
    history: [e('Proceeding', 2), e('Answered', 3), e('Disconnected', 4), e('Answered', 5)],
    anomalies: [{ kind: 'illegal-transition', partyId: 'p-1', from: 'Disconnected', to: 'Answered', sequence: 5 }]
  })
})

test('a late event is inserted by sequence and the history is judged in sequence order', () => {
  // Disconnected (4) arrives before Answered (3): in sequence order the history is legal
  const track = [e('Proceeding', 2), e('Disconnected', 4), e('Answered', 3)].reduce(applyTransition, emptyTrack('p'))
  assert.equal(track, {
    partyId: 'p',
    history: [e('Proceeding', 2), e('Answered', 3), e('Disconnected', 4)],
    anomalies: []
  })
})

test('Disconnected with reason Pickup or CallSwitch is not final: the call goes on', () => {
  const moved = [e('Answered', 2), e('Disconnected', 3, 'CallSwitch'), e('Answered', 4), e('Disconnected', 5)].reduce(
    applyTransition,
    emptyTrack('p')
  )
  assert.equal(moved.anomalies, [])
  assert.equal(judgeTransition('p', e('Disconnected', 3, 'Pickup'), e('Answered', 4)), [])
})

test('an unknown code is allowed in and out, and recorded as unknown-status', () => {
  const track = [e('Answered', 2), e('Recording', 3), e('Hold', 4)].reduce(applyTransition, emptyTrack('p'))
  assert.equal(track.anomalies, [{ kind: 'unknown-status', partyId: 'p', status: 'Recording', sequence: 3 }])
  // ... but it does not reopen an ended party
  assert.equal(judgeTransition('p', e('Gone', 2), e('Recording', 3)), [
    { kind: 'unknown-status', partyId: 'p', status: 'Recording', sequence: 3 },
    { kind: 'illegal-transition', partyId: 'p', from: 'Gone', to: 'Recording', sequence: 3 }
  ])
})

test('codes compare case-insensitively and the known aliases map to the spec spelling', () => {
  assert.equal(['answered', 'Voicemail', 'VMScreening', 'FAXRECEIVE', 'Recording'].map(knownStatus), [
    'Answered',
    'VoiceMail',
    'VoiceMailScreening',
    'FaxReceive',
    null
  ])
})

test.run()
