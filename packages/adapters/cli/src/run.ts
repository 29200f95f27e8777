/**
 * How a command runs: read the global options, open the store, do the work, close the store, and turn any
 * failure into one line on stderr with an exit code (1 for failures, 2 for usage). Commands return
 * `Either<CliFailure, void>` rather than throwing, so the mapping to messages lives here, once.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import type { EventStore, StoreFailure } from '@callstate/projections'
import { openStore, type StoreChoice } from './open-store.js'
import { describeStoreFailure } from '@callstate/projections'

export { describeStoreFailure }

export interface CliFailure {
  readonly _tag: 'CliFailure'
  readonly message: string
  /** 1: the command failed; 2: it was called wrongly. */
  readonly exitCode: 1 | 2
}

export const failure = (message: string, exitCode: 1 | 2 = 1): CliFailure => ({ _tag: 'CliFailure', message, exitCode })
export const usage = (message: string): CliFailure => failure(message, 2)

export const storeFailure = (f: StoreFailure): CliFailure => failure(describeStoreFailure(f))

export interface GlobalOptions {
  readonly dataDir: string
  readonly esdb?: string
  /** `--esdb-timeout-ms` / CALLSTATE_ESDB_TIMEOUT_MS: each EventStoreDB call's bound (commander checked it). */
  readonly esdbTimeoutMs?: number
  /** `--esdb-concurrency` / CALLSTATE_ESDB_CONCURRENCY: streams appended to at once. */
  readonly esdbConcurrency?: number
  readonly json: boolean
}

const positive = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined

/** The global options as seen from a (sub)command; commander hands them over untyped, so they are checked. */
export const globalOptions = (cmd: Command): GlobalOptions => {
  const o = cmd.optsWithGlobals()
  const dataDir: unknown = o['dataDir']
  const esdb: unknown = o['esdb']
  const esdbTimeoutMs = positive(o['esdbTimeoutMs'])
  const esdbConcurrency = positive(o['esdbConcurrency'])
  return {
    dataDir: typeof dataDir === 'string' && dataDir !== '' ? dataDir : './data',
    ...(typeof esdb === 'string' && esdb !== '' ? { esdb } : {}),
    ...(esdbTimeoutMs !== undefined ? { esdbTimeoutMs } : {}),
    ...(esdbConcurrency !== undefined ? { esdbConcurrency } : {}),
    json: o['json'] === true
  }
}

const report = (f: CliFailure): void => {
  process.stderr.write(`callstate: ${f.message}\n`)
  process.exitCode = f.exitCode
}

/** Runs a command body; failures become the one-line message and exit code. */
export const run = async (body: () => Promise<E.Either<CliFailure, void>>): Promise<void> => {
  const result = await body()
  if (E.isLeft(result)) report(result.left)
}

/** Runs `body` with the store the global options name; the store is closed whatever happens. */
export const useStore = async (
  options: StoreChoice,
  body: (store: EventStore) => Promise<E.Either<CliFailure, void>>
): Promise<E.Either<CliFailure, void>> => {
  const opened = await openStore(options)()
  if (E.isLeft(opened)) return E.left(storeFailure(opened.left))
  const store = opened.right
  try {
    return await body(store)
  } finally {
    await store.close()
  }
}

/** The usual command: global options, the store, the body, failures reported. */
export const withStore = (
  cmd: Command,
  body: (store: EventStore, options: GlobalOptions) => Promise<E.Either<CliFailure, void>>
): Promise<void> =>
  run(() => {
    const options = globalOptions(cmd)
    return useStore(options, (store) => body(store, options))
  })

/** Writes one line to stdout. */
export const out = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

/** Parses a non-negative integer option value, or says why it is not one. */
export const nonNegativeInt = (name: string, value: unknown): E.Either<CliFailure, number | undefined> => {
  if (value === undefined) return E.right(undefined)
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN
  return Number.isSafeInteger(n)
    ? E.right(n)
    : E.left(usage(`${name} must be a non-negative integer, got ${String(value)}`))
}

/** cli-table3 options: its default colours only on a terminal, so piped output stays plain text. */
export const tableStyle = (): { style: { head: string[]; border: string[] } } | Record<string, never> =>
  process.stdout.isTTY ? {} : { style: { head: [], border: [] } }
