/**
 * `callstate import` of the real captures through the built binary: the sequences 01-04 and 06-09 (JSON
 * array files) and the samples of 10-13 written as NDJSON; then the same files again.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import path from 'node:path'
import { cli, parseJson, PAYLOADS, readLog, sampleLines, tempDir, writeLines } from './cli-helpers.js'

/**
 * Expected counts, read off the files: each array element is one notification. 08 is the docs example with
 * stripped fields (no uuid, no event): all five fail decoding and are quarantined, not dropped.
 */
const SEQUENCES: ReadonlyArray<[string, { read: number; appended: number; duplicates: number; quarantined: number }]> =
  [
    [
      '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json',
      { read: 11, appended: 11, duplicates: 0, quarantined: 0 }
    ],
    ['02-rc-to-rc-internal-answered-hold-unhold-hangup.json', { read: 9, appended: 9, duplicates: 0, quarantined: 0 }],
    [
      '03-rc-to-pstn-outbound-answered-hold-unhold-hangup.json',
      { read: 9, appended: 9, duplicates: 0, quarantined: 0 }
    ],
    [
      '04-outbound-call-control-js-fixtures-setup-proceeding-disconnected-gap.json',
      { read: 3, appended: 3, duplicates: 0, quarantined: 0 }
    ],
    ['06-direct-call-vs-call-queue-call-first-events.json', { read: 2, appended: 2, duplicates: 0, quarantined: 0 }],
    ['07-warm-transfer-two-sessions-to-bridge.json', { read: 2, appended: 2, duplicates: 0, quarantined: 0 }],
    [
      '08-call-time-metrics-partial-events-ring-talk-hold.json',
      { read: 5, appended: 0, duplicates: 0, quarantined: 5 }
    ],
    [
      '09-inbound-unanswered-to-voicemail-presence-plus-message-store.json',
      { read: 3, appended: 3, duplicates: 0, quarantined: 0 }
    ]
  ]

/**
 * The 14 sample lines of 10-13, in order, and what each becomes:
 *  1 voice/telephony-session-event          uuid 1823485288313944239   appended
 *  2 events/extension-telephony-sessions    pn_apns, uuid 837270960869181944   appended (unwrapped)
 *  3 events/account-telephony-sessions      pn_apns, same uuid, other content (no queueCall, other sip `to`)   conflict
 *  4 events/detailed-extension-presence     uuid 045b81dc-...   appended
 *  5 events/detailed-extension-presence-with-sip   uuid 4956997212540532738   appended
 *  6 events/extension-presence              uuid 045b81dc-... again, a plain presence body   conflict
 *  7 events/voicemail-message               uuid ed1cf00c-... (/voicemail: an unknown kind)   appended
 *  8 events/message.json                    `_raw`: not valid JSON   not-json
 *  9 events/fax-message                     uuid ed1cf00c-... again, other content   conflict
 * 10 events/instant-message.json            `_raw`: not valid JSON   not-json
 * 11 ws frame presence (11)                 uuid 5745390252954738247   appended (unwrapped)
 * 12 telephony session (11)                 uuid 837270960869181944 a third time, other content   conflict
 * 13 conference fragment (12)               no envelope   not-a-notification
 * 14 RingOut REST snapshot (13)             no envelope   not-a-notification
 */
const SAMPLES = { read: 14, appended: 6, duplicates: 0, quarantined: 8 }

const dataDir = tempDir('payloads')
const samplesFile = writeLines(tempDir('samples'), 'samples.ndjson', sampleLines())
const files = SEQUENCES.map(([f]) => path.join(PAYLOADS, f))
const importJson = (file: string) => parseJson(cli(['import', file, '--json', '--data-dir', dataDir]))

test('each real sequence imports with the counts read off the file', () => {
  assert.equal(
    files.map(importJson),
    SEQUENCES.map(([, counts]) => counts)
  )
})

test('the samples of 10-13 import with uuid reuse kept as conflicts', async () => {
  assert.equal(importJson(samplesFile), SAMPLES)
  const quarantine = parseJson(cli(['quarantine', '--json', '--data-dir', dataDir]))
  assert.ok(Array.isArray(quarantine))
  const fromSamples = quarantine.flatMap((q: { sourceRef: string; reason: string; uuid?: string }) =>
    q.sourceRef.startsWith(samplesFile) ? [[q.sourceRef.slice(samplesFile.length + 1), q.reason, q.uuid ?? null]] : []
  )
  assert.equal(
    fromSamples.sort((a, b) => Number(a[0]) - Number(b[0])),
    [
      ['3', 'conflict', '837270960869181944'],
      ['6', 'conflict', '045b81dc-9f73-4864-84de-08aa6324a7f5'],
      ['8', 'not-json', null],
      ['9', 'conflict', 'ed1cf00c-0420-4bf5-a0ae-e659bb9f77e0'],
      ['10', 'not-json', null],
      ['12', 'conflict', '837270960869181944'],
      ['13', 'not-a-notification', null],
      ['14', 'not-a-notification', null]
    ]
  )
})

test('importing everything again appends nothing and counts every item as a duplicate', async () => {
  const before = await readLog(dataDir)
  assert.equal(
    [...files, samplesFile].map(importJson),
    [...SEQUENCES.map(([, c]) => c), SAMPLES].map((c) => ({
      read: c.read,
      appended: 0,
      duplicates: c.read,
      quarantined: 0
    }))
  )
  const after = await readLog(dataDir)
  assert.equal(after.length, before.length)
  // 39 + 6 notifications, 5 (08) + 8 (samples) quarantine entries; every id once.
  assert.equal(after.length, 39 + 6 + 5 + 8)
  assert.equal(new Set(after.map((e) => e.id)).size, after.length)
})

test('streams follow the notification kind', async () => {
  const byStream = new Map<string, number>()
  for (const e of await readLog(dataDir)) byStream.set(e.stream, (byStream.get(e.stream) ?? 0) + 1)
  assert.equal(byStream.get('session-s-718107795d564867a6f635fd81e89940'), 11)
  assert.equal(byStream.get('presence-133165004'), 2)
  assert.equal(byStream.get('messages-133165004'), 1)
  assert.equal(byStream.get('unknown'), 1)
  assert.equal(byStream.get('quarantine'), 13)
})

test.run()
