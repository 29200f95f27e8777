/**
 * The active calls at an instant, and the sessions known at an instant, are exactly the sessions that the session
 * query finds live (or known) then, whichever of the list's ranges holds them: a short call, a call of three hours
 * still live at the instant, a call of two days, a call gone stale, a call that started before the stale window.
 * Real notifications, the real ingest path and SQLite; imports at several receive times for `--known-at`.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  activeCalls,
  createRunner,
  listSessions,
  querySession,
  type QueryDeps,
  type QueryTime
} from '@callstate/projections'
import { importValues, openBoth, right, tempDir } from './readmodels.support.js'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const B = Date.parse('2026-03-02T10:00:00.000Z')
const iso = (ms: number): string => new Date(ms).toISOString()

/** One telephony notification: the single party of an extension's outbound call, in `status` at `at`. */
const note = (id: string, sequence: number, at: number, status: string) => ({
  uuid: `${id}-${sequence}`,
  event: '/restapi/v1.0/account/1/extension/101/telephony/sessions',
  timestamp: iso(at + 50),
  subscriptionId: 'sub',
  ownerId: '1',
  body: {
    sequence,
    sessionId: `${id}-session`,
    telephonySessionId: id,
    serverId: 'test',
    eventTime: iso(at),
    parties: [
      {
        accountId: '1',
        extensionId: '101',
        id: `p-${id}-1`,
        direction: 'Outbound',
        to: { phoneNumber: '+15550000000' },
        from: { phoneNumber: '+15551111111', extensionId: '101' },
        status: { code: status, rcc: false },
        missedCall: false,
        standAlone: false,
        muted: false
      }
    ],
    origin: { type: 'Call' }
  }
})

/** A call answered 10 s after `start`, on and off hold every `every` ms until `end` (undefined: never ends). */
const call = (id: string, start: number, every: number, end: number | undefined, last = end ?? start + 10_000) => {
  const notes = [note(id, 2, start, 'Setup'), note(id, 3, start + 10_000, 'Answered')]
  let sequence = 4
  for (let at = start + every; at < last; at += every)
    notes.push(note(id, sequence++, at, sequence % 2 ? 'Answered' : 'Hold'))
  if (end !== undefined) notes.push(note(id, sequence, end, 'Disconnected'))
  return notes
}

const CALLS = {
  short: call('s-short', B, MIN, B + 5 * MIN),
  hours: call('s-hours', B - 2 * HOUR, 30 * MIN, B + HOUR),
  days: call('s-days', B - 2 * DAY, 2 * HOUR, B + 2 * HOUR),
  stale: call('s-stale', B - 30 * MIN, HOUR, undefined),
  before: call('s-before', B - 50 * MIN, 20 * MIN, B + 3 * HOUR)
}
const IDS = Object.values(CALLS).map((notes) => notes[0]?.body.telephonySessionId ?? '')

const setUp = async () => {
  const { store, readModels } = openBoth(tempDir())
  // Received in three imports: two calls first, two more an hour later, the rest (and the long call's end) last.
  const [end, ...hours] = [...CALLS.hours].reverse()
  await importValues(store, [...CALLS.short, ...hours.reverse()], '2026-03-05T00:00:00.000Z')
  await importValues(store, [...CALLS.days, ...CALLS.stale], '2026-03-05T01:00:00.000Z')
  await importValues(store, [...CALLS.before, end], '2026-03-05T02:00:00.000Z')
  await right(createRunner(store, readModels).catchUp())
  const deps: QueryDeps = { store, readModels }
  return { deps, close: async () => (readModels.close(), await store.close()) }
}

/** What the session query says of each session at that time, kept when `keep` holds, in list order (newest first). */
const oracle = async (deps: QueryDeps, time: QueryTime, keep: (status: string) => boolean) => {
  const found: Array<{ id: string; status: string; startedAt: string }> = []
  for (const id of IDS) {
    const r = await querySession(deps, id, time)()
    if (r._tag === 'Right' && keep(r.right.status))
      found.push({ id, status: r.right.status, startedAt: r.right.startedAt ?? '' })
  }
  const stored = (id: string) => deps.readModels.session(id)?.startedAt ?? ''
  return found
    .sort((a, b) => (stored(a.id) === stored(b.id) ? (a.id < b.id ? 1 : -1) : stored(a.id) < stored(b.id) ? 1 : -1))
    .map(({ id, status }) => [id, status])
}
const live = (status: string) => status !== 'ended' && status !== 'stale'

test('the active calls now and at every instant are the sessions live then', async () => {
  const { deps, close } = await setUp()
  let seen = 0
  for (let t = B - 3 * DAY; t <= B + DAY; t += 17 * MIN)
    for (const staleAfterMs of [HOUR, 4 * HOUR]) {
      const at: QueryTime = { now: iso(B + 10 * DAY), at: iso(t), staleAfterMs }
      const expected = await oracle(deps, at, live)
      const page = await right(activeCalls(deps, { ...at, limit: 1000 }))
      assert.equal(
        page.items.map((s) => [s.telephonySessionId, s.status]),
        expected,
        `at ${iso(t)}, stale after ${staleAfterMs}`
      )
      seen += expected.length
      const now: QueryTime = { now: iso(t), staleAfterMs }
      const nowPage = await right(activeCalls(deps, { ...now, limit: 1000 }))
      assert.equal(
        nowPage.items.map((s) => [s.telephonySessionId, s.status]),
        await oracle(deps, now, live),
        `now ${iso(t)}`
      )
    }
  assert.ok(seen > 100, 'the instants see live calls')
  // 45 minutes in, stale after an hour: the short call is over, the one with no event for an hour stale; the call
  // of two days, the one of three hours and the one that started 50 minutes before are live.
  const at = await right(activeCalls(deps, { now: iso(B + DAY), at: iso(B + 45 * MIN), staleAfterMs: HOUR }))
  assert.equal(
    at.items.map((s) => s.telephonySessionId),
    ['s-before', 's-hours', 's-days']
  )
  await close()
})

test('the sessions known at an instant are the sessions the session query knows then', async () => {
  const { deps, close } = await setUp()
  const instants = ['2026-03-04T23:59:59.999Z', '2026-03-05T00:00:00.000Z', '2026-03-05T00:30:00.000Z']
  instants.push('2026-03-05T01:00:00.000Z', '2026-03-05T02:00:00.000Z', '2026-03-06T00:00:00.000Z')
  const counts: number[] = []
  for (const knownAt of instants) {
    const time: QueryTime = { now: iso(B + 10 * DAY), knownAt, staleAfterMs: 4 * HOUR }
    const expected = await oracle(deps, time, () => true)
    counts.push(expected.length)
    const page = await right(listSessions(deps, { ...time, limit: 1000 }))
    assert.equal(
      page.items.map((s) => [s.telephonySessionId, s.status]),
      expected,
      `known at ${knownAt}`
    )
    // Page by page, one session at a time, from the cursor.
    const ids: string[] = []
    for (let cursor: string | null | undefined; cursor !== null;) {
      const one = await right(listSessions(deps, { ...time, limit: 1, ...(cursor ? { cursor } : {}) }))
      ids.push(...one.items.map((s) => s.telephonySessionId))
      cursor = one.nextCursor
    }
    assert.equal(
      ids,
      expected.map(([id]) => id)
    )
    for (const t of [B - DAY, B, B + 30 * MIN, B + 3 * HOUR]) {
      const at: QueryTime = { ...time, at: iso(t) }
      const active = await right(activeCalls(deps, { ...at, limit: 1000 }))
      assert.equal(
        active.items.map((s) => [s.telephonySessionId, s.status]),
        await oracle(deps, at, live),
        `known at ${knownAt}, active at ${iso(t)}`
      )
    }
  }
  assert.equal(counts, [0, 2, 2, 4, 5, 5])
  await close()
})

test.run()
