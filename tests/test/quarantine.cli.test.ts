/**
 * A file mixing valid lines, broken JSON, JSON that is not a notification and blank lines, through the built
 * binary: the counts, the quarantine listing with reasons, and `quarantine retry` resolving an entry.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { openSqliteStore } from '@callstate/sqlite'
import { quarantineEntry } from '@callstate/ingest'
import { cli, parseJson, PAYLOADS, readLog, tempDir, writeLines } from './cli-helpers.js'

const seq01: unknown = JSON.parse(
  readFileSync(path.join(PAYLOADS, '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json'), 'utf8')
)
const valid = (Array.isArray(seq01) ? seq01 : []).slice(0, 3).map((v) => JSON.stringify(v))

const MIXED = [
  valid[0] ?? '',
  '{"uuid": "1", "event": ',
  '',
  '{"hello":1}',
  valid[1] ?? '',
  '   ',
  '42',
  valid[2] ?? '',
  '{"uuid":"x-1","event":"/restapi/v1.0/account/1/telephony/sessions","body":{"sequence":"two"}}'
]

const dataDir = tempDir('mixed')
const file = writeLines(tempDir('mixed-in'), 'mixed.ndjson', MIXED)

test('a mixed file: valid lines appended, the rest quarantined, blank lines not counted', () => {
  assert.equal(parseJson(cli(['import', file, '--json', '--data-dir', dataDir])), {
    read: 7,
    appended: 3,
    duplicates: 0,
    quarantined: 4
  })
})

test('the quarantine lists each bad line with its reason, source and preview, unresolved', () => {
  const items = parseJson(cli(['quarantine', '--json', '--data-dir', dataDir]))
  assert.ok(Array.isArray(items))
  assert.equal(
    items.map((i: { sourceRef: string; reason: string; source: string; resolved: boolean; preview: string }) => [
      i.sourceRef,
      i.reason,
      i.source,
      i.resolved,
      i.preview
    ]),
    [
      [`${file}:2`, 'not-json', 'import-file', false, '{"uuid": "1", "event":'],
      [`${file}:4`, 'not-a-notification', 'import-file', false, '{"hello":1}'],
      [`${file}:7`, 'not-a-notification', 'import-file', false, '42'],
      [`${file}:9`, 'decode-failed', 'import-file', false, MIXED[8]?.slice(0, 79) + '…']
    ]
  )
  const reasons = items.map((i: { reasons: string[] }) => i.reasons)
  assert.ok(/JSON/.test(reasons[0]?.[0] ?? ''), `a JSON parse error, got ${String(reasons[0])}`)
  assert.ok(
    reasons[3]?.some((r: string) => r.startsWith('body.sequence:')),
    `decoder problems as path: reason, got ${String(reasons[3])}`
  )
  const human = cli(['quarantine', '--data-dir', dataDir])
  assert.is(human.code, 0)
  assert.ok(human.stdout.startsWith('4 quarantined item(s), 4 unresolved\n'), human.stdout)
})

test('quarantine retry: what still fails stays; an entry that now decodes is logged and resolved', async () => {
  // What an older decoder left behind: a valid envelope quarantined as decode-failed.
  const raw = JSON.stringify({
    uuid: 'retry-1',
    event: '/restapi/v1.0/account/1/extension/77/presence',
    body: { extensionId: '77', telephonyStatus: 'NoCall' }
  })
  const opened = openSqliteStore({ dataDir })
  if (E.isLeft(opened)) throw new Error(JSON.stringify(opened.left))
  const entry = quarantineEntry(raw, 'webhook', 'POST /webhook', '2024-01-01T00:00:00.000Z', 'decode-failed', [
    'body: an older decoder refused it'
  ])
  const appended = await opened.right.append({ stream: 'quarantine', expected: 'any', events: [entry.event] })()
  await opened.right.close()
  assert.ok(E.isRight(appended))

  const report = parseJson(cli(['quarantine', 'retry', '--json', '--data-dir', dataDir]))
  assert.equal(
    typeof report === 'object' && report !== null
      ? [Reflect.get(report, 'retried'), Reflect.get(report, 'resolved'), Reflect.get(report, 'stillQuarantined')]
      : report,
    [5, 1, 4]
  )
  const log = await readLog(dataDir)
  const tail = log.slice(-2).map((e) => [e.stream, e.type, e.metadata.source])
  assert.equal(tail, [
    ['presence-77', 'PresenceNotification', 'quarantine-retry'],
    ['quarantine', 'QuarantineResolved', 'quarantine-retry']
  ])
  // The entry itself is untouched (append-only) and now shows as resolved.
  const items = parseJson(cli(['quarantine', '--json', '--data-dir', dataDir]))
  assert.ok(Array.isArray(items))
  assert.equal(
    items.map((i: { id: string; resolved: boolean }) => [i.id === entry.event.id, i.resolved]),
    [
      [false, false],
      [false, false],
      [false, false],
      [false, false],
      [true, true]
    ]
  )
  // A second retry has only the four that still fail, and writes nothing.
  const again = parseJson(cli(['quarantine', 'retry', '--json', '--data-dir', dataDir]))
  assert.equal(
    typeof again === 'object' && again !== null
      ? [Reflect.get(again, 'retried'), Reflect.get(again, 'resolved'), Reflect.get(again, 'stillQuarantined')]
      : again,
    [4, 0, 4]
  )
  assert.equal((await readLog(dataDir)).length, log.length)
})

test.run()
