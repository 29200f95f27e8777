/** `callstate rebuild`: drop the read models and replay the whole log; prints {events, digest, ms}. */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import cliProgress from 'cli-progress'
import { rebuild } from '@callstate/projections'
import { failure, out, withStore } from '../run.js'
import { describeRunnerFailure, useReadModels } from '../../readmodels/cli-support.js'

export const register = (program: Command): void => {
  program
    .command('rebuild')
    .description('Drop every read model and rebuild it by replaying the whole log; prints the read-model digest.')
    .option('--json', 'print exactly one JSON object {events, digest, ms}')
    .addHelpText(
      'after',
      `
The digest is a sha256 over every read-model table in key order: a read model kept up to date live and
one rebuilt from the same log have the same digest (see \`callstate verify\`). A rebuild that is stopped
part-way resumes from its checkpoint on the next query or rebuild.

Examples:
  $ callstate rebuild
  $ callstate rebuild --json | jq .digest`
    )
    .action((_opts: unknown, cmd: Command) =>
      withStore(cmd, (store, options) =>
        useReadModels(options, async (readModels) => {
          const bar =
            process.stderr.isTTY && !options.json
              ? new cliProgress.SingleBar(
                  { format: 'rebuild [{bar}] {value}/{total} positions' },
                  cliProgress.Presets.shades_classic
                )
              : undefined
          const started = performance.now()
          bar?.start(1, 0)
          const report = await rebuild(store, readModels, {
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
      )
    )
}
