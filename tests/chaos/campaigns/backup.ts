/**
 * Campaign `backup`: `callstate backup` (the real command) run `size` times while the real `callstate serve`
 * takes webhook load. Each copy must pass SQLite's integrity check and hold exactly the events its manifest
 * names (count = head, positions gap-free). The last copy is restored with `callstate restore` into a new data
 * directory and started with `serve`: its log must equal the source's up to the copy's head (ids, positions,
 * streams, content hashes), `verify` must pass there, and its read-model digest must equal a fresh rebuild of the
 * source's log up to that same head.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { checkLogFile, checkSqliteFile, openSqliteStore } from '@callstate/sqlite'
import { openReadModels, rebuildReadModels } from '@callstate/readmodels'
import type { Campaign, CampaignResult } from '../campaign.js'
import {
  callstate,
  countLog,
  looksLikeCrash,
  percentile,
  random,
  sleep,
  startLoad,
  startServe,
  verify
} from '../serve-under-load.js'

const POSTERS = 8
const SEED = 16

interface Copy {
  readonly dir: string
  readonly head: number
  readonly events: number
  readonly ms: number
  readonly readModelsCheckpoint: number | undefined
}

const get = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null ? Reflect.get(o, k) : undefined)

/** A fresh rebuild of `dataDir`'s log up to `until`, in a scratch file: its digest. */
const rebuildDigest = async (dataDir: string, scratchFile: string, until: number): Promise<string> => {
  const store = openSqliteStore({ dataDir })
  if (E.isLeft(store)) throw new Error(`cannot open ${dataDir}: ${JSON.stringify(store.left)}`)
  const scratch = openReadModels({ file: scratchFile })
  if (E.isLeft(scratch)) throw new Error(`cannot open ${scratchFile}: ${scratch.left.cause}`)
  try {
    const rebuilt = await rebuildReadModels(store.right, scratch.right, { until, workers: 1 })()
    if (E.isLeft(rebuilt)) throw new Error(`rebuild failed: ${JSON.stringify(rebuilt.left)}`)
    return rebuilt.right.digest
  } finally {
    scratch.right.close()
    await store.right.close()
  }
}

export const backup: Campaign = {
  name: 'backup',
  describe:
    'callstate backup taken repeatedly while serve takes webhook load; each copy checked, the last restored and started: same log, same digest',
  defaultSize: 5,
  unit: 'backups',
  run: async ({ size, workDir, log }): Promise<CampaignResult> => {
    const source = path.join(workDir, 'source')
    const restored = path.join(workDir, 'restored')
    const serveLog = path.join(workDir, 'serve.stderr.log')
    const next = random(SEED)
    const open: string[] = []
    const copies: Copy[] = []
    let crashes = 0
    let copiesSound = 0

    const serve = await startServe(source, serveLog)
    const load = startLoad(serve.url, POSTERS, (i) => `backup-${i}`)
    await sleep(500)
    for (let k = 1; k <= size; k++) {
      const dir = path.join(workDir, `backup-${k}`)
      const run = await callstate(['--data-dir', source, 'backup', dir, '--json'])
      if (run.code !== 0) {
        if (looksLikeCrash(run.stderr)) crashes++
        open.push(`backup ${k}: exit ${String(run.code)}: ${run.stderr.trim()}`)
        continue
      }
      const manifest: unknown = JSON.parse(run.stdout)
      const head = Number(get(manifest, 'head'))
      const events = Number(get(manifest, 'events'))
      const rmCheckpoint = get(get(manifest, 'readModels'), 'checkpoint')
      const copy: Copy = {
        dir,
        head,
        events,
        ms: Number(get(manifest, 'ms')),
        readModelsCheckpoint: typeof rmCheckpoint === 'number' ? rmCheckpoint : undefined
      }
      // The copy itself: SQLite's integrity check, and exactly the events the manifest names.
      const checked = checkLogFile(path.join(dir, 'events.db'))
      const rmChecked = fs.existsSync(path.join(dir, 'readmodels.db'))
        ? checkSqliteFile(path.join(dir, 'readmodels.db'))
        : undefined
      const problems = [
        E.isLeft(checked) ? checked.left : undefined,
        E.isRight(checked) && checked.right.integrity !== 'ok' ? `integrity: ${checked.right.integrity}` : undefined,
        E.isRight(checked) && (checked.right.events !== head || checked.right.head !== head || events !== head)
          ? `copy holds ${checked.right.events} events up to ${checked.right.head}, manifest head ${head}`
          : undefined,
        rmChecked !== undefined && (E.isLeft(rmChecked) || rmChecked.right.integrity !== 'ok')
          ? 'read models copy fails its integrity check'
          : undefined,
        copy.readModelsCheckpoint !== undefined && copy.readModelsCheckpoint > head
          ? `read models checkpoint ${copy.readModelsCheckpoint} past the log head ${head}`
          : undefined
      ].filter((p): p is string => p !== undefined)
      if (problems.length === 0) copiesSound++
      else open.push(`backup ${k}: ${problems.join('; ')}`)
      copies.push(copy)
      log(
        `backup ${k}/${size}: head ${head}, ${copy.ms} ms, read models at ${String(copy.readModelsCheckpoint)}, ` +
          `${load.acked.length} answered 200 so far`
      )
      await sleep(200 + Math.floor(next() * 600))
    }
    await load.stop()
    if (serve.process.exitCode !== null || serve.process.signalCode !== null) {
      crashes++
      open.push(`serve died under load: ${serve.stderr().trim().split('\n').slice(-3).join(' | ')}`)
    }
    serve.process.kill('SIGTERM')
    const sourceExit = await serve.exited
    if (sourceExit.code !== 0) {
      crashes++
      open.push(`serve (source) ended with ${sourceExit.code ?? sourceExit.signal} on SIGTERM`)
    }

    const sourceLog = await countLog(source)
    const acked = load.acked
    let lost = acked.filter((u) => (sourceLog.byUuid.get(u) ?? 0) === 0).length
    let duplicates = sourceLog.duplicateUuids + sourceLog.duplicateIds + sourceLog.duplicatePositions

    // The last copy: restored into a new data directory and started there.
    const last = copies[copies.length - 1]
    let restoredSame = 'not run'
    let digestSame = 'not run'
    let restoredVerify = 'not run'
    let restoreMs = 0
    if (last !== undefined) {
      const started = performance.now()
      const restore = await callstate(['--data-dir', restored, 'restore', last.dir, '--json'])
      restoreMs = performance.now() - started
      if (restore.code !== 0) {
        if (looksLikeCrash(restore.stderr)) crashes++
        open.push(`restore: exit ${String(restore.code)}: ${restore.stderr.trim()}`)
      } else {
        const again = await startServe(restored, serveLog)
        const health: unknown = await (await fetch(`${again.url}/health`)).json()
        const head = get(get(health, 'store'), 'head')
        if (head !== last.head) open.push(`serve on the restored copy reports head ${String(head)}, not ${last.head}`)
        const v = await verify(restored)
        restoredVerify = v.equal ? 'equal' : `not equal: ${v.run.stderr.trim()}`
        if (!v.equal) open.push(`verify on the restored copy: ${v.run.stderr.trim() || v.run.stdout.trim()}`)
        again.process.kill('SIGTERM')
        const exit = await again.exited
        if (exit.code !== 0) {
          crashes++
          open.push(`serve (restored) ended with ${exit.code ?? exit.signal} on SIGTERM`)
        }

        // Same log as the source up to the copy's head: position, id, stream, revision, content.
        const copyLog = await countLog(restored)
        const prefix = sourceLog.events.slice(0, last.head)
        const key = (e: (typeof prefix)[number]): string =>
          `${e.position} ${e.id} ${e.stream} ${e.revision} ${e.metadata.contentHash}`
        const restoredKeys = new Set(copyLog.events.map(key))
        const missing = prefix.filter((e) => !restoredKeys.has(key(e))).length
        const extra = copyLog.events.length - prefix.length
        lost += missing
        duplicates += copyLog.duplicateUuids + copyLog.duplicateIds + copyLog.duplicatePositions
        restoredSame =
          missing === 0 && extra === 0 ? `yes (${prefix.length} events)` : `no: ${missing} missing, ${extra} extra`
        if (missing !== 0 || extra !== 0) open.push(`restored log differs from the source: ${restoredSame}`)

        // Same digest: the restored read models (copied, caught up, verified) against a fresh rebuild of the source.
        const sourceDigest = await rebuildDigest(source, path.join(workDir, 'scratch.db'), last.head)
        digestSame = v.live === sourceDigest ? 'yes' : `no (${String(v.live)} vs ${sourceDigest})`
        if (v.live !== sourceDigest) open.push(`restored digest differs from a rebuild of the source: ${digestSame}`)
      }
    }

    const ms = copies.map((c) => c.ms)
    log(`restore: ${restoreMs.toFixed(0)} ms; same log: ${restoredSame}; same digest: ${digestSame}`)
    return {
      tried: copies.length,
      faults: 0,
      lost,
      duplicates,
      crashes,
      figures: {
        'backups taken under load': `${copies.length} / ${size}`,
        'copies sound (integrity ok, count = manifest head)': `${copiesSound} / ${copies.length}`,
        'concurrent posters': POSTERS,
        'answered 200 during the run': acked.length,
        'events in the source log at the end': sourceLog.events.length,
        'heads of the copies': copies.map((c) => c.head).join(', '),
        'backup time p50 / max': `${percentile(ms, 50).toFixed(0)} / ${Math.max(0, ...ms).toFixed(0)} ms`,
        'restore time (last copy)': `${restoreMs.toFixed(0)} ms`,
        'restored log = source up to the head (ids, positions)': restoredSame,
        'verify on the restored copy': restoredVerify,
        'restored digest = rebuild of the source up to the head': digestSame,
        'lost (200 not in the source, or source events missing from the restored copy)': lost
      },
      open
    }
  }
}
