/**
 * The files of a callstate backup: the manifest (its shape, and reading it back with every field checked), the
 * file names, and the small helpers `backup` and `restore` share (commands/backup.ts).
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { failure, type CliFailure } from './run.js'

export const LOG_FILE = 'events.db'
export const MANIFEST_FILE = 'manifest.json'
export const FORMAT = 'callstate-backup'
export const FORMAT_VERSION = 1

export interface BackupFile {
  readonly bytes: number
  readonly sha256: string
}

export interface Manifest {
  readonly format: typeof FORMAT
  readonly formatVersion: number
  readonly callstate: string
  readonly createdAt: string
  /** The data directory copied (absolute). */
  readonly source: string
  /** The highest position in the copy of the log; `events` equals it (positions are gap-free). */
  readonly head: number
  readonly events: number
  readonly log: BackupFile
  /** Absent when the data directory had no read models (or they could not be copied): rebuilt on start. */
  readonly readModels?: BackupFile & { readonly checkpoint: number }
}

export const ESDB_MESSAGE =
  "backup and restore copy the embedded SQLite log; with --esdb, use EventStoreDB's own backup tools " +
  '(see docs/backup.md); the local read models are rebuilt from the log'

export const version = (): string => {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'))
    const v: unknown = typeof pkg === 'object' && pkg !== null ? Reflect.get(pkg, 'version') : undefined
    return typeof v === 'string' ? v : 'unknown'
  } catch {
    return 'unknown'
  }
}

export const sha256 = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })

export const isEmptyDir = (dir: string): boolean => !fs.existsSync(dir) || fs.readdirSync(dir).length === 0

/** A SQLite file and its side files (a WAL left next to another file would be applied to it). */
export const removeDb = (file: string): void => {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true })
}

export const bytesText = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`

export const count = (n: number): string => n.toLocaleString('en-US')

export const checkpointOf = (row: unknown): number | undefined => {
  const c: unknown = typeof row === 'object' && row !== null ? Reflect.get(row, 'checkpoint') : undefined
  return typeof c === 'number' && Number.isSafeInteger(c) && c >= 0 ? c : undefined
}

export const warn = (line: string): void => void process.stderr.write(`callstate: warning: ${line}\n`)

export const parseManifest = (dir: string): E.Either<CliFailure, Manifest> => {
  const file = path.join(dir, MANIFEST_FILE)
  if (!fs.existsSync(file))
    return E.left(failure(`no ${MANIFEST_FILE} in ${dir}: not a callstate backup (or an unfinished one)`))
  let value: unknown
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    return E.left(failure(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`))
  }
  const get = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null ? Reflect.get(o, k) : undefined)
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
  const isFile = (v: unknown): boolean => isCount(get(v, 'bytes')) && typeof get(v, 'sha256') === 'string'
  if (get(value, 'format') !== FORMAT) return E.left(failure(`${file} is not a callstate backup manifest`))
  if (get(value, 'formatVersion') !== FORMAT_VERSION)
    return E.left(failure(`${file} has format version ${String(get(value, 'formatVersion'))}; this build reads 1`))
  const rm = get(value, 'readModels')
  if (
    !isCount(get(value, 'head')) ||
    !isCount(get(value, 'events')) ||
    !isFile(get(value, 'log')) ||
    (rm !== undefined && (!isFile(rm) || !isCount(get(rm, 'checkpoint'))))
  )
    return E.left(failure(`${file} is incomplete or damaged (head, events, log or readModels)`))
  // Checked field by field above.
  return E.right(value as Manifest)
}
