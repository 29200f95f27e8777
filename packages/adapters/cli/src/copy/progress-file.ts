/**
 * How far a copy got: a small JSON file, rewritten (temp file + rename) after every page the target accepted, with
 * the source position copied up to and the last event copied. It only makes a re-run cheap: a copy that finds no
 * file, or one that does not check out (./copy-log.ts `resumePoint`), starts from the beginning and the target
 * answers `Duplicate` for what it holds. One file per (source, target) pair, named by a hash of their identities:
 * in the target data directory, or, for an EventStoreDB target, in the global `--data-dir` (the source's own data
 * directory when the source is the embedded log).
 */
import * as E from 'fp-ts/lib/Either.js'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describeError } from '@callstate/projections'
import type { StoreEnd } from './ends.js'

const FORMAT = 'callstate-copy-progress'

/** The last event a page copied: where the source is read from next, and what both ends must still hold. */
export interface CopyCheckpoint {
  readonly position: number
  readonly id: string
  readonly stream: string
  readonly occurredAt?: string
}

export const progressFileOf = (source: StoreEnd, target: StoreEnd, localDataDir: string): string => {
  const key = createHash('sha256').update(`${source.identity}\n${target.identity}`).digest('hex').slice(0, 16)
  return path.join(target.kind === 'sqlite' ? target.dataDir : localDataDir, `copy-progress-${key}.json`)
}

const get = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null ? Reflect.get(o, k) : undefined)

const checkpointOf = (json: unknown, source: StoreEnd, target: StoreEnd): CopyCheckpoint | string => {
  if (get(json, 'format') !== FORMAT || get(json, 'version') !== 1) return 'not a copy progress file of this version'
  if (get(json, 'source') !== source.identity || get(json, 'target') !== target.identity)
    return 'it belongs to another copy'
  const position = get(json, 'position')
  const last = get(json, 'last')
  const id = get(last, 'id')
  const stream = get(last, 'stream')
  const occurredAt = get(last, 'occurredAt')
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 1) return 'no position in it'
  if (typeof id !== 'string' || typeof stream !== 'string') return 'no last event in it'
  if (occurredAt !== undefined && typeof occurredAt !== 'string') return 'a bad occurredAt in it'
  return { position, id, stream, ...(occurredAt !== undefined ? { occurredAt } : {}) }
}

/** Right(undefined): no file (a first copy). Left: a file that cannot be used, and why. */
export const readProgress = (
  file: string,
  source: StoreEnd,
  target: StoreEnd
): E.Either<string, CopyCheckpoint | undefined> => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if (get(error, 'code') === 'ENOENT') return E.right(undefined)
    return E.left(`cannot read ${file}: ${describeError(error)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return E.left(`${file} is not JSON (${describeError(error)})`)
  }
  const checkpoint = checkpointOf(json, source, target)
  return typeof checkpoint === 'string' ? E.left(`${file}: ${checkpoint}`) : E.right(checkpoint)
}

export const writeProgress = (
  file: string,
  source: StoreEnd,
  target: StoreEnd,
  checkpoint: CopyCheckpoint,
  now: Date
): E.Either<string, void> => {
  const { position, ...last } = checkpoint
  const json = { format: FORMAT, version: 1, source: source.identity, target: target.identity, position, last }
  const temp = `${file}.${process.pid}.tmp`
  try {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(temp, `${JSON.stringify({ ...json, updatedAt: now.toISOString() })}\n`)
    // A rename replaces the file whole: a copy killed meanwhile leaves the old progress or the new, never half.
    renameSync(temp, file)
    return E.right(undefined)
  } catch (error) {
    return E.left(`cannot write the copy's progress to ${file}: ${describeError(error)}`)
  }
}
