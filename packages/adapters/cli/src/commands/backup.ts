/**
 * `callstate backup <dir>` and `callstate restore <dir>`: a consistent online copy of the embedded log (and the
 * read models) while `serve` keeps taking notifications, and putting such a copy back. The SQLite part (the
 * online backup API, integrity checks) is in @callstate/sqlite (backup.ts); this file is the files, the manifest
 * and the messages. See docs/backup.md.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import { backupLogFile, backupSqliteFile, checkLogFile, checkSqliteFile, openSqliteStore } from '@callstate/sqlite'
import { READ_MODELS_FILE } from '@callstate/readmodels'
import { describeStoreFailure } from '@callstate/projections'
import { failure, globalOptions, out, run, usage, type CliFailure } from '../run.js'
import {
  bytesText,
  checkpointOf,
  count,
  ESDB_MESSAGE,
  FORMAT,
  FORMAT_VERSION,
  isEmptyDir,
  LOG_FILE,
  MANIFEST_FILE,
  parseManifest,
  removeDb,
  sha256,
  version,
  warn,
  type Manifest
} from '../backup-files.js'

const backup = async (
  dataDir: string,
  target: string,
  force: boolean,
  json: boolean
): Promise<E.Either<CliFailure, void>> => {
  const started = performance.now()
  const source = path.join(dataDir, LOG_FILE)
  if (!fs.existsSync(source)) return E.left(failure(`no log to back up: ${source} does not exist`))
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory())
    return E.left(failure(`${target} is not a directory`))
  if (!isEmptyDir(target) && !force)
    return E.left(failure(`${target} is not empty: back up into a new directory, or add --force to replace a backup`))
  fs.mkdirSync(target, { recursive: true })
  // The manifest goes first and comes back last: a directory without one is not a (finished) backup.
  for (const f of [MANIFEST_FILE, LOG_FILE, READ_MODELS_FILE]) removeDb(path.join(target, f))

  // Read models before the log: their checkpoint is then at most the copied log's head, never ahead of it.
  let readModels: Manifest['readModels']
  const liveReadModels = path.join(dataDir, READ_MODELS_FILE)
  if (fs.existsSync(liveReadModels)) {
    const copied = await backupSqliteFile(
      liveReadModels,
      path.join(target, READ_MODELS_FILE),
      'SELECT min(checkpoint) AS checkpoint FROM rm_meta'
    )
    const checkpoint = E.isRight(copied) ? checkpointOf(copied.right.row) : undefined
    if (E.isRight(copied) && checkpoint !== undefined) {
      const file = path.join(target, READ_MODELS_FILE)
      readModels = { bytes: fs.statSync(file).size, sha256: await sha256(file), checkpoint }
    } else {
      removeDb(path.join(target, READ_MODELS_FILE))
      warn(
        `the read models were not copied (${E.isLeft(copied) ? copied.left : 'no checkpoint in them'}); ` +
          'they are rebuilt from the log when the copy is started'
      )
    }
  }

  const log = await backupLogFile(source, path.join(target, LOG_FILE))
  if (E.isLeft(log)) return E.left(failure(log.left))
  const logFile = path.join(target, LOG_FILE)
  const manifest: Manifest = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    callstate: version(),
    createdAt: new Date().toISOString(),
    source: path.resolve(dataDir),
    head: log.right.head,
    events: log.right.events,
    log: { bytes: fs.statSync(logFile).size, sha256: await sha256(logFile) },
    ...(readModels !== undefined ? { readModels } : {})
  }
  const tmp = path.join(target, `${MANIFEST_FILE}.tmp`)
  fs.writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`)
  fs.renameSync(tmp, path.join(target, MANIFEST_FILE))
  const ms = Math.round(performance.now() - started)
  if (json) out(JSON.stringify({ dir: path.resolve(target), ms, ...manifest }))
  else
    out(
      `Backed up ${count(manifest.events)} events (head ${count(manifest.head)}, ${bytesText(manifest.log.bytes)})` +
        (readModels !== undefined
          ? ` and the read models (checkpoint ${count(readModels.checkpoint)})`
          : ', no read models (rebuilt on start)') +
        ` from ${dataDir} to ${target} in ${ms} ms.`
    )
  return E.right(undefined)
}

const restore = async (
  dataDir: string,
  from: string,
  force: boolean,
  json: boolean
): Promise<E.Either<CliFailure, void>> => {
  const started = performance.now()
  if (!fs.existsSync(from) || !fs.statSync(from).isDirectory()) return E.left(failure(`${from} is not a directory`))
  const parsed = parseManifest(from)
  if (E.isLeft(parsed)) return parsed
  const manifest = parsed.right

  // The copy of the log: SQLite's integrity check, the head and count of the manifest, the bytes it hashed.
  const logCopy = path.join(from, LOG_FILE)
  const checked = checkLogFile(logCopy)
  if (E.isLeft(checked)) return E.left(failure(`the copy of the log cannot be opened: ${checked.left}`))
  if (checked.right.integrity !== 'ok')
    return E.left(failure(`${logCopy} fails SQLite's integrity check: ${checked.right.integrity}`))
  if (checked.right.head !== manifest.head || checked.right.events !== manifest.events)
    return E.left(
      failure(
        `${logCopy} holds ${checked.right.events} events up to position ${checked.right.head}; ` +
          `its manifest says ${manifest.events} up to ${manifest.head}`
      )
    )
  if ((await sha256(logCopy)) !== manifest.log.sha256)
    return E.left(failure(`${logCopy} is not the file its manifest describes (sha256 differs): changed or damaged`))

  // The copy of the read models is optional: when it is not sound, the log is restored alone and they are rebuilt.
  let readModels = manifest.readModels
  const rmCopy = path.join(from, READ_MODELS_FILE)
  if (readModels !== undefined) {
    const rmChecked = checkSqliteFile(rmCopy)
    const problem = E.isLeft(rmChecked)
      ? rmChecked.left
      : rmChecked.right.integrity !== 'ok'
        ? `integrity check: ${rmChecked.right.integrity}`
        : readModels.checkpoint > manifest.head
          ? `checkpoint ${readModels.checkpoint} is past the log's head ${manifest.head}`
          : (await sha256(rmCopy)) !== readModels.sha256
            ? 'sha256 differs from the manifest'
            : undefined
    if (problem !== undefined) {
      warn(`the copy of the read models is not used (${problem}); they are rebuilt from the log on start`)
      readModels = undefined
    }
  }

  if (!isEmptyDir(dataDir) && !force)
    return E.left(
      failure(
        `${dataDir} is not empty: restore into an empty data directory, or add --force to replace its log and ` +
          'read models (stop serve first)'
      )
    )
  fs.mkdirSync(dataDir, { recursive: true })
  // The old read models always go: they describe another log.
  removeDb(path.join(dataDir, READ_MODELS_FILE))
  const put = (name: string): void => {
    const tmp = path.join(dataDir, `${name}.restoring`)
    fs.copyFileSync(path.join(from, name), tmp)
    removeDb(path.join(dataDir, name))
    fs.renameSync(tmp, path.join(dataDir, name))
  }
  put(LOG_FILE)
  if (readModels !== undefined) put(READ_MODELS_FILE)

  // Opened once through the store: switched back to WAL, and read back.
  const opened = openSqliteStore({ dataDir })
  if (E.isLeft(opened))
    return E.left(failure(`the restored log cannot be opened: ${describeStoreFailure(opened.left)}`))
  const head = await opened.right.head()()
  await opened.right.close()
  if (E.isLeft(head)) return E.left(failure(`the restored log cannot be read: ${describeStoreFailure(head.left)}`))
  if (head.right !== manifest.head)
    return E.left(failure(`the restored log's head is ${head.right}, the manifest's ${manifest.head}`))

  const ms = Math.round(performance.now() - started)
  if (json)
    out(
      JSON.stringify({
        dataDir: path.resolve(dataDir),
        from: path.resolve(from),
        head: manifest.head,
        events: manifest.events,
        readModels: readModels !== undefined ? { checkpoint: readModels.checkpoint } : null,
        createdAt: manifest.createdAt,
        ms
      })
    )
  else
    out(
      `Restored ${count(manifest.events)} events (head ${count(manifest.head)}, backup of ${manifest.createdAt}) ` +
        `from ${from} into ${dataDir}` +
        (readModels !== undefined
          ? ` with the read models (checkpoint ${count(readModels.checkpoint)}; caught up on start)`
          : '; the read models are rebuilt from the log on start') +
        ` in ${ms} ms.`
    )
  return E.right(undefined)
}

export const register = (program: Command): void => {
  program
    .command('backup <dir>')
    .description('Copy the log (and the read models) into <dir>, consistently, even while serve is running.')
    .option('--force', 'replace the backup already in <dir>')
    .option('--json', 'print one JSON object: the manifest, the directory and the time taken')
    .addHelpText(
      'after',
      `
The copy is taken with SQLite's online backup API in one read snapshot: serve keeps answering meanwhile,
and the copy holds exactly the events up to the head written in <dir>/manifest.json (with the event count,
the time, the callstate version and a sha256 of each file). The read models are copied first, so their
checkpoint is never past the copied log. <dir> must be empty (or hold an earlier backup, with --force).
Restore with \`callstate restore <dir>\`; see docs/backup.md.

Examples:
  $ callstate backup /backups/callstate-$(date +%F)
  $ callstate --data-dir /var/lib/callstate backup /backups/today --json`
    )
    .action((dir: string, opts: { force?: boolean }, cmd: Command) =>
      run(() => {
        const options = globalOptions(cmd)
        if (options.esdb !== undefined) return Promise.resolve(E.left(usage(ESDB_MESSAGE)))
        return backup(options.dataDir, dir, opts.force === true, options.json)
      })
    )
  program
    .command('restore <dir>')
    .description('Check a backup made by `callstate backup` and copy it into the data directory.')
    .option('--force', 'replace the log and read models already in the data directory (stop serve first)')
    .option('--json', 'print one JSON object {dataDir, from, head, events, readModels, createdAt, ms}')
    .addHelpText(
      'after',
      `
Before anything is copied: the manifest is read, the copy of the log passes SQLite's integrity check, holds
the head and event count of the manifest, and has the manifest's sha256. A damaged copy of the read models
is left out (they are rebuilt from the log on start). The data directory must be empty, unless --force:
then its log and read models are replaced (stop serve on it first). \`callstate verify\` on the restored
directory rebuilds the read models and compares them.

Examples:
  $ callstate --data-dir ./restored restore /backups/today
  $ callstate --data-dir /var/lib/callstate restore /backups/today --force`
    )
    .action((dir: string, opts: { force?: boolean }, cmd: Command) =>
      run(() => {
        const options = globalOptions(cmd)
        if (options.esdb !== undefined) return Promise.resolve(E.left(usage(ESDB_MESSAGE)))
        return restore(options.dataDir, dir, opts.force === true, options.json)
      })
    )
}
