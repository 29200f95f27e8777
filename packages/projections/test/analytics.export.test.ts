/** Export records of an ended capture, as NDJSON and CSV (RFC 4180 quoting). */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { csvLine, CSV_HEADER, exportRecordsOf, ndjsonLine, EXPORT_FIELDS, type ExportRecord } from '../src/index.js'
import { fold, p, script, sessionsOf } from './analytics.support.js'

test('an ended session: one record per party, by party id, with metrics and outcome', () => {
  const [s03] = sessionsOf('03-')
  assert.ok(s03)
  if (s03 === undefined) return
  const records = exportRecordsOf(s03)
  assert.equal(records, [
    {
      telephonySessionId: 's-c23b203d62db4f6aaee00717bafa99be',
      partyId: 'p-c23b203d62db4f6aaee00717bafa99be-1',
      extensionId: '809646016',
      direction: 'Outbound',
      from: '+18003151571',
      to: '+14083388064',
      startedAt: '2020-06-23T01:19:21.627Z',
      endedAt: '2020-06-23T01:19:45.018Z',
      outcome: 'completed',
      ringMs: 3734, // Proceeding 25.166 -> Answered 28.900
      talkMs: 12843, // 28.900 -> 35.590 (6690) + 38.865 -> 45.018 (6153)
      holdMs: 3275, // 35.590 -> 38.865
      sessionStartedAt: '2020-06-23T01:19:21.627Z',
      fromName: null,
      fromExtensionId: '809646016',
      toName: null,
      toExtensionId: null,
      ringOutRole: null,
      queueCall: false,
      answered: true,
      status: 'Disconnected',
      reason: null,
      endedBy: 'event'
    },
    {
      telephonySessionId: 's-c23b203d62db4f6aaee00717bafa99be',
      partyId: 'p-c23b203d62db4f6aaee00717bafa99be-2',
      extensionId: null,
      direction: 'Inbound',
      from: '+18003151571',
      to: '+14083388064',
      startedAt: '2020-06-23T01:19:21.663Z',
      endedAt: '2020-06-23T01:19:45.032Z',
      outcome: 'completed',
      ringMs: 7209, // Proceeding 21.663 -> Answered 28.872
      talkMs: 16132, // from the connection (the caller's Answered, 28.900) -> 45.032
      holdMs: 0,
      sessionStartedAt: '2020-06-23T01:19:21.627Z',
      fromName: 'TESTER Babji',
      fromExtensionId: '809646016',
      toName: null,
      toExtensionId: null,
      ringOutRole: null,
      queueCall: false,
      answered: true,
      status: 'Disconnected',
      reason: null,
      endedBy: 'event'
    }
  ])
})

test('a session still live exports nothing; once stale, its live parties end as unknown-end, by the stale rule', () => {
  const [live] = fold(script('s-live', [{ s: 0, party: p('p1', 'Proceeding', { direction: 'Inbound' }) }]))
  assert.equal(live === undefined ? null : exportRecordsOf(live), [])
  const stale = live === undefined ? [] : exportRecordsOf(live, true)
  assert.equal(
    stale.map((r) => [r.partyId, r.outcome, r.endedBy, r.endedAt]),
    [['p1', 'unknown-end', 'stale', null]]
  )
})

const record = (over: Partial<ExportRecord>): ExportRecord => {
  const base: Record<string, string | number | boolean | null> = {}
  for (const f of EXPORT_FIELDS) base[f] = null
  return { ...(base as ExportRecord), ...over }
}

test('CSV: header in field order; commas, quotes, line breaks and edge spaces quoted; null empty', () => {
  assert.equal(CSV_HEADER.split(',').slice(0, 12), [
    'telephonySessionId',
    'partyId',
    'extensionId',
    'direction',
    'from',
    'to',
    'startedAt',
    'endedAt',
    'outcome',
    'ringMs',
    'talkMs',
    'holdMs'
  ])
  const line = csvLine(
    record({
      telephonySessionId: 's-1',
      partyId: 'p,1',
      fromName: 'Say "hi"',
      toName: 'two\nlines',
      reason: ' x',
      ringMs: 5,
      answered: false
    })
  )
  assert.equal(line, 's-1,"p,1",,,,,,,,5,,,,"Say ""hi""",,"two\nlines",,,,false,," x",')
})

test('NDJSON: every field, in field order, nulls kept', () => {
  const line = ndjsonLine(record({ partyId: 'p-1', ringMs: 1 }))
  assert.equal(Object.keys(JSON.parse(line)), [...EXPORT_FIELDS])
  assert.equal(JSON.parse(line).ringMs, 1)
})

test.run()
