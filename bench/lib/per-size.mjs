/**
 * The benchmarks measured at each log size, one after another, each in its own process: decode, import (into
 * `store-<size>/` of the work directory), rebuild and queries on that store, then what it takes on disk. The store
 * is reused by a later run for rebuild and queries (and by the soak) when a marker says an import into it completed.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { diskUsage } from './disk.mjs'
import { firstTimestamp, lastTimestamp } from './lines.mjs'
import { runWorker } from './worker.mjs'

const MARKER = 'bench-import-complete'
/** Written in the marker by the soak, which appends to the log: rebuild and queries then import again. */
const SOAKED = 'soaked'

export const storeDirFor = (work, size) => path.join(work, `store-${size}`)
const markerOf = (storeDir) => path.join(storeDir, MARKER)
const markerText = (storeDir) => (existsSync(markerOf(storeDir)) ? readFileSync(markerOf(storeDir), 'utf8').trim() : '')

/** The store holds exactly the dataset of `size`, imported. */
export const storeReady = (storeDir, size) => markerText(storeDir) === String(size)
/** The store holds the dataset of `size`, imported, maybe with the notifications of an earlier soak after it. */
export const storeImported = (storeDir, size) => markerText(storeDir).split(' ')[0] === String(size)
export const markSoaked = (storeDir, size) => writeFileSync(markerOf(storeDir), `${size} ${SOAKED}\n`)

/** Runs the import into the store; resolves the worker's result. */
export const importInto = async (dataset, storeDir, size) => {
  const r = await runWorker('import', [dataset.file, storeDir, size])
  if (r.ok) writeFileSync(markerOf(storeDir), `${size}\n`)
  return r
}

/**
 * The log-size benchmarks in `only` at `size`; resolves { decode?, import?, rebuild?, queries?, disk? }.
 * `sequential`: also rebuild with --workers 1 for comparison (the smallest size of a run only: it is the slow one).
 */
export const runSize = async ({ size, dataset, work, only, querySeconds, sequential, log }) => {
  const results = {}
  const label = size.toLocaleString('en-US')
  const step = async (name, run) => {
    log(`\n== ${name} (${label} notifications)`)
    results[name] = await run()
    if (!results[name].ok) log(`bench: ${name}: ${results[name].reason}`)
  }
  const storeDir = storeDirFor(work, size)
  const needsStore = ['rebuild', 'queries', 'disk'].some((b) => only.has(b))
  if (only.has('decode')) await step('decode', () => runWorker('decode', [dataset.file]))
  if (only.has('import') || (needsStore && !storeReady(storeDir, size)))
    await step('import', async () => {
      const main = await importInto(dataset, storeDir, size)
      if (!main.ok || !sequential || !only.has('import')) return main
      // The other mode, once per run (the smallest size): what a plain import writes beside a running serve.
      log('bench: the same import in shared (WAL) mode, as a plain `callstate import`')
      const scratch = `${storeDir}-shared`
      const shared = await runWorker('import', [dataset.file, scratch, size, 'shared'])
      rmSync(scratch, { recursive: true, force: true })
      return shared.ok ? { ok: true, result: { ...main.result, shared: shared.result } } : main
    })
  const missing = (name) =>
    storeReady(storeDir, size) ? undefined : { ok: false, reason: `no imported store to ${name} (the import failed)` }

  // The default of `callstate rebuild` on this machine (one worker per core, at least 2 so that small runs use the
  // parallel path too), then the sequential rebuild (--workers 1) on the same log for comparison.
  const workers = Math.max(2, Math.min(4, os.availableParallelism()))
  if (only.has('rebuild'))
    await step('rebuild', async () => {
      const absent = missing('rebuild')
      if (absent !== undefined) return absent
      const parallel = await runWorker('rebuild', [storeDir, workers])
      if (!parallel.ok || !sequential) return parallel
      log('bench: the same rebuild with --workers 1, for comparison')
      const one = await runWorker('rebuild', [storeDir, 1])
      return one.ok ? { ok: true, result: { ...parallel.result, sequential: one.result } } : one
    })
  if (only.has('queries'))
    await step('queries', async () => {
      const absent = missing('query')
      if (absent !== undefined) return absent
      const config = {
        first: await firstTimestamp(dataset.file),
        now: await lastTimestamp(dataset.file),
        sessionSamples: Math.min(5000, Math.max(200, Math.floor(size / 100))),
        activeSamples: 200,
        budgetMs: querySeconds * 1000
      }
      return runWorker('queries', [storeDir, JSON.stringify(config)])
    })
  // Last: the rebuild has written the read models and the workers have closed the store (WAL checkpointed).
  if (only.has('disk'))
    await step('disk', async () => {
      const absent = missing('measure')
      if (absent !== undefined) return absent
      return {
        ok: true,
        result: diskUsage(storeDir, { datasetBytes: dataset.bytes, notifications: size, skip: [MARKER] })
      }
    })
  return results
}
