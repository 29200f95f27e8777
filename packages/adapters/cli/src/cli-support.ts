/**
 * What the query commands share: open the local read models next to the log, catch them up before answering
 * (fast when nothing is new), read the time options, and turn query failures into CLI failures.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import {
  createRunner,
  DEFAULT_STALE_AFTER_MS,
  parseDuration,
  type QueryDeps,
  type QueryFailure,
  type QueryTime,
  type RequestFailure,
  describeRequestFailure
} from '@callstate/projections'
import { describeStoreFailure, failure, usage, withStore, type CliFailure, type GlobalOptions } from './run.js'
import { openReadModels, type SqliteReadModelStore } from '@callstate/readmodels'
import { describeRunnerFailure } from '@callstate/projections'

export { describeRunnerFailure }

/** A bad analytics option: wrong usage (exit 2), the option named as on the command line. */
export const requestFailure = (f: RequestFailure): CliFailure =>
  usage(describeRequestFailure(f, (p) => `--${p.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`))

export const queryFailure = (f: QueryFailure): CliFailure => {
  switch (f._tag) {
    case 'NotFound':
      return failure(f.message)
    case 'InvalidQuery':
      return usage(f.message)
    case 'ReadModelFailure':
      return failure(`read models: ${f.cause}`)
    default:
      return failure(describeStoreFailure(f))
  }
}

/** Opens readmodels.db in the data directory; a file that cannot be opened is a failure value. */
export const useReadModels = async <A>(
  options: GlobalOptions,
  body: (readModels: SqliteReadModelStore) => Promise<E.Either<CliFailure, A>>
): Promise<E.Either<CliFailure, A>> => {
  const opened = openReadModels({ dataDir: options.dataDir })
  if (E.isLeft(opened))
    return E.left(failure(`cannot open the read models in ${options.dataDir}: ${opened.left.cause}`))
  try {
    return await body(opened.right)
  } finally {
    opened.right.close()
  }
}

/** The store, the read models caught up with the log, then the query. */
export const withCaughtUp = (
  cmd: Command,
  body: (deps: QueryDeps, options: GlobalOptions) => Promise<E.Either<CliFailure, void>>
): Promise<void> =>
  withStore(cmd, (store, options) =>
    useReadModels(options, async (readModels) => {
      const caughtUp = await createRunner(store, readModels).catchUp()()
      if (E.isLeft(caughtUp)) return E.left(failure(describeRunnerFailure(caughtUp.left)))
      return body({ store, readModels }, options)
    })
  )

const isoOption = (name: string, value: unknown): E.Either<CliFailure, string | undefined> => {
  if (value === undefined) return E.right(undefined)
  const ms = typeof value === 'string' ? Date.parse(value) : NaN
  return Number.isFinite(ms)
    ? E.right(new Date(ms).toISOString())
    : E.left(usage(`${name} must be an ISO 8601 time (e.g. 2020-06-23T01:06:00Z), got ${String(value)}`))
}

/** The clock and the stale threshold (`--stale-after`, env CALLSTATE_STALE_AFTER, default 4h). */
export const clockOptions = (
  opts: Record<string, unknown>
): E.Either<CliFailure, { readonly now: string; readonly staleAfterMs: number }> => {
  const staleText = opts['staleAfter'] ?? process.env['CALLSTATE_STALE_AFTER']
  let staleAfterMs = DEFAULT_STALE_AFTER_MS
  if (typeof staleText === 'string' && staleText !== '') {
    const parsed = parseDuration(staleText)
    if (E.isLeft(parsed)) return E.left(usage(`--stale-after: ${parsed.left}`))
    staleAfterMs = parsed.right
  }
  // The clock is read here, in the adapter: queries get `now` as data.
  return E.right({ now: new Date().toISOString(), staleAfterMs })
}

export const timeOptions = (opts: Record<string, unknown>): E.Either<CliFailure, QueryTime> => {
  const at = isoOption('--at', opts['at'])
  if (E.isLeft(at)) return at
  const knownAt = isoOption('--known-at', opts['knownAt'])
  if (E.isLeft(knownAt)) return knownAt
  const clock = clockOptions(opts)
  if (E.isLeft(clock)) return clock
  return E.right({
    ...clock.right,
    ...(at.right !== undefined ? { at: at.right } : {}),
    ...(knownAt.right !== undefined ? { knownAt: knownAt.right } : {})
  })
}

export const TIME_HELP = `
Times: --at answers as it was at that instant by the events' own times (telephony: body.eventTime);
--known-at uses only notifications received by then (metadata receivedAt; for imported history that
is the import time). They combine. Output times are ISO 8601 UTC.
Stale: a call not ended with no event for --stale-after (default 4h; env CALLSTATE_STALE_AFTER;
e.g. 4h, 30m, 90s, or milliseconds) is reported as "stale" — decided at query time, never stored.
The read models are caught up with the log before every answer.`
