/**
 * Upgrading a data directory written by the release before the log's schema 2 (tests/fixtures/store-v1, made by
 * that release's own CLI): the first command upgrades the log in place and says so; afterwards the log holds the
 * same events (positions, ids, streams, revisions, data, metadata) plus each notification's occurredAt, the read
 * models verify and rebuild to the digest the old release printed, and importing the same file again stores
 * nothing new.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { cli, tempDir } from './cli-helpers.js'

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/store-v1')
/** What `callstate rebuild` printed on this directory before the upgrade (fixture README). */
const V1_DIGEST = 'fdd7e340d203bee8b85ab4b0824c0f99bdef7b7dd5af4542528ed30e68a6e1a8'

interface LogEntry {
  readonly position: number
  readonly id: string
  readonly stream: string
  readonly type: string
  readonly data: unknown
  readonly metadata: Record<string, unknown>
}

const unpack = (): string => {
  const dir = tempDir('migration-v1')
  execFileSync('tar', ['xzf', path.join(FIXTURE, 'data.tar.gz'), '-C', dir])
  return path.join(dir, 'data')
}

const timestampOf = (data: unknown): unknown =>
  typeof data === 'object' && data !== null ? Reflect.get(data, 'timestamp') : undefined

test('the first command upgrades the log in place; the events are the same, with occurredAt added', () => {
  const dataDir = unpack()
  const before = JSON.parse(gunzipSync(readFileSync(path.join(FIXTURE, 'log.json.gz'))).toString()) as LogEntry[]
  const r = cli(['--data-dir', dataDir, 'log', '--json', '--limit', '100000'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /upgrading the log .*events\.db from schema 1 to 2 \(2095 events\)/)
  assert.match(r.stderr, /upgraded the log .* to schema 2 in \d+ ms/)
  const after = JSON.parse(r.stdout) as LogEntry[]
  assert.equal(after.length, 2095)
  const notifications = after.filter((e) => e.type.endsWith('Notification'))
  assert.ok(notifications.length > 2000)
  for (const e of notifications) {
    const ts = timestampOf(e.data)
    assert.equal(e.metadata['occurredAt'], new Date(Date.parse(String(ts))).toISOString(), `event ${e.position}`)
  }
  const withoutOccurredAt = after.map((e) => {
    const { occurredAt: _, ...metadata } = e.metadata
    return { ...e, metadata }
  })
  assert.equal(withoutOccurredAt, before)
  // Opening again upgrades nothing.
  const again = cli(['--data-dir', dataDir, 'log', '--limit', '1'])
  assert.equal([again.code, again.stderr], [0, ''])
})

test('after the upgrade the read models verify, rebuild to the old digest, and a re-import adds nothing', () => {
  const dataDir = unpack()
  const verify = cli(['--data-dir', dataDir, 'verify'])
  assert.equal(verify.code, 0, verify.stdout + verify.stderr)
  assert.match(verify.stdout, new RegExp(`OK: live ${V1_DIGEST}, rebuilt ${V1_DIGEST}`))
  const rebuild = cli(['--data-dir', dataDir, 'rebuild'])
  assert.equal(rebuild.code, 0, rebuild.stderr)
  assert.match(rebuild.stdout, new RegExp(`digest ${V1_DIGEST}`))
  const sim = gunzipSync(readFileSync(path.join(FIXTURE, 'sim.ndjson.gz'))).toString()
  const reimport = cli(['--data-dir', dataDir, 'import', '-'], { input: sim })
  assert.equal(reimport.code, 0, reimport.stderr)
  assert.match(reimport.stdout, /appended\s+0\b/)
  const log = cli(['--data-dir', dataDir, 'log', '--json', '--from', '2096'])
  assert.equal(JSON.parse(log.stdout), [])
})

test.run()
