/** `callstate rebuild`: replace the read models by a replay of the whole log; prints {events, digest, ms}. */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import cliProgress from 'cli-progress'
import { failure, nonNegativeInt, out, usage, withStore, type CliFailure } from '../run.js'
import { describeRunnerFailure, useReadModels } from '../cli-support.js'
import { describeRecovery, recoverReadModelsAtStart } from '../integrity.js'
import { MAX_REBUILD_WORKERS, PARALLEL_REBUILD_FROM, rebuildReadModels } from '@callstate/readmodels'

/** `--workers`: absent (the default for the log's size), or 1 to MAX_REBUILD_WORKERS. */
export const workerCount = (value: unknown): E.Either<CliFailure, number | undefined> => {
  const n = nonNegativeInt('--workers', value)
  if (E.isLeft(n) || n.right === undefined) return n
  return n.right >= 1 && n.right <= MAX_REBUILD_WORKERS
    ? n
    : E.left(usage(`--workers must be 1 to ${MAX_REBUILD_WORKERS}, got ${n.right}`))
}

export const register = (program: Command): void => {
  program
    .command('rebuild')
    .description('Rebuild every read model by replaying the whole log; prints the read-model digest.')
    .option('--json', 'print exactly one JSON object {events, digest, ms}')
    .option(
      '--workers <n>',
      `worker threads replaying shards of the log, 1 to ${MAX_REBUILD_WORKERS}; 1 rebuilds sequentially ` +
        `(default: one per core up to 4, or 1 below ${PARALLEL_REBUILD_FROM.toLocaleString('en-US')} events)`
    )
    .addHelpText(
      'after',
      `
The digest is a sha256 over every read-model table in key order: a read model kept up to date live and
one rebuilt from the same log have the same digest (see \`callstate verify\`), whatever the workers.
It covers content, not log positions: the same notifications give the same digest in any store and in
any order of arrival (after \`callstate copy\`, the source and the copy print the same).

With several workers (embedded log only; an EventStoreDB log is always replayed sequentially) each
thread replays the streams of its shard into a scratch file beside readmodels.db, and the result
replaces the read models in one transaction: queries and \`serve\` answer from the old read models
until then, and a rebuild that is stopped leaves them as they were. With --workers 1 the read models
are emptied first and refilled in place; a rebuild stopped part-way resumes from its checkpoint on the
next query or rebuild.

Examples:
  $ callstate rebuild
  $ callstate rebuild --workers 1
  $ callstate rebuild --json | jq .digest`
    )
    .action((opts: { workers?: unknown }, cmd: Command) =>
      withStore(cmd, async (store, options) => {
        // A damaged read-model file (or one ahead of the log) is set aside first, and rebuilt from the log below.
        const recovered = describeRecovery(await recoverReadModelsAtStart(store, options.dataDir))
        if (recovered !== undefined) process.stderr.write(`callstate: warning: ${recovered}\n`)
        return useReadModels(options, async (readModels) => {
          const workers = workerCount(opts.workers)
          if (E.isLeft(workers)) return workers
          const bar =
            process.stderr.isTTY && !options.json
              ? new cliProgress.SingleBar(
                  { format: 'rebuild [{bar}] {value}/{total} positions' },
                  cliProgress.Presets.shades_classic
                )
              : undefined
          const started = performance.now()
          bar?.start(1, 0)
          const report = await rebuildReadModels(store, readModels, {
            ...(workers.right !== undefined ? { workers: workers.right } : {}),
            onProgress: (checkpoint, head) => {
              bar?.setTotal(head)
              bar?.update(checkpoint)
            }
          })()
          bar?.stop()
          if (E.isLeft(report)) return E.left(failure(describeRunnerFailure(report.left)))
          const ms = Math.round(performance.now() - started)
          const { events, digest, undecodable } = report.right
          if (options.json) out(JSON.stringify({ events, digest, ms }))
          else {
            out(`Rebuilt the read models from ${events} events in ${ms} ms.`)
            out(`digest ${digest}`)
          }
          if (undecodable > 0)
            process.stderr.write(`callstate: warning: ${undecodable} event(s) no longer decode and were skipped\n`)
          return E.right(undefined)
        })
      })
    )
}
