/**
 * The webhook through two `callstate serve` nodes on one EventStoreDB (the double), as behind a load balancer: both
 * start on the log the import left and catch their own local read models up from `$all` (the serve catch-up
 * figure), then autocannon posts to both at once (half the connections each; every body comes from one pool, so a
 * body goes to one node only) for `seconds`. Durable acks/s: the 200s of both nodes over the load. Afterwards both
 * nodes must converge: read models at the head of the log, the same head on both.
 */
import { mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { startServer } from './server.mjs'
import { webhookLoad } from './webhook-load.mjs'

const POLL_MS = 100

/** `{ head, checkpoint }` from a node's /health (undefined fields when it does not say). */
const health = async (url) => {
  const body = await (await fetch(`${url}/health`)).json()
  return { head: body?.store?.head, checkpoint: body?.projections?.checkpoint }
}

/** Polls `probe` every POLL_MS until it returns a value; undefined after `limitMs`. */
const waitFor = async (probe, limitMs) => {
  const started = performance.now()
  while (performance.now() - started < limitMs) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  return undefined
}

/** Seconds until each node's read models reach its head (a head past `atLeast`); undefined for a node that did not. */
const catchUpTimes = async (nodes, atLeast, limitMs) => {
  const started = performance.now()
  const at = nodes.map(() => undefined)
  await waitFor(async () => {
    const hs = await Promise.all(nodes.map((n) => health(n.url).catch(() => ({}))))
    hs.forEach((h, i) => {
      if (at[i] === undefined && h.head !== undefined && h.head > atLeast && h.checkpoint === h.head)
        at[i] = (performance.now() - started) / 1000
    })
    return at.every((s) => s !== undefined) ? at : undefined
  }, limitMs)
  return at
}

const load = (nodes, pool, seconds, connections) =>
  webhookLoad(
    nodes.map((n) => n.url),
    pool,
    seconds,
    connections
  )

/**
 * Runs the two nodes on `url`: `{ catchUp, webhook, converged, serverPeakRss }`, each part `{ ok, result }` or
 * `{ ok: false, reason }`. `logEvents`: the events already in the log (what the nodes catch up on).
 */
export const twoNodes = async ({ url, work, pool, seconds, connections, logEvents, limitMs, log }) => {
  const dirs = ['node-a', 'node-b'].map((name) => {
    const dir = path.join(work, name)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    return dir
  })
  const started = performance.now()
  const nodes = await Promise.all(dirs.map((dir) => startServer(dir, [], { globalArgs: ['--esdb', url] })))
  const out = {}
  try {
    const listening = (performance.now() - started) / 1000
    const times = logEvents > 0 ? await catchUpTimes(nodes, 0, limitMs) : undefined
    out.catchUp =
      times === undefined
        ? { ok: false, reason: 'no imported log to catch up on' }
        : times.every((t) => t !== undefined)
          ? { ok: true, result: { events: logEvents, listeningSeconds: listening, seconds: times } }
          : { ok: false, reason: `not caught up within ${(limitMs / 60_000).toFixed(1)} min` }
    log(`two serve nodes on ${url}: ${connections} connections for ${seconds} s`)
    out.webhook = await load(nodes, pool, seconds, connections).then(
      (result) => ({ ok: true, result }),
      (e) => ({ ok: false, reason: `the load failed: ${e.message}` })
    )
    const loaded = performance.now()
    const converged = await waitFor(async () => {
      const [a, b] = await Promise.all(nodes.map((n) => health(n.url)))
      return a.head !== undefined && a.head === b.head && a.checkpoint === a.head && b.checkpoint === b.head
        ? a.head
        : undefined
    }, limitMs)
    out.converged =
      converged === undefined
        ? { ok: false, reason: `the nodes did not converge within ${(limitMs / 60_000).toFixed(1)} min` }
        : { ok: true, result: { position: converged, seconds: (performance.now() - loaded) / 1000 } }
  } finally {
    out.serverPeakRss = await Promise.all(nodes.map((n) => n.stop()))
  }
  return out
}
