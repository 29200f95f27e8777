/**
 * Webhook: `callstate serve` (own process, fresh store, durability `full`: 200 only once the notification is
 * fsynced in the log) under concurrent load from autocannon on loopback. Every request carries a distinct
 * simulated notification, taken in order from a pool of dataset lines, so the server appends instead of
 * answering "duplicate". Figures: acknowledged notifications/s, p50/p99 latency, and how many of the
 * acknowledged notifications are really in the log afterwards.
 *
 * Usage: node bench/workers/webhook.mjs <file> <dataDir> <poolSize> <seconds> <connections>
 */
import { rmSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import autocannon from 'autocannon'
import { openSqliteStore } from '@callstate/sqlite'
import { firstLines } from '../lib/lines.mjs'
import { startServer } from '../lib/server.mjs'
import { percentile } from '../lib/stats.mjs'
import { note, report } from '../lib/worker.mjs'

const [file, dataDir, poolText, secondsText, connectionsText] = process.argv.slice(2)
const pool = await firstLines(file, Number(poolText))
const duration = Number(secondsText)
const connections = Number(connectionsText)

rmSync(dataDir, { recursive: true, force: true })
const server = await startServer(dataDir)
note(
  `webhook: ${connections} connections for ${duration} s against ${server.url}/webhook (${pool.length} distinct bodies)`
)

let next = 0
const latencies = []
const statuses = {}
const instance = autocannon({
  url: `${server.url}/webhook`,
  connections,
  duration,
  // One request per connection at a time, as RingCentral delivers (no HTTP pipelining).
  pipelining: 1,
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: pool[next++ % pool.length] })
    }
  ]
})
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
  latencies.push(responseTime)
})
const result = await new Promise((resolve, reject) => instance.on('done', resolve).on('error', reject))
const serverPeakRss = await server.stop()

// Durable means in the log: count what a fresh reader of the store finds.
const opened = openSqliteStore({ dataDir })
if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
const head = await opened.right.head()()
await opened.right.close()
if (E.isLeft(head)) throw new Error(`cannot read the log head: ${JSON.stringify(head.left)}`)

const acknowledged = statuses[200] ?? 0
const seconds = result.duration || duration
report({
  connections,
  seconds,
  requests: latencies.length,
  statuses,
  errors: result.errors,
  timeouts: result.timeouts,
  acknowledged,
  perSecond: acknowledged / seconds,
  distinctBodies: Math.min(pool.length, next),
  bodiesReused: Math.max(0, next - pool.length),
  logEvents: head.right,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
  serverPeakRss
})
