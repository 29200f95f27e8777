/**
 * Import throughput: the dataset file into a fresh embedded store, through the same code as `callstate import`
 * (importFile over the SQLite store at durability `normal`, 2500-item batches). Prints notifications/s and memory.
 *
 * `exclusive` (the default here): as `callstate import --exclusive`, the way to load history into a fresh store;
 * `shared`: as a plain `callstate import`, which leaves the log open to other processes (WAL).
 *
 * Usage: node bench/workers/import.mjs <file> <dataDir> <expectedCount> [exclusive|shared]
 */
import { rmSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { openSqliteStore } from '@callstate/sqlite'
import { diskWrites } from '../lib/io.mjs'
import { peakRss, quarterSampler } from '../lib/memory.mjs'
import { note, report } from '../lib/worker.mjs'

const { importFile } = await import('@callstate/ingest')
const [file, dataDir, expectedText, mode = 'exclusive'] = process.argv.slice(2)
const expected = Number(expectedText)

// A fresh store: an import into a store that already holds the notifications only finds duplicates.
rmSync(dataDir, { recursive: true, force: true })
const opened = openSqliteStore({ dataDir, durability: 'normal', exclusive: mode === 'exclusive' }) // as `callstate import`
if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
const store = opened.right

const memory = quarterSampler(expected)
let read = 0
let lastNote = 0
const started = performance.now()
const result = await importFile(store, file, {
  onBatch: (r) => {
    read += r.outcomes.length
    memory.progress(read)
    if (read - lastNote >= Math.max(200_000, expected / 10)) {
      lastNote = read
      note(`import: ${read.toLocaleString('en-US')} notifications`)
    }
  }
})()
const seconds = (performance.now() - started) / 1000
await store.close()
if (E.isLeft(result)) throw new Error(`import failed: ${JSON.stringify(result.left)}`)
const t = result.right
report({
  mode,
  notifications: t.read,
  appended: t.appended,
  duplicates: t.duplicates,
  quarantined: t.quarantined,
  seconds,
  perSecond: t.read / seconds,
  diskWriteBytes: diskWrites(),
  peakRss: peakRss(),
  rssSamples: memory.samples()
})
