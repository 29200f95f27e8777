/**
 * `callstate copy --to <data dir | esdb://...>`: copy the log of the store the global options name (`--data-dir` or
 * `--esdb`) to another store, ids, streams and order kept, quarantine included; idempotent and resumable
 * (../copy/copy-log.ts, ../copy/progress-file.ts). A progress bar on a terminal, a summary at the end.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { EventStore } from '@callstate/projections'
import { describeStoreFailure, failure, globalOptions, out, run, storeFailure, usage, useStore } from '../run.js'
import type { CliFailure, GlobalOptions } from '../run.js'
import { openStore, type StoreChoice } from '../open-store.js'
import { progressBar, type ProgressBar } from '../progress-bar.js'
import { copyLog, resumePoint, type CopyFailure, type CopyTotals } from '../copy/copy-log.js'
import { describeEnd, storeEnd, targetOf, type StoreEnd } from '../copy/ends.js'
import { progressFileOf, readProgress, writeProgress, type CopyCheckpoint } from '../copy/progress-file.js'

/** Events per page: one transaction each into the embedded log; EventStoreDB takes a page as one append per stream. */
const PAGE = { sqlite: 5000, esdb: 1000 } as const

const describeCopyFailure = (f: CopyFailure): string => {
  switch (f._tag) {
    case 'SourceFailed':
      return `reading the source failed: ${describeStoreFailure(f.failure)} (what was copied stays copied; run again)`
    case 'TargetFailed':
      return `writing the target failed: ${describeStoreFailure(f.failure)} (what was copied stays copied; run again)`
    case 'ProgressFailed':
      return f.message
  }
}

/** The store choice for the target: the global options' other settings, with the target's place. */
const targetChoice = (options: GlobalOptions, target: StoreEnd): StoreChoice => {
  const { esdb: _source, json: _json, ...rest } = options
  return target.kind === 'esdb' ? { ...rest, esdb: target.url } : { ...rest, dataDir: target.dataDir }
}

/** Like `useStore`, but a connection string the client refuses is a bad `--to` (usage, exit 2). */
const useTarget = async (
  choice: StoreChoice,
  body: (store: EventStore) => Promise<E.Either<CliFailure, void>>
): Promise<E.Either<CliFailure, void>> => {
  const opened = await openStore(choice)()
  if (E.isLeft(opened))
    return E.left(
      opened.left._tag === 'InvalidRequest' ? usage(`--to: ${opened.left.reason}`) : storeFailure(opened.left)
    )
  try {
    return await body(opened.right)
  } finally {
    await opened.right.close()
  }
}

/** What refuses a target before anything is opened (and so before a missing directory is created). */
const refusal = (source: StoreEnd, target: StoreEnd): CliFailure | undefined => {
  // Opening a missing data directory creates an empty log: a mistyped --data-dir would copy nothing, quietly.
  if (source.kind === 'sqlite' && !existsSync(path.join(source.dataDir, 'events.db')))
    return usage(`no log to copy in ${source.dataDir} (no events.db): name it with --data-dir (or --esdb)`)
  if (source.identity === target.identity)
    return usage(`--to names the store being copied (${describeEnd(source)}): copy to another data directory or store`)
  if (
    target.kind === 'sqlite' &&
    existsSync(path.join(target.dataDir, 'readmodels.db')) &&
    !existsSync(path.join(target.dataDir, 'events.db'))
  )
    return usage(
      `--to ${target.dataDir} holds read models but no log (the local read models of an EventStoreDB node?): ` +
        'copy into a new or empty directory, or one that holds a log'
    )
  return undefined
}

const summary = (source: StoreEnd, target: StoreEnd, t: CopyTotals, ms: number, rate: number, after: number) => [
  `Copied the log of ${describeEnd(source)} to ${describeEnd(target)}: ${t.read} read in ${ms} ms (${rate} events/s)`,
  ...(after > 0 ? [`  resumed        after source position ${after} (what earlier runs copied)`] : []),
  `  copied         ${t.copied}`,
  `  already there  ${t.alreadyThere}  (the target held them; not written again)`
]

const copyBetween = async (
  from: EventStore,
  to: EventStore,
  ends: { readonly source: StoreEnd; readonly target: StoreEnd },
  options: GlobalOptions
): Promise<E.Either<CliFailure, void>> => {
  const { source, target } = ends
  const started = performance.now()
  const file = progressFileOf(source, target, options.dataDir)
  const saved = readProgress(file, source, target)
  if (E.isLeft(saved)) process.stderr.write(`callstate copy: ignoring ${saved.left}; copying from the beginning\n`)
  const resume = await resumePoint(from, to, E.isRight(saved) ? saved.right : undefined)
  if (E.isLeft(resume)) return E.left(failure(describeCopyFailure(resume.left)))
  if (resume.right.note !== undefined) process.stderr.write(`callstate copy: ${resume.right.note}\n`)
  const after = resume.right.after
  let bar: ProgressBar | undefined
  const onStart = (head: number): void => {
    if (options.json) return
    const format = 'copying |{bar}| {percentage}% | {read} read, {copied} copied | ETA {eta_formatted}'
    bar = progressBar(format, head - after, { read: 0, copied: 0 })
  }
  const onPage = (checkpoint: CopyCheckpoint, t: CopyTotals): E.Either<string, void> => {
    bar?.update(checkpoint.position - after, { read: t.read, copied: t.copied })
    return writeProgress(file, source, target, checkpoint, new Date())
  }
  const totals = await copyLog(from, to, {
    after,
    pageSize: PAGE[target.kind],
    keepGlobalOrder: target.kind === 'sqlite',
    onStart,
    onPage
  })
  bar?.stop()
  if (E.isLeft(totals)) return E.left(failure(describeCopyFailure(totals.left)))
  const t = totals.right
  const ms = Math.round(performance.now() - started)
  const rate = ms > 0 ? Math.round((t.read * 1000) / ms) : t.read
  if (options.json)
    out(
      JSON.stringify({
        source: source.identity,
        target: target.identity,
        read: t.read,
        copied: t.copied,
        alreadyThere: t.alreadyThere,
        resumedAfter: after,
        ms,
        eventsPerSecond: rate
      })
    )
  else for (const line of summary(source, target, t, ms, rate, after)) out(line)
  return E.right(undefined)
}

export const register = (program: Command): void => {
  program
    .command('copy')
    .description('Copy the log (every event, the quarantine included) to another data directory or EventStoreDB.')
    .requiredOption('--to <dir|esdb://...>', 'the target: a data directory (created when missing) or an esdb:// string')
    .option(
      '--json',
      'print one JSON object {source, target, read, copied, alreadyThere, resumedAfter, ms, eventsPerSecond}'
    )
    .addHelpText(
      'after',
      `
Copies every event of the current store (--data-dir, or --esdb) as it is: ids, types, data, metadata
(receivedAt, occurredAt, ...) and stream names, each stream in its order; into a data directory the
global order too. Into EventStoreDB, events of different streams may land in another order: the read
models do not depend on it, and \`callstate verify\` or \`rebuild\` print the same digest on both sides.
Copies up to the source's last event when it starts; run again to copy what came after.

Idempotent and resumable: what the target holds already is answered as a duplicate and not written
again, so a re-run, or a run after the copy was killed, finishes without duplicates. Where it got to is
kept in copy-progress-<hash>.json in the target data directory (EventStoreDB target: in --data-dir), so
a re-run reads the source from there; without that file it starts from the beginning.

Exit codes: 0 copied; 1 a store failed (run again to finish); 2 wrong usage (a bad --to, the same store).

Examples:
  $ callstate copy --to /srv/callstate-new                              a data directory (created when missing)
  $ callstate copy --to 'esdb://db1:2113,db2:2113,db3:2113?tls=true'    the log into EventStoreDB
  $ callstate --esdb 'esdb://db1:2113?tls=false' copy --to ./back       and back into a data directory
  $ callstate copy --json --to /srv/copy | jq .eventsPerSecond`
    )
    .action((opts: { to?: unknown }, cmd: Command) =>
      run(async () => {
        const options = globalOptions(cmd)
        const target = targetOf(typeof opts.to === 'string' ? opts.to : '')
        if (E.isLeft(target)) return E.left(usage(target.left))
        const source = storeEnd(options)
        if (E.isLeft(source)) return E.left(usage(`--esdb: ${source.left}`))
        const ends = { source: source.right, target: target.right }
        const refused = refusal(ends.source, ends.target)
        if (refused !== undefined) return E.left(refused)
        return useStore(options, (from) =>
          useTarget(targetChoice(options, ends.target), (to) => copyBetween(from, to, ends, options))
        )
      })
    )
}
