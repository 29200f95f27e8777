/**
 * Rebuild throughput: replace every read model (sessions, presence, messages) by a replay of the whole log, through
 * the same `rebuildReadModels` as `callstate rebuild --workers <n>` (1: sequential, in place; 2 or more: worker
 * threads on shards of the log, swapped in at the end). Prints events/s and memory (the whole process, threads
 * included).
 *
 * Usage: node bench/workers/rebuild.mjs <dataDir> <workers>
 */
import * as E from 'fp-ts/lib/Either.js'
import { openReadModels, rebuildReadModels } from '@callstate/readmodels'
import { openSqliteStore } from '@callstate/sqlite'
import { diskWrites } from '../lib/io.mjs'
import { peakRss, quarterSampler } from '../lib/memory.mjs'
import { note, report } from '../lib/worker.mjs'

const [dataDir, workersText] = process.argv.slice(2)
const workers = Number(workersText ?? 1)
const opened = openSqliteStore({ dataDir })
if (E.isLeft(opened)) throw new Error(`cannot open the store: ${JSON.stringify(opened.left)}`)
const store = opened.right
const readModelsOpened = openReadModels({ dataDir })
if (E.isLeft(readModelsOpened)) throw new Error(`cannot open the read models: ${readModelsOpened.left.cause}`)
const readModels = readModelsOpened.right

let memory
let lastNote = 0
// rebuild() replays the log, then hashes every read-model table (the digest it reports): timed apart.
let replayedAt
const started = performance.now()
const result = await rebuildReadModels(store, readModels, {
  workers,
  onProgress: (checkpoint, head) => {
    memory ??= quarterSampler(head)
    memory.progress(checkpoint)
    if (checkpoint >= head) replayedAt ??= performance.now()
    if (checkpoint - lastNote >= Math.max(200_000, head / 10)) {
      lastNote = checkpoint
      note(`rebuild: position ${checkpoint.toLocaleString('en-US')} of ${head.toLocaleString('en-US')}`)
    }
  }
})()
const seconds = (performance.now() - started) / 1000
readModels.close()
await store.close()
if (E.isLeft(result)) throw new Error(`rebuild failed: ${JSON.stringify(result.left)}`)
const { events, undecodable, digest } = result.right
report({
  workers,
  events,
  undecodable,
  digest,
  seconds,
  perSecond: events / seconds,
  replaySeconds: ((replayedAt ?? performance.now()) - started) / 1000,
  digestSeconds: seconds - ((replayedAt ?? performance.now()) - started) / 1000,
  diskWriteBytes: diskWrites(),
  peakRss: peakRss(),
  rssSamples: memory?.samples() ?? []
})
