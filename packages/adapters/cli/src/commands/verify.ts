/**
 * `callstate verify`: catch the live read models up, rebuild a scratch copy from the log up to the same
 * checkpoint, and compare digests. Exit 0 only when they are equal.
 */
import * as E from 'fp-ts/lib/Either.js'
import { rmSync } from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { createRunner } from '@callstate/projections'
import { failure, out, withStore } from '../run.js'
import { openReadModels } from '@callstate/readmodels'
import { describeRunnerFailure, useReadModels } from '../cli-support.js'
import { rebuildReadModels } from '@callstate/readmodels'
import { workerCount } from './rebuild.js'

const removeDb = (file: string): void => {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
}

export const register = (program: Command): void => {
  program
    .command('verify')
    .description('Rebuild a scratch copy of the read models and compare it with the live ones (exit 0 when equal).')
    .option('--json', 'print one JSON object {equal, live, rebuilt, checkpoint, events}')
    .option('--workers <n>', 'worker threads for the scratch rebuild, as for `callstate rebuild`')
    .addHelpText(
      'after',
      `
The live read models are caught up first, then their digest and checkpoint are read in one transaction;
the scratch copy (a temporary file in the data directory, removed afterwards) is rebuilt exactly up to
that checkpoint. A \`serve\` that keeps taking notifications meanwhile does not make verify fail.
The digest covers read-model content, not log positions: the same notifications give the same digest
in any store, so verify on both sides of a \`callstate copy\` prints the same.
Exit codes: 0 equal; 1 different (or the store failed).

Example:
  $ callstate verify --json`
    )
    .action((opts: { workers?: unknown }, cmd: Command) =>
      withStore(cmd, (store, options) =>
        useReadModels(options, async (live) => {
          const workers = workerCount(opts.workers)
          if (E.isLeft(workers)) return workers
          const caughtUp = await createRunner(store, live).catchUp()()
          if (E.isLeft(caughtUp)) return E.left(failure(describeRunnerFailure(caughtUp.left)))
          // Digest and checkpoint from one read transaction: a `serve` following the log may commit meanwhile.
          const { digest: liveDigest, checkpoint } = live.snapshot()
          const file = path.join(options.dataDir, `readmodels.verify-${process.pid}.db`)
          removeDb(file)
          const opened = openReadModels({ file })
          if (E.isLeft(opened))
            return E.left(failure(`cannot open a scratch copy of the read models in ${file}: ${opened.left.cause}`))
          const scratch = opened.right
          try {
            const rebuilt = await rebuildReadModels(store, scratch, {
              until: checkpoint,
              ...(workers.right !== undefined ? { workers: workers.right } : {})
            })()
            if (E.isLeft(rebuilt)) return E.left(failure(describeRunnerFailure(rebuilt.left)))
            const equal = rebuilt.right.digest === liveDigest
            const result = {
              equal,
              live: liveDigest,
              rebuilt: rebuilt.right.digest,
              checkpoint,
              events: rebuilt.right.events
            }
            if (options.json) out(JSON.stringify(result))
            else
              out(
                `${equal ? 'OK' : 'MISMATCH'}: live ${liveDigest}, rebuilt ${rebuilt.right.digest} (checkpoint ${checkpoint})`
              )
            return equal
              ? E.right(undefined)
              : E.left(failure('the live read models differ from a rebuild: run `callstate rebuild`'))
          } finally {
            scratch.close()
            removeDb(file)
          }
        })
      )
    )
}
