/**
 * `callstate export calls`: one record per party of every ended call, NDJSON or CSV, streamed with
 * backpressure in a stable order; `--follow` keeps writing records as calls end until SIGINT/SIGTERM.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import {
  createRunner,
  EXPORT_FIELDS,
  parseTimeRange,
  type EventStore,
  type ReadModelStore,
  type TimeRange
} from '@callstate/projections'
import { failure, globalOptions, run, usage, useStore, type CliFailure, type GlobalOptions } from '../run.js'
import { clockOptions, describeRunnerFailure, requestFailure, useReadModels } from '../cli-support.js'
import { readModelsPath } from '@callstate/readmodels'
import { LineSink } from '../sink.js'
import {
  follower,
  openAnalyticsReader,
  writeSnapshot,
  type AnalyticsReader,
  type ExportFormat
} from '@callstate/readmodels'

interface ExportOptions {
  readonly range: TimeRange
  readonly format: ExportFormat
  readonly follow: boolean
  readonly staleAfterMs: number
}

/** While following, how often calls that went stale are looked for (they have no event to announce them). */
const STALE_CHECK_MS = 30_000

const parse = (opts: Record<string, unknown>): E.Either<CliFailure, ExportOptions> => {
  const range = parseTimeRange(opts)
  if (E.isLeft(range)) return E.left(requestFailure(range.left))
  const format = opts['format'] ?? 'ndjson'
  if (format !== 'ndjson' && format !== 'csv')
    return E.left(usage(`--format must be ndjson or csv, got ${String(format)}`))
  const clock = clockOptions(opts)
  if (E.isLeft(clock)) return clock
  return E.right({
    range: range.right,
    format,
    follow: opts['follow'] === true,
    staleAfterMs: clock.right.staleAfterMs
  })
}

const clockNow = (o: ExportOptions) => ({ now: new Date().toISOString(), staleAfterMs: o.staleAfterMs })

/** Resolves on the first of SIGINT/SIGTERM, or when `cancel` is called; the handlers are removed either way. */
const untilSignal = (): { readonly signalled: Promise<void>; readonly cancel: () => void } => {
  let cancel = (): void => undefined
  const signalled = new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.on('SIGINT', done)
    process.on('SIGTERM', done)
    cancel = done
  })
  return { signalled, cancel }
}

const sinkFailure = (sink: LineSink): E.Either<CliFailure, void> => {
  const f = sink.failure
  // The reader closed the pipe (`| head`): the expected end of an export, not an error.
  return f === undefined || f.code === 'EPIPE'
    ? E.right(undefined)
    : E.left(failure(`cannot write to stdout: ${f.message}`))
}

const exportCalls = async (
  store: EventStore,
  readModels: ReadModelStore,
  reader: AnalyticsReader,
  o: ExportOptions
): Promise<E.Either<CliFailure, void>> => {
  const runner = createRunner(store, readModels)
  const caughtUp = await runner.catchUp()()
  if (E.isLeft(caughtUp)) return E.left(failure(describeRunnerFailure(caughtUp.left)))
  const sink = new LineSink(process.stdout)
  const write = (line: string): Promise<void> | undefined => (sink.failure ? undefined : sink.write(line))
  const signal = o.follow ? untilSignal() : undefined
  let stopped = false
  void signal?.signalled.then(() => (stopped = true))

  const checkpoint = caughtUp.right.checkpoint
  const clock = clockNow(o)
  const written = new Set<string>()
  await writeSnapshot(
    reader,
    o.range,
    checkpoint,
    clock,
    o.format,
    write,
    () => stopped || sink.failure !== undefined,
    written
  )
  const readFailure = reader.failure()
  if (readFailure !== undefined || !o.follow || stopped || sink.failure) {
    signal?.cancel()
    await sink.end(false)
    return readFailure !== undefined ? E.left(failure(readFailure.message)) : sinkFailure(sink)
  }
  await sink.flush()

  // Follow: one advance at a time, in batch order; each ends with a flush so a record shows up at once.
  const follow = follower(reader, o.range, checkpoint, clock, o.format, write, written)
  let queue: Promise<void> = Promise.resolve()
  let runnerFailure: string | undefined
  const stop = (): void => signal?.cancel()
  const step = (work: () => Promise<number>): void => {
    queue = queue.then(async () => {
      if (stopped) return
      await work()
      await sink.flush()
      if (reader.failure() !== undefined || sink.failure) stop()
    })
  }
  const subscription = runner.follow({
    onBatch: () => step(() => follow.advance(runner.checkpoint())),
    onError: (f) => {
      runnerFailure = describeRunnerFailure(f)
      stop()
    }
  })
  const staleTimer = setInterval(() => step(() => follow.advanceStale(clockNow(o))), STALE_CHECK_MS)
  await signal?.signalled
  clearInterval(staleTimer)
  await subscription.close()
  await queue
  await sink.end(false)
  const readAgain = reader.failure()
  if (runnerFailure !== undefined) return E.left(failure(runnerFailure))
  if (readAgain !== undefined) return E.left(failure(readAgain.message))
  return sinkFailure(sink)
}

export const register = (program: Command): void => {
  const exportCommand = program.command('export').description('Export data from the read models.')
  exportCommand
    .command('calls')
    .description('One record per party of every ended (or stale) call, with its metrics and outcome (NDJSON or CSV).')
    .option('--from <time>', 'only calls that started at or after this instant (ISO 8601; a date alone is 00:00 UTC)')
    .option('--to <time>', 'only calls that started before this instant')
    .option('--format <format>', 'ndjson or csv (with a header line)', 'ndjson')
    .option('--follow', 'after the existing records, keep writing new ones as calls end (stop with Ctrl-C)')
    .option(
      '--stale-after <duration>',
      'a call with no event for this long is written as stale, its live parties unknown-end (default 4h)'
    )
    .addHelpText(
      'after',
      `
Fields, in this order: ${EXPORT_FIELDS.join(', ')}.
A call whose end never came is written once it is stale (--stale-after; env CALLSTATE_STALE_AFTER): its live
parties with outcome unknown-end and endedBy stale. Order: by session start, session id, party id, so the same
store at the same stale cut-off gives the same bytes. With --follow, new records come in the order their calls
end (or go stale), each once; a stale call whose end arrives later is written again. The read models are
caught up with the log first.

Examples:
  $ callstate export calls --from 2026-01-05 --to 2026-01-06 > day.ndjson
  $ callstate export calls --format csv > calls.csv
  $ callstate export calls --follow | my-consumer`
    )
    .action((opts: Record<string, unknown>, cmd: Command) =>
      run(async () => {
        const parsed = parse(opts)
        if (E.isLeft(parsed)) return parsed
        const options: GlobalOptions = globalOptions(cmd)
        return useStore(options, (store) =>
          useReadModels(options, async (readModels) => {
            const reader = openAnalyticsReader(readModelsPath({ dataDir: options.dataDir }))
            if (E.isLeft(reader)) return E.left(failure(reader.left.message))
            try {
              return await exportCalls(store, readModels, reader.right, parsed.right)
            } finally {
              reader.right.close()
            }
          })
        )
      })
    )
}
