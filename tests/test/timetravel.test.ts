/**
 * Time travel and staleness through the built binary: `--at` in the middle of payload 01 (ringing before the
 * answer, active after, metrics counted up to `at`), `--known-at` (only what had been received), and an
 * unending call that becomes `stale` after `--stale-after` (default 4h).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { openSqliteStore } from '@callstate/sqlite'
import { ingest } from '@callstate/ingest'

const BIN = path.resolve(import.meta.dirname, '../../packages/adapters/cli/bin/callstate.js')
const P01: unknown[] = JSON.parse(
  readFileSync(
    `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads/01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json`,
    'utf8'
  )
)
const S01 = 's-718107795d564867a6f635fd81e89940'
const P3 = 'p-718107795d564867a6f635fd81e89940-3'

const run = (dataDir: string, args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ...env }
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
type View = { status: string; endedAt: string | null; parties: Array<{ id: string; status: string; metrics: unknown }> }
const session = (dataDir: string, ...args: string[]): View => {
  const r = run(dataDir, ['session', S01, ...args])
  assert.is(r.code, 0, r.err)
  return JSON.parse(r.out)
}
const party3 = (v: View) => v.parties.find((p) => p.id === P3)

/** Imports with a chosen receive time (the ingest clock is injectable). */
const importAt = async (dataDir: string, values: ReadonlyArray<unknown>, receivedAt: string) => {
  const store = openSqliteStore({ dataDir })
  if (E.isLeft(store)) throw new Error('store')
  const items = values.map((v, i) => ({ raw: JSON.stringify(v), source: 'import-file' as const, sourceRef: `t:#${i}` }))
  const r = await ingest(store.right, items, () => new Date(receivedAt))()
  assert.ok(E.isRight(r))
  await store.right.close()
}

const dir = mkdtempSync(path.join(tmpdir(), 'callstate-tt-'))

test('--at in the middle of payload 01: ringing before the answer, active after, metrics up to at', async () => {
  await importAt(dir, P01, '2020-06-23T01:10:00.000Z')
  const before = session(dir, '--at', '2020-06-23T01:05:55Z')
  assert.is(before.status, 'ringing')
  assert.is(before.endedAt, null)
  assert.equal(party3(before), {
    ...party3(before),
    status: 'Proceeding',
    metrics: { ringMs: 2344, talkMs: 0, holdMs: 0 }
  })
  const after = session(dir, '--at', '2020-06-23T01:06:02Z')
  assert.is(after.status, 'active')
  assert.equal(party3(after)?.metrics, { ringMs: 7345, talkMs: 1999, holdMs: 0 })
  const held = session(dir, '--at', '2020-06-23T01:06:05.601Z')
  assert.is(held.status, 'on-hold')
  assert.equal(party3(held)?.metrics, { ringMs: 7345, talkMs: 4600, holdMs: 1000 })
  assert.is(session(dir).status, 'ended')
  // Before the first event the session did not exist yet.
  assert.is(run(dir, ['session', S01, '--at', '2020-06-23T01:00:00Z']).code, 1)
  const active = JSON.parse(run(dir, ['sessions', '--active', '--at', '2020-06-23T01:06:02Z']).out)
  assert.equal(
    active.map((s: { telephonySessionId: string; status: string }) => [s.telephonySessionId, s.status]),
    [[S01, 'active']]
  )
})

test('--known-at uses only what had been received; it combines with --at', async () => {
  const d = mkdtempSync(path.join(tmpdir(), 'callstate-ka-'))
  await importAt(d, P01.slice(0, 6), '2024-05-01T10:00:00.000Z')
  await importAt(d, P01.slice(6), '2024-05-01T11:00:00.000Z')
  const early = session(d, '--known-at', '2024-05-01T10:30:00Z', '--stale-after', '100000h')
  assert.is(early.status, 'ringing')
  assert.is(party3(early)?.status, 'Proceeding')
  assert.is(session(d, '--known-at', '2024-05-01T11:00:00Z').status, 'ended')
  assert.is(session(d, '--known-at', '2024-05-01T11:00:00Z', '--at', '2020-06-23T01:06:05Z').status, 'on-hold')
  assert.is(run(d, ['session', S01, '--known-at', '2024-05-01T09:00:00Z']).code, 1)
})

test('an unending call becomes stale after --stale-after (default 4h), at query time', async () => {
  const d = mkdtempSync(path.join(tmpdir(), 'callstate-stale-'))
  // Up to the answer (01:06:00.001) and never an end.
  await importAt(d, P01.slice(0, 7), '2020-06-23T01:06:01.000Z')
  assert.is(session(d, '--at', '2020-06-23T05:06:00.000Z').status, 'active')
  assert.is(session(d, '--at', '2020-06-23T05:06:00.001Z').status, 'stale')
  assert.is(session(d, '--at', '2020-06-23T05:06:00.001Z', '--stale-after', '5h').status, 'active')
  assert.is(session(d, '--at', '2020-06-23T01:36:00.001Z', '--stale-after', '30m').status, 'stale')
  const env = run(d, ['session', S01, '--at', '2020-06-23T01:07:40.001Z'], { CALLSTATE_STALE_AFTER: '90s' })
  assert.is(JSON.parse(env.out).status, 'stale')
  // Now (the real clock, years later) it is stale, and so not an active call.
  assert.is(session(d).status, 'stale')
  assert.equal(JSON.parse(run(d, ['sessions', '--active']).out), [])
  assert.is(JSON.parse(run(d, ['sessions', '--active', '--at', '2020-06-23T02:00:00Z']).out).length, 1)
  assert.is(run(d, ['session', S01, '--stale-after', 'soon']).code, 2)
})

test.run()
