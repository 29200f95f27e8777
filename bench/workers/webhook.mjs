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
import { openSqliteStore } from '@callstate/sqlite'
import { firstLines } from '../lib/lines.mjs'
import { startServer } from '../lib/server.mjs'
import { webhookLoad } from '../lib/webhook-load.mjs'
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

const { perNode: _one, ...result } = await webhookLoad([server.url], pool, duration, connections)
const serverPeakRss = await server.stop()

// Durable means in the log: count what a fresh reader of the store finds.
const opened = openSqliteStore({ dataDir })
if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
const head = await opened.right.head()()
await opened.right.close()
if (E.isLeft(head)) throw new Error(`cannot read the log head: ${JSON.stringify(head.left)}`)

report({
  ...result,
  logEvents: head.right,
  serverPeakRss
})
