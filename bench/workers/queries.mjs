/**
 * Queries on the store the import and rebuild benchmarks left (the whole dataset, read models caught up):
 * p50/p99 of the session query and the active-calls query, in-process (the query functions of
 * @callstate/projections over the SQLite read models) and over HTTP (`callstate serve`, sequential requests on
 * one keep-alive connection, so the figure is latency, not throughput).
 *
 * The simulated day is in the past, so "now" is the time of the dataset's last notification: in-process it is
 * passed as `now`; over HTTP the server's clock is real, so the same instant is asked with `?at=`.
 *
 * Usage: node bench/workers/queries.mjs <dataDir> <lastTimestamp> <sessionSamples> <activeSamples>
 */
import * as E from 'fp-ts/lib/Either.js'
import { openReadModels } from '@callstate/readmodels'
import { openSqliteStore } from '@callstate/sqlite'
import { activeCalls, createRunner, querySession } from '@callstate/projections'
import { startServer } from '../lib/server.mjs'
import { percentile } from '../lib/stats.mjs'
import { note, report } from '../lib/worker.mjs'

const [dataDir, now, sessionText, activeText] = process.argv.slice(2)
const sessionSamples = Number(sessionText)
const activeSamples = Number(activeText)
const STALE_AFTER_MS = 4 * 3600 * 1000

const opened = openSqliteStore({ dataDir })
if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
const store = opened.right
const readModelsOpened = openReadModels({ dataDir })
if (E.isLeft(readModelsOpened)) throw new Error(`cannot open the read models: ${readModelsOpened.left.cause}`)
const readModels = readModelsOpened.right
const deps = { store, readModels }
// The read models must be caught up with the log (fast when the rebuild benchmark has just run).
const caughtUp = await createRunner(store, readModels).catchUp()()
if (E.isLeft(caughtUp)) throw new Error(`cannot catch up the read models: ${JSON.stringify(caughtUp.left)}`)

// The ids to ask for: every session in the read model, sampled with a fixed-seed generator (repeatable runs).
const ids = readModels.listSessions({ limit: 10_000_000 }).map((r) => r.telephonySessionId)
if (ids.length === 0) throw new Error('the read models hold no session: run the import and rebuild benchmarks first')
let seed = 12345
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed / 2 ** 31
}
const pick = () => ids[Math.floor(random() * ids.length)]

/** Times `n` runs of `f` after `n / 10` unmeasured ones (JIT, page cache); returns {p50, p99, n, ...extra}. */
const measure = async (name, n, f) => {
  for (let i = 0; i < Math.ceil(n / 10); i++) await f()
  const ms = []
  let last
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    last = await f()
    ms.push(performance.now() - started)
  }
  const figures = { n, p50: percentile(ms, 50), p99: percentile(ms, 99), ...(last ?? {}) }
  note(`${name}: p50 ${figures.p50.toFixed(3)} ms, p99 ${figures.p99.toFixed(3)} ms`)
  return figures
}

const must = (r) => {
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right
}

const time = { now, staleAfterMs: STALE_AFTER_MS }
const inProcess = {
  session: await measure('in-process session', sessionSamples, async () => {
    must(await querySession(deps, pick(), time)())
  }),
  activeNow: await measure('in-process active calls (now)', activeSamples, async () => ({
    items: must(await activeCalls(deps, time)()).items.length
  })),
  activeAt: await measure('in-process active calls (at)', activeSamples, async () => ({
    items: must(await activeCalls(deps, { ...time, at: now })()).items.length
  }))
}
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
  session: await measure('HTTP session', sessionSamples, async () => {
    await get(`/sessions/${encodeURIComponent(pick())}`)
  }),
  activeAt: await measure('HTTP active calls (at)', activeSamples, async () => ({
    items: (await get(`/calls/active?at=${encodeURIComponent(now)}`)).length
  }))
}
await server.stop()
report({ sessions: ids.length, now, inProcess, overHttp })
