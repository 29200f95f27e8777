/**
 * The query commands through the real built binary over a temp data directory: import payloads 01-03, then
 * sessions (paging), session (whole view), unknown id, presence, rebuild and verify.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const BIN = path.resolve(import.meta.dirname, '../../packages/adapters/cli/bin/callstate.js')
const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`
const P = {
  '01': '01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json',
  '02': '02-rc-to-rc-internal-answered-hold-unhold-hangup.json',
  '03': '03-rc-to-pstn-outbound-answered-hold-unhold-hangup.json',
  '09': '09-inbound-unanswered-to-voicemail-presence-plus-message-store.json'
}
const S01 = 's-718107795d564867a6f635fd81e89940'
const S02 = 's-f9badb80011344259059d6894a30ace2'
const S03 = 's-c23b203d62db4f6aaee00717bafa99be'

export const cli = (dataDir: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], { encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
const json = (dataDir: string, ...args: string[]): unknown => {
  const r = cli(dataDir, ...args, '--json')
  assert.is(r.code, 0, r.stderr)
  return JSON.parse(r.stdout)
}

const dir = mkdtempSync(path.join(tmpdir(), 'callstate-q-'))
for (const f of Object.values(P)) assert.is(cli(dir, 'import', path.join(PAYLOADS, f), '--json').code, 0)

test('sessions lists every session newest first, with parties', () => {
  const list = json(dir, 'sessions')
  assert.ok(Array.isArray(list))
  assert.equal(
    list.map((s: { telephonySessionId: string; status: string; startedAt: string }) => [
      s.telephonySessionId,
      s.status,
      s.startedAt
    ]),
    [
      [S03, 'ended', '2020-06-23T01:19:21.627Z'],
      [S02, 'ended', '2020-06-23T01:17:14.330Z'],
      [S01, 'ended', '2020-06-23T01:05:43.940Z']
    ]
  )
  assert.equal(json(dir, 'sessions', '--active'), [])
  assert.equal(
    (json(dir, 'sessions', '--extension', '979428016') as Array<{ telephonySessionId: string }>).map(
      (s) => s.telephonySessionId
    ),
    [S02]
  )
})

test('sessions pages with a cursor printed on stderr', () => {
  const first = cli(dir, 'sessions', '--limit', '2', '--json')
  assert.is(first.code, 0)
  const cursor = /cursor: (\S+)/.exec(first.stderr)?.[1]
  assert.ok(cursor !== undefined, first.stderr)
  assert.equal(
    (JSON.parse(first.stdout) as Array<{ telephonySessionId: string }>).map((s) => s.telephonySessionId),
    [S03, S02]
  )
  const second = cli(dir, 'sessions', '--limit', '2', '--cursor', cursor, '--json')
  assert.equal(
    (JSON.parse(second.stdout) as Array<{ telephonySessionId: string }>).map((s) => s.telephonySessionId),
    [S01]
  )
  assert.not.match(second.stderr, /cursor:/)
  assert.is(cli(dir, 'sessions', '--cursor', 'garbage!', '--json').code, 2)
})

test('session shows the whole call state of payload 01', () => {
  const s = json(dir, 'session', S01) as Record<string, unknown> & { parties: Array<Record<string, unknown>> }
  assert.equal(
    { ...s, parties: s.parties.map((p) => [p['id'], p['status'], p['outcome'], p['metrics']]) },
    {
      telephonySessionId: S01,
      status: 'ended',
      startedAt: '2020-06-23T01:05:43.940Z',
      endedAt: '2020-06-23T01:06:14.812Z',
      origin: 'Call',
      gaps: [],
      anomalies: [],
      links: [],
      parties: [
        // the caller talks from the user's answer (01:06:00.001), not from the IVR's
        [`p-718107795d564867a6f635fd81e89940-1`, 'Disconnected', 'completed', { ringMs: 0, talkMs: 14811, holdMs: 0 }],
        // the IVR's leg passed the call on: routed
        [`p-718107795d564867a6f635fd81e89940-2`, 'Disconnected', 'routed', { ringMs: 0, talkMs: 0, holdMs: 0 }],
        [
          `p-718107795d564867a6f635fd81e89940-3`,
          'Disconnected',
          'completed',
          { ringMs: 7345, talkMs: 12414, holdMs: 2393 }
        ]
      ]
    }
  )
  assert.equal(s.parties[2]?.['history'], [
    { status: 'Setup', reason: null, at: '2020-06-23T01:05:52.627Z', sequence: 6 },
    { status: 'Proceeding', reason: null, at: '2020-06-23T01:05:52.656Z', sequence: 7 },
    { status: 'Answered', reason: null, at: '2020-06-23T01:06:00.001Z', sequence: 8 },
    { status: 'Hold', reason: null, at: '2020-06-23T01:06:04.601Z', sequence: 9 },
    { status: 'Answered', reason: null, at: '2020-06-23T01:06:06.994Z', sequence: 10 },
    { status: 'Disconnected', reason: null, at: '2020-06-23T01:06:14.808Z', sequence: 11 }
  ])
})

test('an unknown session or extension is "not found" with a non-zero exit', () => {
  const r = cli(dir, 'session', 's-does-not-exist', '--json')
  assert.is(r.code, 1)
  assert.is(r.stdout, '')
  assert.match(r.stderr, /not found/)
  assert.is(cli(dir, 'presence', '999', '--json').code, 1)
})

test('presence timeline and presence at an instant (payload 09, numeric extensionId)', () => {
  assert.equal(json(dir, 'presence', '133165004'), {
    extensionId: '133165004',
    intervals: [
      {
        from: '2016-10-26T16:44:49.441Z',
        to: '2016-10-26T16:45:09.434Z',
        telephonyStatus: 'Ringing',
        presenceStatus: 'Available',
        userStatus: 'Available',
        dndStatus: 'DoNotAcceptDepartmentCalls',
        meetingStatus: null
      },
      {
        from: '2016-10-26T16:45:09.434Z',
        to: null,
        telephonyStatus: 'NoCall',
        presenceStatus: 'Available',
        userStatus: 'Available',
        dndStatus: 'DoNotAcceptDepartmentCalls',
        meetingStatus: null
      }
    ]
  })
  assert.equal(json(dir, 'presence', '133165004', '--at', '2016-10-26T16:45:00Z'), {
    extensionId: '133165004',
    at: '2016-10-26T16:45:00.000Z',
    telephonyStatus: 'Ringing',
    presenceStatus: 'Available',
    userStatus: 'Available',
    dndStatus: 'DoNotAcceptDepartmentCalls',
    meetingStatus: null
  })
})

test('rebuild reports {events, digest, ms}; verify agrees with the live read models', () => {
  const before = json(dir, 'verify') as { equal: boolean; live: string }
  assert.is(before.equal, true)
  const r = json(dir, 'rebuild') as { events: number; digest: string; ms: number }
  assert.equal(Object.keys(r), ['events', 'digest', 'ms'])
  assert.is(r.events, 32)
  assert.is(r.digest, before.live)
  assert.ok(Number.isInteger(r.ms))
  assert.is((json(dir, 'verify') as { equal: boolean }).equal, true)
})

test('rebuild and verify --workers: threads give the same digest; a count out of range is a usage error', () => {
  const sequential = json(dir, 'rebuild', '--workers', '1') as { digest: string }
  const parallel = json(dir, 'rebuild', '--workers', '3') as { events: number; digest: string }
  assert.is(parallel.digest, sequential.digest)
  assert.is(parallel.events, 32)
  const verified = json(dir, 'verify', '--workers', '2') as { equal: boolean; rebuilt: string }
  assert.equal([verified.equal, verified.rebuilt], [true, sequential.digest])
  for (const bad of ['0', '9', 'two']) {
    const r = cli(dir, 'rebuild', '--workers', bad)
    assert.is(r.code, 2, bad)
    assert.match(r.stderr, /^callstate: --workers must be/, bad)
  }
})

test('audit carries the session state after each notification', () => {
  const trail = json(dir, 'audit', S01) as Array<{ sequence: number; state: { status: string } }>
  assert.equal(
    trail.map((e) => [e.sequence, e.state.status]),
    [
      [2, 'ringing'],
      [3, 'ringing'],
      [4, 'ringing'],
      [5, 'active'],
      [6, 'ringing'],
      [7, 'ringing'],
      [8, 'active'],
      [9, 'on-hold'],
      [10, 'active'],
      [11, 'active'],
      [12, 'ended']
    ]
  )
})

test.run()
