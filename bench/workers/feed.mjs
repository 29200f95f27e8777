/**
 * Feed: `callstate serve` (own process, fresh store) with many live `GET /feed` clients and the board (`/`) open
 * in headless Chromium while notifications arrive at a steady rate through `POST /webhook`.
 *
 * The calls: telephony sessions of the simulator (each with the presence notifications that name it), their times
 * moved to now so they are live, not stale. First `calls` sessions are brought in progress (the first half of each
 * one's notifications, its last one never), then, at `rate` per second for `seconds`, a session picked at random
 * gets its next notification; a session that has had its last one is replaced by a new session. A call's clock
 * never runs ahead of real time: a notification is sent with the call's times moved by the call's shift, and the
 * shift grows when that would put it in the future.
 *
 * Clients connect after the calls are in progress (the feed starts at the log head) and parse text/event-stream
 * themselves (node:http, the least client-side work per event, since the clients share the machine with the
 * server). Delivery latency: the 200 answer's arrival (its JSON gives the log position) to the arrival at a client
 * of the event with that `id:`, over every client and event. Which positions give events (a notification that
 * changes nothing gives none; a presence notification may give several) is known afterwards from a replay
 * (`?from=` the head at the start); every client must have each of them, else it is missed. The load ends with a
 * sentinel (a new call's first notification, which always gives an event): the clients and the page are drained
 * until they have it, for at most DRAIN_MS; an event a client has not had by then is missed, and counts in the
 * latency percentiles as not delivered (a p99 that falls on one is reported as null).
 *
 * The board: the page's fetch of /feed is wrapped (an init script) to note, as the page reads it, each event id and
 * the wall-clock time; every few seconds the bench compares the page's last id with the log (the notifications
 * answered 200 after it: how many, and the oldest one's age) and the page's live rows with `GET /calls/active`.
 * Client 0 is measured the same way, to tell a page that falls behind from a server that does. JS heap (after a
 * forced GC) by CDP.
 *
 * Usage: node bench/workers/feed.mjs <dataDir> <clients> <calls> <rate> <seconds>
 */
/* global window, document -- in the functions page.evaluate and page.waitForFunction run in the page */
import http from 'node:http'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { startServer } from '../lib/server.mjs'
import { percentile } from '../lib/stats.mjs'
import { note, report } from '../lib/worker.mjs'

const [dataDir, clientsText, callsText, rateText, secondsText] = process.argv.slice(2)
const CLIENTS = Number(clientsText)
const CALLS = Number(callsText)
const RATE = Number(rateText)
const SECONDS = Number(secondsText)
const CHROMIUM = '/usr/bin/chromium'
// Every 3 s; at least 5 probes in a short run.
const PROBE_MS = Math.min(3000, Math.max(250, (SECONDS * 1000) / 5))
const DRAIN_MS = 60_000

// ---------------------------------------------------------------------------------------------------------------
// The calls: simulator sessions, grouped, re-timed when sent.

let seed = 4242
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed / 2 ** 31
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const shifted = (value, ms) => {
  if (typeof value === 'string') return ISO.test(value) ? new Date(Date.parse(value) + ms).toISOString() : value
  if (Array.isArray(value)) return value.map((v) => shifted(v, ms))
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shifted(v, ms)]))
  return value
}

/** The sessions (in order of first appearance), each its notifications in order, the first one telephony. */
const sessionsNeeded = CALLS + Math.ceil(RATE * SECONDS) + 10
const loadSessions = async () => {
  const { simulateLines, DEFAULT_OPTIONS } = await import('@callstate/simulator')
  const byId = new Map()
  const order = []
  let lines = 0
  // Generous: a session is complete long before this many further lines (the last 10% are dropped anyway).
  const wanted = Math.ceil(sessionsNeeded * 1.15) + 20
  for (const line of simulateLines({ ...DEFAULT_OPTIONS, calls: 10_000_000, extensions: 500, seed: 42 })) {
    lines++
    const n = JSON.parse(line)
    const body = n.body ?? {}
    const id =
      typeof body.telephonySessionId === 'string'
        ? body.telephonySessionId
        : Array.isArray(body.activeCalls) && typeof body.activeCalls[0]?.telephonySessionId === 'string'
          ? body.activeCalls[0].telephonySessionId
          : undefined
    if (id === undefined) continue
    let s = byId.get(id)
    if (s === undefined) {
      // A session starts with a telephony notification, so its first line always gives a feed event.
      if (typeof body.telephonySessionId !== 'string') continue
      s = { id, items: [] }
      byId.set(id, s)
      order.push(s)
    }
    s.items.push(n)
    if (order.length >= wanted && lines % 1000 === 0) break
  }
  return order.slice(0, Math.floor(order.length * 0.9)).filter((s) => s.items.length >= 2)
}

const pool = await loadSessions()
if (pool.length < sessionsNeeded) note(`feed: only ${pool.length} sessions for ${sessionsNeeded} wanted; reused`)
let nextSession = 0
const takeSession = () => {
  const s = pool[nextSession++ % pool.length]
  // Reused sessions (a very long run) get new ids so they are new calls, not duplicates.
  const round = Math.floor((nextSession - 1) / pool.length)
  return { source: s, round, sent: 0, shift: undefined }
}
const simTime = (n) => Date.parse(n.timestamp)
/** The text of a session's next notification, its times moved so that it is not in the future. */
const nextText = (call) => {
  const n = call.source.items[call.sent++]
  const now = Date.now()
  if (call.shift === undefined || simTime(n) + call.shift > now) call.shift = now - simTime(n)
  let out = shifted(n, call.shift)
  if (call.round > 0)
    out = JSON.parse(JSON.stringify(out).replaceAll(call.source.id, `${call.source.id}r${call.round}`))
  if (call.round > 0) out.uuid = `${n.uuid}-r${call.round}`
  return JSON.stringify(out)
}

// ---------------------------------------------------------------------------------------------------------------
// The server and the webhook poster.

rmSync(dataDir, { recursive: true, force: true })
const server = await startServer(dataDir)
const { hostname, port } = new URL(server.url)
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })

// The probes of the board have their own connection, so that they never queue behind notifications waiting for one.
const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 })
const request = (method, path, body, via = agent) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method,
        path,
        agent: via,
        headers:
          body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      },
      (res) => {
        const answeredAt = performance.now()
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode, text, answeredAt }))
      }
    )
    req.on('error', reject)
    req.end(body)
  })
const getJson = async (path, via) => {
  const r = await request('GET', path, undefined, via)
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text.slice(0, 200)}`)
  return JSON.parse(r.text)
}
const head = async () => (await getJson('/health')).store.head
const activeCount = async (via) => (await getJson('/calls/active?limit=10000', via)).length

/** Posts a notification; for a 200 notes the position and when the answer arrived (ms on this process's clock). */
const answeredAt = new Map()
const statuses = {}
const post = async (text) => {
  const r = await request('POST', '/webhook', text)
  statuses[r.status] = (statuses[r.status] ?? 0) + 1
  if (r.status !== 200) return undefined
  const position = JSON.parse(r.text).items?.find((i) => i.outcome === 'appended')?.position
  if (position !== undefined) answeredAt.set(position, r.answeredAt)
  return position
}

// Bring the calls in progress: the first half of each session's notifications, never its last one.
const slots = Array.from({ length: CALLS }, takeSession)
const warmup = []
for (const call of slots) {
  const n = Math.max(1, Math.min(call.source.items.length - 1, Math.floor(call.source.items.length / 2)))
  for (let i = 0; i < n; i++) warmup.push(call)
}
const warmStarted = performance.now()
for (let i = 0; i < warmup.length; i += 16) await Promise.all(warmup.slice(i, i + 16).map((c) => post(nextText(c))))
for (let i = 0; i < 600; i++) {
  const h = await getJson('/health')
  if ((h.projections?.lag ?? 0) === 0) break
  await new Promise((r) => setTimeout(r, 100))
}
const activeAtStart = await activeCount()
note(
  `feed: ${warmup.length} notifications brought ${activeAtStart} calls in progress in ` +
    `${((performance.now() - warmStarted) / 1000).toFixed(1)} s; ${server.url}`
)
answeredAt.clear()
for (const k of Object.keys(statuses)) delete statuses[k]

// ---------------------------------------------------------------------------------------------------------------
// The feed clients.

/** A minimal text/event-stream reader: each event's id and when its last byte arrived. */
const openClient = (query = '') =>
  new Promise((resolve, reject) => {
    const client = { ids: [], times: [], events: 0, errors: 0, closed: false }
    const req = http.get({ host: hostname, port, path: `/feed${query}`, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /feed: ${res.statusCode}`))
      res.setEncoding('utf8')
      let buffer = ''
      res.on('data', (chunk) => {
        const at = performance.now()
        buffer += chunk
        let end
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (!block.includes('\ndata:') && !block.startsWith('data:')) continue
          const m = /^id: (\d+)$/m.exec(block)
          if (m === null) continue
          client.ids.push(Number(m[1]))
          client.times.push(at)
          client.events++
        }
      })
      res.on('close', () => (client.closed = true))
      client.close = () => req.destroy()
      resolve(client)
    })
    req.on('error', (e) => {
      client.errors++
      if (client.close === undefined) reject(e)
    })
  })

const startHead = await head()
const clients = []
for (let i = 0; i < CLIENTS; i += 20)
  clients.push(...(await Promise.all(Array.from({ length: Math.min(20, CLIENTS - i) }, () => openClient()))))
note(`feed: ${clients.length} clients following from position ${startHead}`)

// ---------------------------------------------------------------------------------------------------------------
// The board in Chromium.

const INIT = `(() => {
  const reads = []
  window.__benchFeed = { reads, lastId: -1 }
  const original = window.fetch.bind(window)
  window.fetch = async (input, init) => {
    const res = await original(input, init)
    const url = typeof input === 'string' ? input : input.url
    if (!/\\/feed(\\?|$)/.test(url) || res.body === null) return res
    let rest = ''
    const decoder = new TextDecoder()
    const watch = new TransformStream({
      transform(chunk, controller) {
        rest += decoder.decode(chunk, { stream: true })
        const blocks = rest.split('\\n\\n')
        rest = blocks.pop()
        const at = Date.now()
        for (const b of blocks) {
          const m = /^id: (\\d+)$/m.exec(b)
          if (m !== null && /^data:/m.test(b)) {
            const id = Number(m[1])
            reads.push(id, at)
            if (id > window.__benchFeed.lastId) window.__benchFeed.lastId = id
          }
        }
        controller.enqueue(chunk)
      }
    })
    return new Response(res.body.pipeThrough(watch), { status: res.status, statusText: res.statusText, headers: res.headers })
  }
})()`

let browser
let page
let cdp
let browserSkipped
const heapUsed = async () => {
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value
}
const pageState = () =>
  page.evaluate(() => ({
    lastId: window.__benchFeed?.lastId ?? -1,
    rows: document.querySelectorAll('[data-testid="call-row"]:not(.ending)').length
  }))
let heapAtStart
let rowsAtStart
if (!existsSync(CHROMIUM)) browserSkipped = `skipped: ${CHROMIUM} missing`
else {
  try {
    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-dev-shm-usage']
    })
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.addInitScript(INIT)
    await page.goto(`${server.url}/#/`)
    await page.getByTestId('board').waitFor({ state: 'attached', timeout: 30_000 })
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="call-row"]').length >= n,
      Math.min(1, activeAtStart),
      {
        timeout: 60_000
      }
    )
    cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    heapAtStart = await heapUsed()
    rowsAtStart = (await pageState()).rows
    note(`feed: the board shows ${rowsAtStart} calls; JS heap ${(heapAtStart / 2 ** 20).toFixed(1)} MB`)
  } catch (e) {
    browserSkipped = `skipped: Chromium failed: ${String(e?.message ?? e).split('\n')[0]}`
    await browser?.close().catch(() => undefined)
    browser = undefined
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The load.

const vmRss = () => {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}
const rssSamples = [{ at: 0, rss: vmRss() }]
const probes = []
const probing = []
/** How far behind the log a reader is: notifications answered 200 after its last event id, and the oldest one's age. */
const behindLog = (lastId, at) => {
  let positions = 0
  let oldest = Infinity
  for (const [position, answered] of answeredAt)
    if (position > lastId) {
      positions++
      if (answered < oldest) oldest = answered
    }
  return { positions, ms: positions === 0 ? 0 : at - oldest }
}
const lastIdOf = (c) => (c.ids.length === 0 ? startHead : c.ids[c.ids.length - 1])
let probeBusy = false
const probe = async (elapsed) => {
  // One probe at a time: on a busy server GET /calls/active can take longer than the probe interval.
  if (page === undefined || probeBusy) return
  probeBusy = true
  try {
    // The lags are taken when the page's state is read, not after the (possibly slow) /calls/active answer.
    const state = await pageState()
    const at = performance.now()
    const lag = behindLog(Math.max(startHead, state.lastId), at)
    const clientLag = behindLog(lastIdOf(clients[0]), at)
    // The rows are compared with the read model as it answers: the page's rows read right after the answer.
    const active = await activeCount(probeAgent)
    const { rows } = await pageState()
    probes.push({ at: elapsed, lagPositions: lag.positions, lagMs: lag.ms, clientLagMs: clientLag.ms, rows, active })
  } finally {
    probeBusy = false
  }
}

const total = Math.round(RATE * SECONDS)
const pending = []
const loadStarted = performance.now()
// Probes go on until the last notification is answered (a slow server answers long after the last one is sent).
const prober = setInterval(() => probing.push(probe(performance.now() - loadStarted)), PROBE_MS)
let nextQuarter = 1
for (let i = 0; i < total; i++) {
  const due = loadStarted + (i * 1000) / RATE
  const wait = due - performance.now()
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  const k = Math.floor(random() * slots.length)
  const call = slots[k]
  pending.push(post(nextText(call)))
  if (call.sent >= call.source.items.length) slots[k] = takeSession()
  while (nextQuarter <= 4 && i + 1 >= (total * nextQuarter) / 4)
    rssSamples.push({ at: 25 * nextQuarter++, rss: vmRss() })
}
await Promise.all(pending)
clearInterval(prober)
await Promise.all(probing)
const loadSeconds = (performance.now() - loadStarted) / 1000
const loadStatuses = { ...statuses }
const rssAtEnd = vmRss()

// The sentinel: a new call's first notification always gives an event; drain until everyone has it.
const sentinel = await post(nextText(takeSession()))
const drainStarted = performance.now()
const hasSentinel = (c) => c.ids.length > 0 && c.ids[c.ids.length - 1] >= sentinel
while (performance.now() - drainStarted < DRAIN_MS && !clients.every(hasSentinel))
  await new Promise((r) => setTimeout(r, 50))
const drainSeconds = (performance.now() - drainStarted) / 1000
const clientsDrained = clients.filter(hasSentinel).length
let pageCaughtUp
if (page !== undefined) {
  try {
    const left = Math.max(1000, DRAIN_MS - (performance.now() - drainStarted))
    await page.waitForFunction((s) => (window.__benchFeed?.lastId ?? -1) >= s, sentinel, { timeout: left })
    pageCaughtUp = true
  } catch {
    pageCaughtUp = false
  }
}
const clientsClosedEarly = clients.filter((c) => c.closed).length
// The live readers leave before the replay, so that it does not queue behind them.
for (const c of clients) c.close()
const pageReads = page === undefined ? [] : await page.evaluate(() => window.__benchFeed.reads)
const heapAtEnd = page === undefined ? undefined : await heapUsed()
await browser?.close()

// What the feed gives for those positions, by a replay.
const replay = await openClient(`?from=${startHead}`)
const replayStarted = performance.now()
while (performance.now() - replayStarted < 2 * DRAIN_MS && !hasSentinel(replay))
  await new Promise((r) => setTimeout(r, 50))
replay.close()
if (!hasSentinel(replay))
  throw new Error(`the replay from ${startHead} did not reach the last event in ${(2 * DRAIN_MS) / 1000} s`)
const expected = new Map()
for (const id of replay.ids) if (id !== sentinel) expected.set(id, (expected.get(id) ?? 0) + 1)

// An event a client never had counts in the latencies as not delivered (Infinity), so p99 is over every event.
let missed = 0
let unexpected = 0
const latencies = []
for (const c of clients) {
  const got = new Map()
  for (let j = 0; j < c.ids.length; j++) {
    const id = c.ids[j]
    if (id === sentinel) continue
    got.set(id, (got.get(id) ?? 0) + 1)
    const answered = answeredAt.get(id)
    if (answered !== undefined) latencies.push(c.times[j] - answered)
  }
  for (const [id, n] of expected) {
    const lost = Math.max(0, n - (got.get(id) ?? 0))
    missed += lost
    for (let k = 0; k < lost; k++) latencies.push(Infinity)
  }
  for (const [id, n] of got) unexpected += Math.max(0, n - (expected.get(id) ?? 0))
}
/** A percentile for the JSON report: null when it falls on an event not delivered. */
const finite = (x) => (x === Infinity ? null : x)

let browserResult
if (browserSkipped !== undefined) browserResult = { skipped: browserSkipped }
else {
  const reads = pageReads
  const epoch = performance.timeOrigin
  const pageLatencies = []
  for (let j = 0; j < reads.length; j += 2) {
    const answered = answeredAt.get(reads[j])
    if (answered !== undefined && reads[j] !== sentinel) pageLatencies.push(reads[j + 1] - (epoch + answered))
  }
  const third = Math.max(1, Math.floor(probes.length / 3))
  const mean = (xs) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)
  browserResult = {
    rowsAtStart,
    probes: probes.length,
    maxLagPositions: Math.max(0, ...probes.map((p) => p.lagPositions)),
    maxLagMs: Math.max(0, ...probes.map((p) => p.lagMs)),
    maxClientLagMs: Math.max(0, ...probes.map((p) => p.clientLagMs)),
    firstThirdLagMs: mean(probes.slice(0, third).map((p) => p.lagMs)),
    lastThirdLagMs: mean(probes.slice(-third).map((p) => p.lagMs)),
    maxRowDiff: Math.max(0, ...probes.map((p) => Math.abs(p.rows - p.active))),
    caughtUp: pageCaughtUp,
    events: reads.length / 2,
    p50: percentile(pageLatencies, 50),
    p99: percentile(pageLatencies, 99),
    max: percentile(pageLatencies, 100),
    heapAtStart,
    heapAtEnd
  }
}

const acknowledged = loadStatuses[200] ?? 0
const activeAtEnd = await activeCount()
const serverPeakRss = await server.stop()
agent.destroy()
probeAgent.destroy()
report({
  clients: CLIENTS,
  calls: CALLS,
  warmup: warmup.length,
  activeAtStart,
  activeAtEnd,
  rate: RATE,
  seconds: loadSeconds,
  sent: total,
  acknowledged,
  statuses: loadStatuses,
  perSecond: acknowledged / loadSeconds,
  events: [...expected.values()].reduce((a, b) => a + b, 0),
  deliveries: latencies.length - missed,
  drainSeconds,
  clientsDrained,
  missed,
  unexpected,
  clientsClosedEarly,
  p50: finite(percentile(latencies, 50)),
  p99: finite(percentile(latencies, 99)),
  max: finite(percentile(latencies, 100)),
  serverPeakRss,
  rssSamples,
  rssAtEnd,
  browser: browserResult
})
