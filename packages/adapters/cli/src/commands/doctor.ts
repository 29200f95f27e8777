/**
 * `callstate doctor`: checks the data directory and the connections and says, one line per check, ok / warn / fail
 * and what to do (doctor-checks.ts). Exit 0 when nothing fails (warnings included), 1 when a check fails.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import { runDoctor, type CheckResult } from '../doctor-checks.js'
import { failure, globalOptions, nonNegativeInt, out, run } from '../run.js'

const line = (r: CheckResult): string =>
  `${r.status.padEnd(4)} ${r.check.padEnd(11)} ${r.detail}${r.action !== undefined ? `\n     ${''.padEnd(11)} -> ${r.action}` : ''}`

export const register = (program: Command): void => {
  program
    .command('doctor')
    .description('Check the log, the read models, the WAL files and the connections; say what to do about each.')
    .option('--json', 'print one JSON object {ok, checks: [{check, status, detail, action, figures}]}')
    .option('--full', "SQLite's integrity_check instead of quick_check (also checks every index; slower)")
    .option('--checkpoint', 'checkpoint and truncate the WAL files first (safe while serve runs)')
    .option('--max-lag <events>', 'projection lag above which the read models are a warning', '1000')
    .option('--max-wal-mib <n>', 'WAL size above which a checkpoint is advised', '256')
    .option('--timeout <ms>', 'time bound of each network check (EventStoreDB, RingCentral)', '10000')
    .addHelpText(
      'after',
      `
Checks, in order:
  log          events.db: SQLite's quick_check (integrity_check with --full), its head and event count; a damaged
               log says how many events can still be read (with --esdb: "store", EventStoreDB reachable, its head)
  read models  readmodels.db: the same check, its checkpoint against the log's head (the projection lag)
  wal          the size of events.db-wal and readmodels.db-wal
  ringcentral  only when RINGCENTRAL_* credentials are set: login, and the subscriptions (the one serve keeps)
Nothing is changed, except the WAL with --checkpoint.

Exit codes: 0 nothing failed (warnings allowed); 1 a check failed; 2 wrong usage.

Examples:
  $ callstate doctor
  $ callstate doctor --full --json | jq '.checks[] | select(.status != "ok")'`
    )
    .action((opts: Record<string, unknown>, cmd: Command) =>
      run(async () => {
        const options = globalOptions(cmd)
        const maxLag = nonNegativeInt('--max-lag', opts['maxLag'])
        if (E.isLeft(maxLag)) return maxLag
        const maxWal = nonNegativeInt('--max-wal-mib', opts['maxWalMib'])
        if (E.isLeft(maxWal)) return maxWal
        const timeout = nonNegativeInt('--timeout', opts['timeout'])
        if (E.isLeft(timeout)) return timeout
        const results = await runDoctor({
          dataDir: options.dataDir,
          ...(options.esdb !== undefined ? { esdb: options.esdb } : {}),
          full: opts['full'] === true,
          checkpoint: opts['checkpoint'] === true,
          maxLag: maxLag.right ?? 1000,
          maxWalBytes: (maxWal.right ?? 256) * 1024 * 1024,
          timeoutMs: timeout.right ?? 10_000,
          env: process.env
        })
        const failed = results.filter((r) => r.status === 'fail')
        if (options.json || opts['json'] === true) out(JSON.stringify({ ok: failed.length === 0, checks: results }))
        else for (const r of results) out(line(r))
        return failed.length === 0
          ? E.right(undefined)
          : E.left(failure(`doctor: ${failed.map((f) => f.check).join(', ')} failed`))
      })
    )
}
