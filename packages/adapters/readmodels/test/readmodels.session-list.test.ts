/**
 * The session list reads only a few ranges of the list index (the active calls: the sessions started in the last
 * stale window plus an hour, then the longer ones from their own indexes; `--known-at`: from the latest start day
 * with a session known by then). Whatever the rows, a page is the page of the plain definition: every row that
 * passes the filters, newest start first, then id. Checked against that definition on rows made to sit on the
 * ranges' edges: spans just under and over an hour and a day, calls live for days, no start or no last event,
 * ended after their last event, known or not, on several days.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import path from 'node:path'
import type { LiveStatus } from '@callstate/domain'
import type { SessionListQuery, SessionRow } from '@callstate/projections'
import { openedReadModels, tempDir } from './readmodels.support.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const T0 = Date.parse('2026-03-02T00:00:00.000Z')
const iso = (ms: number): string => new Date(ms).toISOString()

/** Seeded LCG, so a failure can be reproduced. */
const random = (seed: number) => {
  let s = seed
  return (): number => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

interface Made extends SessionRow {
  readonly extensions: ReadonlyArray<string>
}

const SPANS = [0, 45_000, 20 * 60_000, HOUR - 1, HOUR, HOUR + 1, 3 * HOUR, DAY - 1, DAY, DAY + 1, 3 * DAY]

const makeRows = (n: number, next: () => number): Made[] =>
  Array.from({ length: n }, (_, i): Made => {
    const pick = <A>(xs: ReadonlyArray<A>): A => {
      const x = xs[Math.floor(next() * xs.length)]
      if (x === undefined) throw new Error('empty')
      return x
    }
    const start = T0 + Math.floor(next() * 6 * DAY)
    const span = pick(SPANS)
    const noStart = next() < 0.03
    const noLast = next() < 0.03
    const ended = next() < 0.7
    // An end may come after the last telephony event (an end from presence).
    const end = start + span + (next() < 0.2 ? Math.floor(next() * 2 * HOUR) : 0)
    const status: LiveStatus = ended ? 'ended' : pick(['ringing', 'active', 'on-hold', 'parked', 'voicemail'])
    return {
      telephonySessionId: `s-${String(i).padStart(5, '0')}`,
      status,
      startedAt: noStart ? null : iso(start),
      endedAt: ended ? iso(end) : null,
      lastEventAt: noLast ? null : iso(start + span),
      position: i + 1,
      state: '{}',
      knownSinceMs: next() < 0.05 ? null : start + Math.floor((next() - 0.2) * 2 * DAY),
      extensions: next() < 0.5 ? ['101'] : ['202']
    }
  })

/** The page by definition: the filters of SessionListQuery over every row, in list order. */
const expected = (rows: ReadonlyArray<Made>, q: SessionListQuery): string[] => {
  const key = (r: Made): [string, string] => [r.startedAt ?? '', r.telephonySessionId]
  const before = (a: [string, string], b: [string, string]): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])
  return rows
    .filter(
      (r) =>
        (q.extensionId === undefined || r.extensions.includes(q.extensionId)) &&
        (q.notEnded !== true || r.status !== 'ended') &&
        (q.startedAtOrBefore === undefined || (r.startedAt ?? '') <= q.startedAtOrBefore) &&
        (q.openAt === undefined || r.endedAt === null || r.endedAt > q.openAt) &&
        (q.lastEventAfter === undefined || r.lastEventAt === null || r.lastEventAt > q.lastEventAfter) &&
        (q.knownBy === undefined || (r.knownSinceMs !== null && r.knownSinceMs <= q.knownBy)) &&
        (q.after === undefined || before(key(r), [q.after.startedAt, q.after.telephonySessionId]))
    )
    .sort((a, b) => (before(key(a), key(b)) ? 1 : -1))
    .slice(0, q.limit)
    .map((r) => r.telephonySessionId)
}

const rows = makeRows(1500, random(17))
const readModels = openedReadModels({ file: path.join(tempDir(), 'readmodels.db') })
readModels.transaction((tx) => {
  for (const { extensions, ...row } of rows) tx.saveSession(row, [], extensions)
})
const listed = (q: SessionListQuery): string[] => readModels.listSessions(q).map((r) => r.telephonySessionId)

test('the active calls at any instant, and now, are the rows of the plain definition', () => {
  const next = random(5)
  for (let i = 0; i < 600; i++) {
    const t = T0 - DAY + Math.floor(next() * 9 * DAY)
    const stale = [60_000, HOUR, 4 * HOUR, 2 * DAY][i % 4] ?? HOUR
    const limit = [1, 5, 100, 1000][Math.floor(next() * 4)] ?? 100
    const extension = next() < 0.3 ? { extensionId: '101' } : {}
    const known = next() < 0.3 ? { knownBy: T0 + Math.floor(next() * 6 * DAY) } : {}
    const at: SessionListQuery = {
      ...extension,
      ...known,
      startedAtOrBefore: iso(t),
      openAt: iso(t),
      lastEventAfter: iso(t - stale),
      limit
    }
    assert.equal(listed(at), expected(rows, at), JSON.stringify(at))
    const now: SessionListQuery = { ...extension, ...known, notEnded: true, lastEventAfter: iso(t - stale), limit }
    assert.equal(listed(now), expected(rows, now), JSON.stringify(now))
    // --known-at with --active --at: the stored end does not count, the last event does.
    const knownAt: SessionListQuery = { ...extension, startedAtOrBefore: iso(t), lastEventAfter: iso(t - stale), limit }
    assert.equal(listed(knownAt), expected(rows, knownAt), JSON.stringify(knownAt))
  }
})

test('a call live for days, one with no start and one still ringing at the instant are all found', () => {
  const t = T0 + 4 * DAY
  const q: SessionListQuery = {
    startedAtOrBefore: iso(t),
    openAt: iso(t),
    lastEventAfter: iso(t - 4 * HOUR),
    limit: 1000
  }
  const ids = listed(q)
  const of = (r: Made) => ids.includes(r.telephonySessionId)
  const longLive = rows.filter((r) => r.startedAt !== null && Date.parse(r.startedAt) < t - 2 * DAY && of(r))
  const noStart = rows.filter((r) => r.startedAt === null && of(r))
  assert.ok(longLive.length > 0 && noStart.length > 0, 'the rows hold such calls')
  assert.equal(ids, expected(rows, q))
})

test('--known-at pages, from any cursor, are the rows of the plain definition', () => {
  const next = random(9)
  for (let i = 0; i < 400; i++) {
    const knownBy = T0 - DAY + Math.floor(next() * 9 * DAY)
    const limit = [1, 7, 100][i % 3] ?? 100
    const extension = next() < 0.3 ? { extensionId: '202' } : {}
    const at = next() < 0.3 ? { startedAtOrBefore: iso(T0 + Math.floor(next() * 6 * DAY)) } : {}
    const first: SessionListQuery = { ...extension, ...at, knownBy, limit }
    assert.equal(listed(first), expected(rows, first), JSON.stringify(first))
    const row = rows[Math.floor(next() * rows.length)]
    if (row === undefined) continue
    const later: SessionListQuery = {
      ...first,
      after: { startedAt: row.startedAt ?? '', telephonySessionId: row.telephonySessionId }
    }
    assert.equal(listed(later), expected(rows, later), JSON.stringify(later))
  }
  // Before anything was received nothing is known; after everything, every row with a receipt.
  assert.equal(listed({ knownBy: T0 - 10 * DAY, limit: 10 }), [])
  assert.equal(
    listed({ knownBy: T0 + 30 * DAY, limit: 5000 }).length,
    rows.filter((r) => r.knownSinceMs !== null).length
  )
})

test.after(() => readModels.close())

test.run()
