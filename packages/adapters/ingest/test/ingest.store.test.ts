import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { v5 } from 'uuid'
import { canonicalJson } from '@callstate/domain'
import type { EventStore, StoredEvent } from '@callstate/projections'
import { openSqliteStore } from '@callstate/sqlite'
import { ingest, type IngestReport } from '../src/ingest.js'
import { CALLSTATE_NAMESPACE, sha256Hex } from '../src/ids.js'
import { quarantineEntry } from '../src/classify.js'
import { listQuarantine, retryQuarantine } from '../src/quarantine.js'
import type { RawItem } from '../src/readers.js'

const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`
const json = (file: string): unknown => JSON.parse(readFileSync(path.join(PAYLOADS, file), 'utf8'))
const NOW = new Date('2024-05-01T12:00:00.000Z')
const now = () => NOW

const openStore = (): EventStore => {
  const opened = openSqliteStore({ dataDir: mkdtempSync(path.join(tmpdir(), 'callstate-ingest-')) })
  if (E.isLeft(opened)) throw new Error(`store did not open: ${JSON.stringify(opened.left)}`)
  return opened.right
}

const run = async (store: EventStore, items: RawItem[]): Promise<IngestReport> => {
  const r = await ingest(store, items, now)()
  if (E.isLeft(r)) throw new Error(`ingest failed: ${JSON.stringify(r.left)}`)
  return r.right
}

const all = async (store: EventStore): Promise<ReadonlyArray<StoredEvent>> => {
  const r = await store.readAll(0, 10_000)()
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right
}

const item = (raw: string, sourceRef: string): RawItem => ({ raw, source: 'import-file', sourceRef })

const samples11 = json('11-js-widgets-mock-ws-frame-presence-and-telephony-session.json')
const wsFrame: unknown =
  typeof samples11 === 'object' && samples11 !== null
    ? Reflect.get(samples11, 'wsServerNotificationFrame_presence_outbound_ringing')
    : undefined
const wsEnvelope: unknown = Array.isArray(wsFrame) ? wsFrame[1] : undefined

test('an envelope is stored as received, with deterministic id, stream, type and metadata', async () => {
  const store = openStore()
  const raw = JSON.stringify(wsEnvelope, null, 1)
  const report = await run(store, [item(raw, 'f:1')])
  const id = v5('5745390252954738247', CALLSTATE_NAMESPACE)
  assert.equal(report, {
    outcomes: [{ _tag: 'appended', sourceRef: 'f:1', id, stream: 'presence-908199004', position: 1 }],
    totals: { read: 1, appended: 1, duplicates: 0, quarantined: 0 }
  })
  const [stored] = await all(store)
  assert.equal(stored, {
    id,
    type: 'DetailedPresenceNotification',
    data: raw,
    stream: 'presence-908199004',
    revision: 0,
    position: 1,
    metadata: {
      receivedAt: '2024-05-01T12:00:00.000Z',
      source: 'import-file',
      sourceRef: 'f:1',
      contentHash: sha256Hex(canonicalJson(wsEnvelope)),
      transport: 'webhook',
      uuid: '5745390252954738247',
      occurredAt: '2022-02-10T08:43:42.805Z'
    }
  })
  await store.close()
})

test('the WebSocket frame and the webhook copy of one notification are one event', async () => {
  const store = openStore()
  const first = await run(store, [item(JSON.stringify(wsFrame), 'ws:1')])
  const second = await run(store, [item(JSON.stringify(wsEnvelope, null, 2), 'webhook:1')])
  assert.equal(
    [first.totals, second.totals],
    [
      { read: 1, appended: 1, duplicates: 0, quarantined: 0 },
      { read: 1, appended: 0, duplicates: 1, quarantined: 0 }
    ]
  )
  const events = await all(store)
  assert.equal(events.length, 1)
  // A frame is stored unwrapped: the envelope alone.
  assert.equal(events[0]?.data, JSON.stringify(wsEnvelope))
  assert.equal(events[0]?.metadata.transport, 'websocket')
  await store.close()
})

test('same uuid with other content is kept in quarantine as a conflict, and only once', async () => {
  const store = openStore()
  const original = { uuid: 'u-1', event: '/restapi/v1.0/account/1/extension/7/presence', body: { extensionId: '7' } }
  const other = { ...original, body: { extensionId: '7', telephonyStatus: 'Ringing' } }
  const a = await run(store, [item(JSON.stringify(original), 'f:1'), item(JSON.stringify(other), 'f:2')])
  const b = await run(store, [item(JSON.stringify(other), 'f:2')])
  const quarantineId = v5(`quarantine:${sha256Hex(JSON.stringify(other))}`, CALLSTATE_NAMESPACE)
  assert.equal(a.outcomes[1], {
    _tag: 'conflict',
    sourceRef: 'f:2',
    id: quarantineId,
    uuid: 'u-1',
    contentHash: sha256Hex(canonicalJson(other)),
    existingContentHash: sha256Hex(canonicalJson(original))
  })
  assert.equal(a.totals, { read: 2, appended: 1, duplicates: 0, quarantined: 1 })
  assert.equal(b.outcomes, [{ _tag: 'duplicate', sourceRef: 'f:2', id: quarantineId, stream: 'quarantine' }])
  const listing = await listQuarantine(store)()
  assert.equal(
    E.map((l: { items: ReadonlyArray<{ reason: string; uuid?: string }> }) => l.items.map((i) => [i.reason, i.uuid]))(
      listing
    ),
    E.right([['conflict', 'u-1']])
  )
  await store.close()
})

test('bad input is quarantined with its reason, never dropped, and counted once across re-imports', async () => {
  const store = openStore()
  const [partial] = [json('08-call-time-metrics-partial-events-ring-talk-hold.json')].flatMap((v) =>
    Array.isArray(v) ? v : []
  )
  const items = [item('{"uuid": broken', 'f:1'), item('{"hello":1}', 'f:2'), item('42', 'f:3')]
  items.push(item(JSON.stringify(partial), 'f:4'), item('{"hello":1}', 'f:5'))
  const first = await run(store, items)
  const second = await run(store, items)
  assert.equal(
    first.outcomes.map((o) => (o._tag === 'quarantined' ? [o._tag, o.reason, o.reasons.length > 0] : [o._tag])),
    [
      ['quarantined', 'not-json', true],
      ['quarantined', 'not-a-notification', true],
      ['quarantined', 'not-a-notification', true],
      ['quarantined', 'decode-failed', true],
      // The same text again is the same quarantine entry.
      ['duplicate']
    ]
  )
  assert.equal(first.totals, { read: 5, appended: 0, duplicates: 1, quarantined: 4 })
  assert.equal(second.totals, { read: 5, appended: 0, duplicates: 5, quarantined: 0 })
  const decodeFailed = first.outcomes[3]
  assert.equal(decodeFailed?._tag === 'quarantined' ? decodeFailed.reasons.slice(0, 2) : [], [
    'uuid: required, missing',
    'event: required, missing'
  ])
  await store.close()
})

test('a JSON array line is a batch: each element is its own item with its own ref', async () => {
  const store = openStore()
  const elements = json('04-outbound-call-control-js-fixtures-setup-proceeding-disconnected-gap.json')
  const report = await run(store, [item(JSON.stringify(elements), 'f:1')])
  assert.equal(
    report.outcomes.map((o) => [o._tag, o.sourceRef]),
    [
      ['appended', 'f:1#0'],
      ['appended', 'f:1#1'],
      ['appended', 'f:1#2']
    ]
  )
  await store.close()
})

test('retry: an entry that now decodes reaches the log and is resolved by a new event, once', async () => {
  const store = openStore()
  // As an older decoder would have left it: a valid envelope quarantined as decode-failed.
  const raw = JSON.stringify(wsEnvelope)
  const entry = quarantineEntry(raw, 'webhook', 'POST /webhook', '2024-04-01T00:00:00.000Z', 'decode-failed', [
    'body.activeCalls: old decoder said no'
  ])
  await store.append({ stream: 'quarantine', expected: 'any', events: [entry.event] })()
  const first = await retryQuarantine(store, now)()
  const second = await retryQuarantine(store, now)()
  const eventId = v5('5745390252954738247', CALLSTATE_NAMESPACE)
  assert.equal(
    E.map((r: { retried: number; resolved: number; stillQuarantined: number }) => [
      r.retried,
      r.resolved,
      r.stillQuarantined
    ])(first),
    E.right([1, 1, 0])
  )
  assert.equal(E.map((r: { retried: number }) => r.retried)(second), E.right(0))
  const events = await all(store)
  assert.equal(
    events.map((e) => [e.position, e.stream, e.type, e.metadata.source]),
    [
      [1, 'quarantine', 'NotificationQuarantined', 'webhook'],
      [2, 'presence-908199004', 'DetailedPresenceNotification', 'quarantine-retry'],
      [3, 'quarantine', 'QuarantineResolved', 'quarantine-retry']
    ]
  )
  assert.equal(JSON.parse(events[2]?.data ?? ''), {
    quarantineId: entry.event.id,
    outcome: 'appended',
    eventId,
    stream: 'presence-908199004'
  })
  const listing = await listQuarantine(store)()
  assert.equal(
    E.map((l: { items: ReadonlyArray<{ resolved?: unknown }> }) => l.items.map((i) => i.resolved))(listing),
    E.right([{ outcome: 'appended', eventId, stream: 'presence-908199004' }])
  )
  await store.close()
})

test.run()
