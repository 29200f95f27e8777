/**
 * The EventStoreDB section of `npm run bench`, against the EventStoreDB TEST DOUBLE (in memory, in its own process,
 * speaking the real client protocol; not EventStoreDB: the figures measure callstate's adapter under latency) with
 * each delay per call in turn. For each delay, on a fresh double:
 *   (a) import: `callstate import --esdb` of the first `importCount` notifications of the dataset: notifications/s;
 *   (c) webhook: two `serve --esdb` nodes on the log (each first catches its read models up: the serve catch-up),
 *       under autocannon with the next notifications of the dataset: durable acks/s, then both must converge;
 *   (b) catch-up: `callstate rebuild --esdb` into a fresh data directory, over the whole log: events/s. Its event
 *       count is also the durability check: at least what the import appended and the webhook acknowledged.
 * Every step has a time limit; a step that fails or overruns is reported with its reason and the next one runs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { firstLines } from './lines.mjs'
import { failureOf, runCallstate, startDouble } from './esdb-processes.mjs'
import { twoNodes } from './esdb-nodes.mjs'

/** Webhook bodies at most (the load reuses them past that: a reused body is a duplicate). */
const POOL_MAX = 50_000

/** How many notifications the import takes and how many the webhook pool gets, out of a `size`-line dataset. */
export const esdbSplit = (size, esdbSize) => {
  const pool = Math.min(POOL_MAX, Math.max(size - esdbSize, Math.floor(size / 2)))
  return { importCount: Math.min(esdbSize, size - pool), pool }
}

/** The CALLSTATE_ESDB_* variables the commands inherit (timeouts, concurrency), for the report. */
export const esdbEnvironment = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('CALLSTATE_ESDB_') && k !== 'CALLSTATE_ESDB_URL')
  )

const freshDir = (work, name) => {
  const dir = path.join(work, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return dir
}

/** The one JSON object a `--json` command printed (its last line), or undefined. */
const jsonOf = (stdout) => {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '')
  } catch {
    // Not JSON: the caller reports the command's output as the reason.
    return undefined
  }
}

const importStep = async ({ url, slice, importCount, work, limitMs }) => {
  const args = ['--data-dir', freshDir(work, 'import'), '--esdb', url, 'import', '--json', slice]
  const r = await runCallstate(args, { limitMs })
  const t = jsonOf(r.stdout)
  if (r.code !== 0 || t === undefined) return { ok: false, reason: failureOf('import', r, limitMs) }
  return {
    ok: true,
    result: { notifications: importCount, ...t, seconds: r.seconds, perSecond: importCount / r.seconds }
  }
}

const catchUpStep = async ({ url, work, limitMs }) => {
  const r = await runCallstate(['--data-dir', freshDir(work, 'rebuild'), '--esdb', url, 'rebuild', '--json'], {
    limitMs
  })
  const t = jsonOf(r.stdout)
  if (r.code !== 0 || t === undefined) return { ok: false, reason: failureOf('rebuild', r, limitMs) }
  return {
    ok: true,
    result: { events: t.events, ms: t.ms, seconds: r.seconds, perSecond: t.events / Math.max(t.ms / 1000, 1e-3) }
  }
}

const oneDelay = async ({ delayMs, slice, importCount, pool, work, options, log }) => {
  const limitMs = options.esdbStepMinutes * 60_000
  const dir = path.join(work, `esdb-${delayMs}ms`)
  let double
  try {
    double = await startDouble(delayMs)
  } catch (e) {
    return { delayMs, failed: e.message }
  }
  const run = { delayMs }
  try {
    log(`esdb, ${delayMs} ms per call (double ${double.url}): import of ${importCount.toLocaleString('en-US')}`)
    run.import = await importStep({ url: double.url, slice, importCount, work: dir, limitMs })
    if (!run.import.ok) log(`bench: esdb ${delayMs} ms: ${run.import.reason}`)
    // What the nodes catch up on: the import's events when it finished (0: not measured, no wait).
    const logEvents = run.import.ok ? run.import.result.appended + run.import.result.quarantined : 0
    const nodes = await twoNodes({
      url: double.url,
      work: dir,
      pool,
      seconds: options.esdbWebhookSeconds,
      connections: options.esdbWebhookConnections,
      logEvents,
      limitMs,
      log
    }).catch((e) => ({ failed: `the serve nodes failed: ${e.message}` }))
    Object.assign(run, { nodes })
    log(`esdb, ${delayMs} ms per call: catch-up (rebuild) of the whole log`)
    run.catchUp = await catchUpStep({ url: double.url, work: dir, limitMs })
    if (!run.catchUp.ok) log(`bench: esdb ${delayMs} ms: ${run.catchUp.reason}`)
  } finally {
    run.doubleCpuSeconds = await double.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return run
}

/** Runs the section; resolves `{ importCount, pool, delays: [...], environment }` (failures are inside, as reasons). */
export const runEsdbBench = async ({ file, size, work, options, log }) => {
  const { importCount, pool } = esdbSplit(size, options.esdbSize)
  const lines = await firstLines(file, importCount + pool)
  mkdirSync(work, { recursive: true })
  const slice = path.join(work, `esdb-slice-${importCount}.ndjson`)
  writeFileSync(slice, `${lines.slice(0, importCount).join('\n')}\n`)
  const bodies = lines.slice(importCount)
  const delays = []
  for (const delayMs of options.esdbDelays) {
    delays.push(await oneDelay({ delayMs, slice, importCount, pool: bodies, work, options, log }))
  }
  return { importCount, pool: bodies.length, delays, environment: esdbEnvironment() }
}
