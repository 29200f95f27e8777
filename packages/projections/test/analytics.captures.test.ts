/**
 * Aggregates over the real captures 01-03 (decoded and folded for real), against numbers worked out by hand from
 * DOMAIN.md's formulas and the counting rules (docs/analytics.md).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { sessionCallsOf, statsOf, UTC, zoneOf, type StatsRow } from '../src/index.js'
import { sessionsOf } from './analytics.support.js'

const sessions = sessionsOf('01-', '02-', '03-').map((s) => sessionCallsOf(s))
const row = (key: string, r: Partial<StatsRow>): StatsRow => ({
  key,
  calls: 0,
  inbound: 0,
  outbound: 0,
  answered: 0,
  missed: 0,
  voicemail: 0,
  cancelled: 0,
  transferred: 0,
  unknownEnd: 0,
  ringMs: 0,
  talkMs: 0,
  holdMs: 0,
  avgRingMs: 0,
  avgTalkMs: 0,
  avgHoldMs: 0,
  voicemailsLeft: 0,
  ...r
})

// The parties, by DOMAIN.md (times are the captures' eventTimes, 2020-06-23T01:mm:ss.sss):
// 01 IVR 62242421016 (Inbound): Setup 05:43.964, Disconnected 05:52.627 -> no Proceeding: ring 0; cancelled.
// 01 user 809646016 (Inbound): Proceeding 05:52.656, Answered 06:00.001, Hold 06:04.601, Answered 06:06.994,
//    Disconnected 06:14.808 -> ring 06:00.001-05:52.656 = 7345; talk 4600 + (14.808-6.994 =) 7814 = 12414;
//    hold 06:06.994-06:04.601 = 2393; completed.
// 02 caller 979428016 (Outbound): Answered 17:14.388 (ringback), Hold 17:25.015, Answered 17:29.334,
//    Disconnected 17:35.051 -> ring 0; talk (25.015-14.388 =) 10627 + (35.051-29.334 =) 5717 = 16344;
//    hold 29.334-25.015 = 4319; answered because the callee answered.
// 02 callee 809646016 (Inbound): Proceeding 17:14.410, Answered 17:21.084, Disconnected 17:35.061 ->
//    ring 6674; talk 13977.
// 03 caller 809646016 (Outbound): Proceeding 19:25.166, Answered 19:28.900, Hold 19:35.590, Answered 19:38.865,
//    Disconnected 19:45.018 -> ring 3734; talk 6690 + 6153 = 12843; hold 3275; answered (the PSTN party did).
// PSTN parties (no extensionId) are not counted.

test('by extension: each extension counts its own calls with its own direction', () => {
  assert.equal(statsOf({ by: ['extension'], zone: UTC }, sessions, []), [
    // 809646016 < 979428016 as text; the IVR's leg (62242421016) routed the call on: not a call of the IVR
    row('809646016', {
      calls: 3,
      inbound: 2,
      outbound: 1,
      answered: 3,
      ringMs: 17753, // 7345 + 6674 + 3734
      talkMs: 39234, // 12414 + 13977 + 12843
      holdMs: 5668, // 2393 + 0 + 3275
      avgRingMs: 5918, // 17753 / 3 = 5917.67
      avgTalkMs: 13078, // 39234 / 3 answered
      avgHoldMs: 1889 // 5668 / 3 = 1889.33
    }),
    row('979428016', {
      calls: 1,
      outbound: 1,
      answered: 1,
      // the caller talks from the callee's answer (17:21.084), not from its own Answered at ringback
      talkMs: 9648,
      holdMs: 4319,
      avgTalkMs: 9648,
      avgHoldMs: 4319
    })
  ])
})

// The account's view: three calls. 01 is inbound and answered (the IVR leg's cancel does not make an answered call
// cancelled); 02 is internal, so both inbound and outbound; 03 outbound. Times sum over the users' parties.
const all = {
  calls: 3,
  inbound: 2,
  outbound: 2,
  answered: 3,
  ringMs: 17753, // 7345 + 6674 + 0 + 3734
  talkMs: 48882, // 12414 + (9648 + 13977) + 12843
  holdMs: 9987, // 2393 + 4319 + 3275
  avgRingMs: 5918,
  avgTalkMs: 16294, // 48882 / 3
  avgHoldMs: 3329 // 9987 / 3
}

test('no dimension: one row, all', () => {
  assert.equal(statsOf({ by: [], zone: UTC }, sessions, []), [row('all', all)])
})

test('by day and hour in UTC, and in New York (UTC-4 in June: the previous evening)', () => {
  assert.equal(statsOf({ by: ['day', 'hour'], zone: UTC }, sessions, []), [row('2020-06-23|01', all)])
  const ny = zoneOf('America/New_York')
  assert.ok(E.isRight(ny))
  if (E.isRight(ny))
    assert.equal(statsOf({ by: ['day', 'hour'], zone: ny.right }, sessions, []), [row('2020-06-22|21', all)])
})

test('no call at all still gives the all row, zeros', () => {
  assert.equal(statsOf({ by: [], zone: UTC }, [], []), [row('all', {})])
  assert.equal(statsOf({ by: ['extension'], zone: UTC }, [], []), [])
})

test.run()
