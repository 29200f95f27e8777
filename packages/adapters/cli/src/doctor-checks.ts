/**
 * What `callstate doctor` checks, one function per check, each answering ok / warn / fail with what it saw and what
 * to do. Nothing here creates or changes a file of the data directory (the log and the read models are opened only
 * when they exist), except `--checkpoint`, asked for explicitly.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describeStoreFailure } from '@callstate/projections'
import { openEsdbStore } from '@callstate/esdb'
import { checkpointWal, fileSize, inspectSqliteFile, readableEvents, summarizeLog } from '@callstate/sqlite'
import { checkReadModels, readModelsPath } from '@callstate/readmodels'
import { checkRingCentral } from './doctor-ringcentral.js'
import { result, size, within, type CheckResult, type DoctorOptions } from './doctor-result.js'
export type { CheckResult, CheckStatus, DoctorOptions } from './doctor-result.js'

/** The embedded log: SQLite's check, then its head and event count; a damaged log says what can still be read. */
export const checkLog = (o: DoctorOptions): { result: CheckResult; head: number | undefined } => {
  const file = path.resolve(o.dataDir, 'events.db')
  const kind = o.full ? 'integrity_check' : 'quick_check'
  const inspected = inspectSqliteFile(file, { full: o.full })
  if (inspected.missing)
    return {
      result: result('log', 'warn', `no log at ${file}`, 'check --data-dir (a fresh data directory has none yet)'),
      head: undefined
    }
  if (!inspected.ok) {
    const readable = readableEvents(file)
    const counted =
      readable.error !== undefined
        ? `nothing can be read (${readable.error})`
        : `${readable.readable} event(s) readable, ${readable.unreadable} unreadable` +
          (readable.highest !== null ? `, highest position ${readable.highest}` : '')
    return {
      result: result(
        'log',
        'fail',
        `${file} fails ${kind}: ${inspected.problems.slice(0, 3).join('; ')}; ${counted}`,
        'stop serve; restore the log from a backup (`callstate restore`); `callstate export` or `callstate log` ' +
          'can still read what is readable; serve refuses to start on it',
        {
          file,
          integrity: inspected.problems.join('; '),
          readable: readable.readable,
          unreadable: readable.unreadable,
          highest: readable.highest
        }
      ),
      head: undefined
    }
  }
  const summary = summarizeLog(file)
  if (typeof summary === 'string')
    return {
      result: result(
        'log',
        'fail',
        `${file} passes ${kind} but cannot be read: ${summary}`,
        'run `callstate doctor --full`'
      ),
      head: undefined
    }
  return {
    result: result(
      'log',
      'ok',
      `${file}: ${kind} ok, head ${summary.head}, ${summary.count} event(s), ${size(fileSize(file))}`,
      undefined,
      { file, integrity: 'ok', head: summary.head, events: summary.count, bytes: fileSize(file) }
    ),
    head: summary.head
  }
}

/** EventStoreDB (`--esdb`): reachable within the time bound, and its head. */
export const checkEsdb = async (
  o: DoctorOptions & { esdb: string }
): Promise<{ result: CheckResult; head?: number }> => {
  const opened = openEsdbStore(o.esdb)
  if (E.isLeft(opened))
    return { result: result('store', 'fail', describeStoreFailure(opened.left), 'check the --esdb connection string') }
  const store = opened.right
  try {
    const head = await within(o.timeoutMs, store.head()(), undefined)
    if (head === undefined)
      return {
        result: result(
          'store',
          'fail',
          `EventStoreDB did not answer within ${o.timeoutMs} ms`,
          'is it running and reachable?'
        )
      }
    if (E.isLeft(head))
      return {
        result: result('store', 'fail', describeStoreFailure(head.left), 'is EventStoreDB running and reachable?')
      }
    return {
      result: result('store', 'ok', `EventStoreDB reachable, head ${head.right}`, undefined, { head: head.right }),
      head: head.right
    }
  } finally {
    await within(o.timeoutMs, store.close(), undefined)
  }
}

/** readmodels.db: SQLite's check, its checkpoint against the log's head (the projection lag). */
export const checkReadModelsFile = (o: DoctorOptions, head: number | undefined): CheckResult => {
  const file = path.resolve(readModelsPath({ dataDir: o.dataDir }))
  const kind = o.full ? 'integrity_check' : 'quick_check'
  const health = checkReadModels(file, { full: o.full, ...(head !== undefined ? { head } : {}) })
  const rebuild =
    'run `callstate rebuild` (it sets the damaged file aside and rebuilds from the log; serve does the same at start)'
  switch (health.status) {
    case 'missing':
      return result(
        'read models',
        'warn',
        `no read models at ${file}`,
        'run `callstate rebuild` (or any query, or serve)'
      )
    case 'damaged':
      return result(
        'read models',
        'fail',
        `${file} fails ${kind}: ${health.problems.slice(0, 3).join('; ')}`,
        rebuild,
        {
          file,
          integrity: health.problems.join('; ')
        }
      )
    case 'ahead':
      return result(
        'read models',
        'fail',
        `${file} has applied up to position ${health.highest} but the log ends at ${health.head}: the log lost ` +
          'commits (a damaged or replaced log) or the file belongs to another log',
        `check the log; then ${rebuild}`,
        { file, checkpoint: health.highest, head: health.head }
      )
    case 'ok': {
      const lag = head === undefined ? null : Math.max(0, head - health.checkpoint)
      const figures = { file, integrity: 'ok', checkpoint: health.checkpoint, lag, bytes: fileSize(file) }
      const detail = `${file}: ${kind} ok, checkpoint ${health.checkpoint}${lag !== null ? `, lag ${lag} event(s)` : ''}`
      return lag !== null && lag > o.maxLag
        ? result(
            'read models',
            'warn',
            detail,
            'the projections are behind: a running serve catches up by itself; else any query, or `callstate rebuild`',
            figures
          )
        : result('read models', 'ok', detail, undefined, figures)
    }
  }
}

/** The WAL files of the log and the read models: large ones mean checkpoints are not keeping up. */
export const checkWal = (o: DoctorOptions, esdb: boolean): CheckResult => {
  const files = [
    ...(esdb ? [] : [path.resolve(o.dataDir, 'events.db')]),
    path.resolve(readModelsPath({ dataDir: o.dataDir }))
  ].filter((f) => fs.existsSync(f))
  const checkpointed: string[] = []
  if (o.checkpoint)
    for (const f of files) {
      const r = checkpointWal(f)
      checkpointed.push(
        typeof r === 'string' ? `${path.basename(f)}: ${r}` : `${path.basename(f)}: ${r.busy ? 'busy' : 'checkpointed'}`
      )
    }
  const sizes = files.map((f) => ({ file: `${f}-wal`, bytes: fileSize(`${f}-wal`) }))
  const big = sizes.filter((s) => s.bytes > o.maxWalBytes)
  const detail =
    (sizes.length === 0 ? 'no WAL files' : sizes.map((s) => `${path.basename(s.file)} ${size(s.bytes)}`).join(', ')) +
    (checkpointed.length > 0 ? ` (after --checkpoint: ${checkpointed.join(', ')})` : '')
  const figures = Object.fromEntries(sizes.map((s) => [path.basename(s.file), s.bytes]))
  return big.length > 0
    ? result(
        'wal',
        'warn',
        `${detail}; above ${size(o.maxWalBytes)}`,
        'run `callstate doctor --checkpoint` (copies the WAL into the file and truncates it; safe while serve runs; ' +
          'a long-lived reader holding an old snapshot keeps it from finishing)',
        figures
      )
    : result('wal', 'ok', detail, undefined, figures)
}

/** Every check, in order. */
export const runDoctor = async (o: DoctorOptions): Promise<CheckResult[]> => {
  const results: CheckResult[] = []
  // The WAL first: opening a file that no other process has open checkpoints and removes its WAL on close.
  const wal = checkWal(o, o.esdb !== undefined)
  let head: number | undefined
  if (o.esdb !== undefined) {
    const store = await checkEsdb({ ...o, esdb: o.esdb })
    results.push(store.result)
    head = store.head
  } else {
    const log = checkLog(o)
    results.push(log.result)
    head = log.head
  }
  results.push(checkReadModelsFile(o, head))
  results.push(wal)
  const rc = await checkRingCentral(o)
  if (rc !== undefined) results.push(rc)
  return results
}
