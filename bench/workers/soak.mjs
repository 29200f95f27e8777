/**
 * Soak: `callstate serve` (own process, durability `full`) on the store the import benchmark left (the whole
 * dataset in the log, read models caught up), under steady webhook load for a long time, its resident memory read
 * from /proc every `sampleSeconds` (every minute by default), to tell memory that is flat from memory that grows
 * with the log or with time.
 *
 * The load: fresh notifications of the simulator (another seed than the dataset's, so every one is new to the
 * log), each one's times moved so that its envelope `timestamp` is the moment it is sent (live calls, as a
 * webhook receives them; a call's notifications keep their order), posted at `rate` per second by a scheduler
 * that keeps at most 64 requests in flight (a server that falls behind shows as a lower rate, not as a queue in
 * the bench).
 *
 * Usage: node bench/workers/soak.mjs <dataDir> <json: {seconds, rate, sampleSeconds}>
 */
import http from 'node:http'
import { DEFAULT_OPTIONS, simulateLines } from '@callstate/simulator'
import { vmHwm, vmRss } from '../lib/memory.mjs'
import { retimed } from '../lib/retime.mjs'
import { startServer } from '../lib/server.mjs'
import { percentile } from '../lib/stats.mjs'
import { note, report } from '../lib/worker.mjs'

const [dataDir, configText] = process.argv.slice(2)
const { seconds, rate, sampleSeconds } = JSON.parse(configText)
const IN_FLIGHT = 64
const SOAK_SEED = 4343

const startedServer = performance.now()
const server = await startServer(dataDir)
const startupSeconds = (performance.now() - startedServer) / 1000
const { hostname, port } = new URL(server.url)
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT })

const request = (method, path, body) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method,
        path,
        agent,
        headers:
          body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode, text }))
      }
    )
    req.on('error', reject)
    req.end(body)
  })
const health = async () => JSON.parse((await request('GET', '/health')).text)

const lines = simulateLines({ ...DEFAULT_OPTIONS, calls: 100_000_000, extensions: 500, seed: SOAK_SEED })
const nextBody = () => retimed(lines.next().value, Date.now())

const headBefore = (await health()).store?.head
note(
  `soak: serve on ${dataDir} (log head ${headBefore}) started in ${startupSeconds.toFixed(1)} s; ${rate}/s for ${seconds} s`
)

const statuses = {}
let errors = 0
let sent = 0
let inFlight = 0
let current = { answered: 0, latencies: [] }
const series = [{ minute: 0, rss: vmRss(server.pid), answered: 0, p99: undefined }]
const post = async () => {
  const body = nextBody()
  sent++
  inFlight++
  const t = performance.now()
  try {
    const r = await request('POST', '/webhook', body)
    statuses[r.status] = (statuses[r.status] ?? 0) + 1
    if (r.status === 200) current.answered++
    current.latencies.push(performance.now() - t)
  } catch {
    // A refused or reset connection: counted, and the load goes on (the verdict needs the whole duration).
    errors++
  } finally {
    inFlight--
  }
}

const loadStarted = performance.now()
const end = loadStarted + seconds * 1000
let nextSample = loadStarted + sampleSeconds * 1000
const pending = new Set()
while (performance.now() < end) {
  const now = performance.now()
  const due = Math.floor(((now - loadStarted) / 1000) * rate)
  while (sent < due && inFlight < IN_FLIGHT) {
    const p = post()
    pending.add(p)
    void p.finally(() => pending.delete(p))
  }
  if (now >= nextSample) {
    series.push({
      minute: Math.round(((now - loadStarted) / 60_000) * 100) / 100,
      rss: vmRss(server.pid),
      answered: current.answered,
      p99: percentile(current.latencies, 99)
    })
    const s = series[series.length - 1]
    note(`soak: ${s.minute} min, server RSS ${((s.rss ?? 0) / 2 ** 20).toFixed(0)} MB, ${s.answered} answered 200`)
    current = { answered: 0, latencies: [] }
    nextSample += sampleSeconds * 1000
  }
  await new Promise((r) => setTimeout(r, 10))
}
await Promise.all(pending)
const loadSeconds = (performance.now() - loadStarted) / 1000
// The end of the load is a sample too, unless one was just taken.
if (loadSeconds * 1000 - (nextSample - loadStarted - sampleSeconds * 1000) > (sampleSeconds * 1000) / 2)
  series.push({
    minute: Math.round((loadSeconds / 60) * 100) / 100,
    rss: vmRss(server.pid),
    answered: current.answered,
    p99: percentile(current.latencies, 99)
  })
const headAfter = (await health()).store?.head
const peakAtEnd = vmHwm(server.pid)
const serverPeakRss = Math.max(await server.stop(), peakAtEnd ?? 0)
const acknowledged = statuses[200] ?? 0
report({
  seconds: loadSeconds,
  rate,
  sampleSeconds,
  sent,
  acknowledged,
  perSecond: acknowledged / loadSeconds,
  statuses,
  errors,
  headBefore,
  headAfter,
  startupSeconds,
  series,
  serverPeakRss
})
