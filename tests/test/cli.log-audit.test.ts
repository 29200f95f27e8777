/**
 * The log, audit and import commands through the built binary: JSON shapes, filters, stdin, the
 * WebSocket/webhook copies of one notification, exit codes and one-line errors.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { cli, parseJson, PAYLOADS, tempDir, writeLines } from './cli-helpers.js'

const SEQ01 = path.join(PAYLOADS, '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json')
const S01 = 's-718107795d564867a6f635fd81e89940'
const samples11: unknown = JSON.parse(
  readFileSync(path.join(PAYLOADS, '11-js-widgets-mock-ws-frame-presence-and-telephony-session.json'), 'utf8')
)
const frame: unknown =
  typeof samples11 === 'object' && samples11 !== null
    ? Reflect.get(samples11, 'wsServerNotificationFrame_presence_outbound_ringing')
    : undefined
const envelope: unknown = Array.isArray(frame) ? frame[1] : undefined

const dataDir = tempDir('cli')
const seq01: unknown[] = JSON.parse(readFileSync(SEQ01, 'utf8'))

interface LogEntry {
  position: number
  stream: string
  type: string
  id: string
  receivedAt: string
  data: unknown
}
const log = (...args: string[]): LogEntry[] => {
  const out = parseJson(cli(['log', '--json', '--data-dir', dataDir, ...args]))
  if (!Array.isArray(out)) throw new Error('log --json is not an array')
  return out
}

test('import from stdin, then the log as JSON: positions, streams, types and the data as stored', () => {
  const ndjson = seq01.map((v) => JSON.stringify(v)).join('\n')
  assert.equal(parseJson(cli(['import', '-', '--json', '--data-dir', dataDir], { input: ndjson })), {
    read: 11,
    appended: 11,
    duplicates: 0,
    quarantined: 0
  })
  const entries = log()
  assert.equal(
    entries.map((e) => [e.position, e.stream, e.type]),
    seq01.map((_, i) => [i + 1, `session-${S01}`, 'TelephonySessionNotification'])
  )
  assert.equal(
    entries.map((e) => e.data),
    seq01
  )
})

test('log filters: --from (inclusive position), --limit, --stream', () => {
  assert.equal(
    log('--from', '4', '--limit', '3').map((e) => e.position),
    [4, 5, 6]
  )
  assert.equal(log('--stream', 'unknown'), [])
  assert.equal(log('--stream', `session-${S01}`, '--from', '10').length, 2)
  const table = cli(['log', '--limit', '2', '--data-dir', dataDir])
  assert.is(table.code, 0)
  assert.ok(table.stdout.includes(`session-${S01}`) && table.stdout.includes('TelephonySessionNotification'))
})

test('a WebSocket frame line and a webhook body line of one notification are one event', () => {
  const file = writeLines(tempDir('ws'), 'copies.ndjson', [JSON.stringify(frame), JSON.stringify(envelope, null, 0)])
  assert.equal(parseJson(cli(['import', file, '--json', '--data-dir', dataDir])), {
    read: 2,
    appended: 1,
    duplicates: 1,
    quarantined: 0
  })
  const presence = log('--stream', 'presence-908199004')
  assert.equal(
    presence.map((e) => e.data),
    [envelope]
  )
})

test('audit: the session in log order with positions; an unknown session is "not found", exit 1', () => {
  const trail = parseJson(cli(['audit', S01, '--json', '--data-dir', dataDir]))
  assert.ok(Array.isArray(trail))
  assert.equal(
    trail.map((e: { position: number; sequence: number; data: unknown }) => [e.position, e.sequence, e.data]),
    seq01.map((v, i) => [i + 1, i + 2, v])
  )
  const missing = cli(['audit', 's-nope', '--data-dir', dataDir])
  assert.equal(
    [missing.code, missing.stdout, missing.stderr],
    [1, '', 'callstate: not found: no notification of telephony session s-nope\n']
  )
})

test('a missing file: one line on stderr, exit 1, nothing on stdout, no data directory created', () => {
  const dir = path.join(tempDir('missing'), 'data')
  const r = cli(['import', '/no/such/file.ndjson', '--json', '--data-dir', dir])
  assert.equal([r.code, r.stdout, r.stderr], [1, '', 'callstate: cannot read /no/such/file.ndjson: no such file\n'])
})

test('a store that cannot be opened: one line, exit 1, no stack trace', () => {
  // A data directory that is a file cannot hold the store.
  const notADir = writeLines(tempDir('file'), 'plain.txt', ['not a directory'])
  const r = cli(['log', '--data-dir', notADir])
  assert.is(r.code, 1)
  assert.ok(/^callstate: the event store is unavailable: .+\n$/.test(r.stderr), r.stderr)
  assert.not.ok(r.stderr.includes('    at '))
})

test('usage errors exit 2; --help exits 0 and shows the global options', () => {
  const bad = cli(['log', '--limit', 'many', '--data-dir', dataDir])
  assert.equal([bad.code, bad.stderr], [2, 'callstate: --limit must be a non-negative integer, got many\n'])
  assert.is(cli(['import', '--bogus']).code, 2)
  assert.is(cli(['no-such-command']).code, 2)
  const help = cli(['import', '--help'])
  assert.is(help.code, 0)
  assert.ok(help.stdout.includes('--data-dir') && help.stdout.includes('Exit codes'), help.stdout)
})

test('CALLSTATE_DATA_DIR selects the data directory', () => {
  const viaEnv = parseJson(cli(['log', '--json', '--limit', '1'], { env: { CALLSTATE_DATA_DIR: dataDir } }))
  assert.equal(Array.isArray(viaEnv) ? viaEnv.length : viaEnv, 1)
})

test.run()
