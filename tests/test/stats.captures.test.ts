/**
 * `callstate stats` end to end: the real captures 01-03 imported through `callstate import`, then stats read
 * back from the caught-up read models, against numbers worked out by hand from DOMAIN.md's formulas. And the
 * time-zone buckets of calls that start late in the UTC day.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { callstate, callstateRaw, payload, tempDir, zeroRow } from './stats.support.js'

const data = path.join(tempDir(), 'data')
const json = (...args: string[]): unknown => JSON.parse(callstate(data, 'stats', '--json', ...args))

const row = (key: string, r: Record<string, number>) => ({ ...zeroRow(key), ...r })

test('captures 01, 02, 03 imported: by extension, by hand', () => {
  for (const p of ['01', '02', '03']) callstate(data, 'import', payload(p))
  assert.equal(json('--by', 'extension'), [
    // 01: the IVR leg (62242421016) Setup 01:05:43.964 -> Disconnected 01:05:52.627 as the user's leg began: it
    // routed the call on, so it is no call of the IVR and has no row.
    row('809646016', {
      calls: 3, // 01 inbound, 02 inbound, 03 outbound
      inbound: 2,
      outbound: 1,
      answered: 3,
      // ring: 01 Proceeding 05:52.656 -> Answered 06:00.001 = 7345; 02 17:14.410 -> 17:21.084 = 6674;
      //       03 19:25.166 -> 19:28.900 = 3734; 7345 + 6674 + 3734 = 17753
      ringMs: 17753,
      // talk: 01 (06:04.601 - 06:00.001) + (06:14.808 - 06:06.994) = 4600 + 7814 = 12414; 02 17:35.061 - 17:21.084
      //       = 13977; 03 (19:35.590 - 19:28.900) + (19:45.018 - 19:38.865) = 6690 + 6153 = 12843; sum 39234
      talkMs: 39234,
      // hold: 01 06:06.994 - 06:04.601 = 2393; 03 19:38.865 - 19:35.590 = 3275; sum 5668
      holdMs: 5668,
      avgRingMs: 5918, // 17753 / 3 calls = 5917.67
      avgTalkMs: 13078, // 39234 / 3 answered
      avgHoldMs: 1889 // 5668 / 3 answered = 1889.33
    }),
    // 02 caller: Answered 17:14.388 at once (ringback), Hold 17:25.015, Answered 17:29.334, Disconnected 17:35.051:
    // talk from the callee's answer (17:21.084): 3931 + 5717 = 9648, hold 4319; answered because the callee
    // answered.
    row('979428016', {
      calls: 1,
      outbound: 1,
      answered: 1,
      talkMs: 9648,
      holdMs: 4319,
      avgTalkMs: 9648,
      avgHoldMs: 4319
    })
  ])
})

test('captures: the account view and the day and hour buckets (UTC and New York, UTC-4 in June)', () => {
  const all = {
    calls: 3,
    inbound: 2, // 01, 02 (internal: both inbound and outbound)
    outbound: 2, // 02, 03
    answered: 3,
    ringMs: 17753,
    talkMs: 48882, // 12414 + (9648 + 13977) + 12843
    holdMs: 9987, // 2393 + 4319 + 3275
    avgRingMs: 5918,
    avgTalkMs: 16294, // 48882 / 3
    avgHoldMs: 3329 // 9987 / 3
  }
  assert.equal(json(), [row('all', all)])
  assert.equal(json('--by', 'day,hour'), [row('2020-06-23|01', all)])
  assert.equal(json('--by', 'day,hour', '--tz', 'America/New_York'), [row('2020-06-22|21', all)])
  // [from, to): 02 starts 01:17:14.330, so a range starting there counts 02 and 03 only.
  const later = json('--from', '2020-06-23T01:17:14.330Z')
  assert.equal(Array.isArray(later) ? later[0]?.calls : null, 2)
  const earlier = json('--to', '2020-06-23T01:17:14.330Z')
  assert.equal(Array.isArray(earlier) ? earlier[0]?.calls : null, 1)
})

test('the human table shows every key', () => {
  const table = callstate(data, 'stats', '--by', 'extension')
  for (const key of ['809646016', '979428016']) assert.ok(table.includes(key), key)
  assert.ok(table.includes('avg talk'))
})

test('usage errors: exit 2 with the reason', () => {
  const bad = [
    ['--by', 'week'],
    ['--tz', 'Mars/Olympus'],
    ['--from', '2026-01-05T10:00'],
    ['--from', '2026-01-06', '--to', '2026-01-05']
  ]
  for (const args of bad) {
    const r = callstateRaw(data, 'stats', ...args)
    assert.equal(r.code, 2, args.join(' '))
    assert.ok(r.stderr.startsWith('callstate: '), r.stderr)
  }
})

test('--by extension,day --tz: a call at 23:30 UTC and one at 02:30 UTC fall on the local days', () => {
  const dir = tempDir()
  const tz = path.join(dir, 'data')
  // One simulated call each; the first call of a simulation starts exactly at --start.
  for (const [start, seed] of [
    ['2026-01-05T23:30:00Z', '1'],
    ['2026-01-06T02:30:00Z', '2']
  ] as const) {
    const file = path.join(dir, `${seed}.ndjson`)
    writeFileSync(file, callstate(tz, 'simulate', '--calls', '1', '--seed', seed, '--start', start))
    callstate(tz, 'import', file)
  }
  const keys = (...args: string[]): string[] => {
    const rows: unknown = JSON.parse(callstate(tz, 'stats', '--json', ...args))
    return Array.isArray(rows) ? rows.map((r: { key: string }) => r.key) : []
  }
  // Which extension took each call is the simulator's choice; the day and hour are what this test is about.
  const perCall = (...args: string[]): string[] =>
    keys(...args)
      .map((k) => k.split('|').slice(1).join('|'))
      .sort()
  // An internal call counts for two extensions: compare the distinct buckets.
  assert.equal([...new Set(perCall('--by', 'extension,day,hour'))], ['2026-01-05|23', '2026-01-06|02'])
  const ny = perCall('--by', 'extension,day,hour', '--tz', 'America/New_York')
  const tokyo = perCall('--by', 'extension,day,hour', '--tz', 'Asia/Tokyo')
  // New York is UTC-5 in January: 23:30 -> 18:30 the same day; 02:30 -> 21:30 the previous day.
  assert.equal([...new Set(ny)], ['2026-01-05|18', '2026-01-05|21'])
  // Tokyo is UTC+9: 23:30 -> 08:30 the next day; 02:30 -> 11:30.
  assert.equal([...new Set(tokyo)], ['2026-01-06|08', '2026-01-06|11'])
  assert.equal([...new Set(keys('--by', 'day', '--tz', 'America/New_York'))], ['2026-01-05'])
  assert.equal(keys('--by', 'day'), ['2026-01-05', '2026-01-06'])
  assert.equal(keys('--by', 'day', '--tz', 'Asia/Tokyo'), ['2026-01-06'])
  // A date alone in --from/--to is the start of that day in --tz: New York's 2026-01-05 holds both calls
  // (18:30 and 21:30 local), UTC's 2026-01-05 only the first, Tokyo's 2026-01-06 both.
  const calls = (...args: string[]): number => {
    const rows: unknown = JSON.parse(callstate(tz, 'stats', '--json', ...args))
    return Array.isArray(rows) ? rows.reduce((n: number, r: { calls: number }) => n + r.calls, 0) : NaN
  }
  assert.is(calls('--from', '2026-01-05', '--to', '2026-01-06', '--tz', 'America/New_York'), 2)
  assert.is(calls('--from', '2026-01-05', '--to', '2026-01-06'), 1)
  assert.is(calls('--from', '2026-01-06', '--to', '2026-01-07', '--tz', 'Asia/Tokyo'), 2)
  assert.is(calls('--from', '2026-01-05', '--to', '2026-01-06', '--tz', 'Asia/Tokyo'), 0)
})

test.run()
