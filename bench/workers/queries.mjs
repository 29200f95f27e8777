/**
 * Queries on the store the import and rebuild benchmarks left (the whole dataset, read models caught up), through
 * the functions the CLI and the server call:
 *  - the session query (`callstate session`, GET /sessions/:id) on sessions sampled over the whole read model;
 *  - the active calls now, and at instants spread over the whole history (`sessions --active --at`);
 *  - `sessions --known-at` at instants spread over when the log was received (for an imported log, the import:
 *    the first and the last batch's instants are always asked, the rest at random between them);
 *  - `stats` and `export calls` over whole simulated days and over windows of ~10,000 calls (analytics-bench.mjs);
 *  - the session and active-calls queries over HTTP (`callstate serve`, sequential requests on one keep-alive
 *    connection, so the figure is latency, not throughput).
 *
 * The simulated history is in the past, so "now" is the time of the dataset's last notification: in-process it is
 * passed as `now`; over HTTP the server's clock is real, so the same instant is asked with `?at=`.
 *
 * Usage: node bench/workers/queries.mjs <dataDir> <json: {first, now, sessionSamples, activeSamples, budgetMs}>
 */
import * as E from 'fp-ts/lib/Either.js'
import { openAnalyticsReader, openReadModels, readModelsPath } from '@callstate/readmodels'
import { openSqliteStore } from '@callstate/sqlite'
import { activeCalls, createRunner, listSessions, querySession } from '@callstate/projections'
import { measureExport, measureStats, ranges } from '../lib/analytics-bench.mjs'
import { instantsBetween, measure, reservoir, seededRandom } from '../lib/sampling.mjs'
import { startServer } from '../lib/server.mjs'
import { note, report } from '../lib/worker.mjs'

const [dataDir, configText] = process.argv.slice(2)
const { first, now, sessionSamples, activeSamples, budgetMs } = JSON.parse(configText)
const STALE_AFTER_MS = 4 * 3600 * 1000
const KNOWN_AT_SAMPLES = 100
const STATS_RANGES = 20
const EXPORT_RANGES = 5

const must = (what, r) => {
  if (E.isLeft(r)) throw new Error(`${what}: ${JSON.stringify(r.left)}`)
  return r.right
}

const store = must('cannot open the store', openSqliteStore({ dataDir }))
const readModels = must('cannot open the read models', openReadModels({ dataDir }))
const deps = { store, readModels }
// The read models must be caught up with the log (fast when the rebuild benchmark has just run).
const caughtUp = must('cannot catch up the read models', await createRunner(store, readModels).catchUp()())
const checkpoint = caughtUp.checkpoint

// The ids to ask for: sampled over every session of the read model (page by page: a 10M log has ~800,000).
const random = seededRandom(12345)
const idSample = reservoir(random, 10_000)
for (let after; ;) {
  const rows = readModels.listSessions({ limit: 10_000, ...(after ? { after } : {}) })
  for (const r of rows) idSample.add(r.telephonySessionId)
  const last = rows[rows.length - 1]
  if (rows.length < 10_000 || last === undefined) break
  after = { startedAt: last.startedAt ?? '', telephonySessionId: last.telephonySessionId }
}
const { sample: ids, count: sessions } = idSample.result()
if (ids.length === 0) throw new Error('the read models hold no session: run the import and rebuild benchmarks first')
const pick = () => ids[Math.floor(random() * ids.length)]

// When the log was received: the first and the last event's receivedAt.
const head = must('cannot read the log head', await store.head()())
const receivedAt = async (after) => must('cannot read the log', await store.readAll(after, 1)())[0]?.metadata.receivedAt
const received = { first: await receivedAt(0), last: await receivedAt(head - 1) }

const time = { now, staleAfterMs: STALE_AFTER_MS }
const options = (n) => ({ n, budgetMs, note })
const pastInstants = instantsBetween(random, first, now, activeSamples + 10)
const knownAtInstants = instantsBetween(random, received.first, received.last, KNOWN_AT_SAMPLES + 3, [
  received.first,
  received.last
])

const inProcess = {
  session: await measure('in-process session', options(sessionSamples), async () => {
    must('session', await querySession(deps, pick(), time)())
  }),
  activeNow: await measure('in-process active calls (now)', options(activeSamples), async () => ({
    items: must('active calls', await activeCalls(deps, time)()).items.length
  })),
  activeAt: await measure('in-process active calls (at now)', options(activeSamples), async () => ({
    items: must('active calls', await activeCalls(deps, { ...time, at: now })()).items.length
  })),
  activePast: await measure('in-process active calls (at past instants)', options(activeSamples), async (i) => ({
    instants: pastInstants.length,
    lastItems: must('active calls', await activeCalls(deps, { ...time, at: pastInstants[i] })()).items.length
  })),
  knownAt: await measure('in-process sessions --known-at', options(KNOWN_AT_SAMPLES), async (i) => ({
    lastItems: must('sessions', await listSessions(deps, { ...time, knownAt: knownAtInstants[i] })()).items.length
  }))
}

// Stats and export: their own read-only connection, as the CLI opens it.
const reader = must('cannot open the analytics reader', openAnalyticsReader(readModelsPath({ dataDir })))
const spread = ranges(random, { first, last: now, sessions, days: STATS_RANGES + 1, windows: STATS_RANGES + 1 })
const exportSpread = ranges(random, { first, last: now, sessions, days: EXPORT_RANGES + 1, windows: EXPORT_RANGES + 1 })
const clock = { now, staleAfterMs: STALE_AFTER_MS }
const analytics = {
  windowHours: spread.windowHours,
  statsDay: await measureStats('stats, one simulated day', reader, spread.days, clock, options()),
  statsWindow: await measureStats('stats, ~10,000 calls', reader, spread.windows, clock, options()),
  exportDay: await measureExport(
    'export calls, one simulated day',
    reader,
    exportSpread.days,
    checkpoint,
    clock,
    options()
  ),
  exportWindow: await measureExport(
    'export calls, ~10,000 calls',
    reader,
    exportSpread.windows,
    checkpoint,
    clock,
    options()
  )
}
reader.close()
readModels.close()
await store.close()

const server = await startServer(dataDir)
const get = async (path) => {
  const res = await fetch(`${server.url}${path}`)
  const body = await res.json()
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`)
  return body
}
const overHttp = {
  session: await measure('HTTP session', options(sessionSamples), async () => {
    await get(`/sessions/${encodeURIComponent(pick())}`)
  }),
  activeAt: await measure('HTTP active calls (at)', options(activeSamples), async () => ({
    items: (await get(`/calls/active?at=${encodeURIComponent(now)}`)).length
  }))
}
await server.stop()
report({ sessions, events: head, now, first, received, inProcess, analytics, overHttp })
