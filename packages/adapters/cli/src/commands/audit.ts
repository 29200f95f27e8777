/**
 * `callstate audit <telephonySessionId>`: every raw notification of one session, in log order.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import Table from 'cli-table3'
import { auditTrail, type AuditEntry } from '@callstate/projections'
import { queryFailure, withCaughtUp } from '../cli-support.js'
import { failure, out, tableStyle } from '../run.js'

const table = (entries: ReadonlyArray<AuditEntry>): string => {
  const t = new Table({ head: ['position', 'received', 'seq', 'event time', 'parties'], ...tableStyle() })
  for (const e of entries)
    t.push([e.position, e.receivedAt, e.sequence ?? '', e.eventTime ?? '', e.parties?.join('\n') ?? e.problem ?? ''])
  return t.toString()
}

export const register = (program: Command): void => {
  program
    .command('audit')
    .description(
      "Show a telephony session's raw notifications in log order, with position and receive time (and the presence " +
        'notifications that ended its parties).'
    )
    .argument('<telephonySessionId>', 'the telephonySessionId, e.g. s-a0d17930c96bdz18b67acb764z37759330000')
    .option('--json', 'print a JSON array of entries (each with the stored notification parsed as `data`)')
    .addHelpText(
      'after',
      `
Exit codes: 0 found; 1 no notification of that session is in the log (or the store failed).

Examples:
  $ callstate audit s-718107795d564867a6f635fd81e89940
  $ callstate audit s-718107795d564867a6f635fd81e89940 --json | jq '.[].sequence'`
    )
    .action((id: string, _opts: unknown, cmd: Command) =>
      withCaughtUp(cmd, async (deps, options) => {
        const trail = await auditTrail(deps, id)()
        if (E.isLeft(trail))
          return E.left(
            trail.left._tag === 'NotFound' ? failure(`not found: ${trail.left.message}`) : queryFailure(trail.left)
          )
        if (options.json) out(JSON.stringify(trail.right, null, 2))
        else {
          out(`Telephony session ${id}: ${trail.right.length} notification(s)`)
          out(table(trail.right))
        }
        return E.right(undefined)
      })
    )
}
