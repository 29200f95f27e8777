/** `callstate sessions`: sessions newest first, or with --active the calls in progress; paged by cursor. */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import Table from 'cli-table3'
import { listSessions, type SessionSummary } from '@callstate/projections'
import { nonNegativeInt, out, usage, tableStyle } from '../run.js'
import { queryFailure, TIME_HELP, timeOptions, withCaughtUp } from '../cli-support.js'

const human = (items: ReadonlyArray<SessionSummary>): string => {
  const t = new Table({ head: ['telephonySessionId', 'status', 'started', 'ended', 'parties'], ...tableStyle() })
  for (const s of items)
    t.push([
      s.telephonySessionId,
      s.status,
      s.startedAt ?? '',
      s.endedAt ?? '',
      s.parties.map((p) => `${p.id} ${p.extensionId ?? 'pstn'} ${p.status} ${p.outcome}`).join('\n')
    ])
  return t.toString()
}

export const register = (program: Command): void => {
  program
    .command('sessions')
    .description('List telephony sessions, newest first; --active lists the calls in progress (not ended, not stale).')
    .option('--active', 'only calls not ended and not stale at now (or --at)')
    .option('--extension <extensionId>', 'only sessions with a party on this extension')
    .option('--at <time>', 'as it was at this ISO 8601 instant (by event time)')
    .option('--known-at <time>', 'only notifications received by this ISO 8601 instant')
    .option('--stale-after <duration>', 'stale threshold (default 4h; env CALLSTATE_STALE_AFTER)')
    .option('--limit <n>', 'at most this many sessions (default 100)')
    .option('--cursor <cursor>', 'continue after the previous page (the cursor it printed)')
    .option('--json', 'print a JSON array of sessions')
    .addHelpText(
      'after',
      `${TIME_HELP}
Paging: when more sessions may follow, the next cursor is printed on stderr as "cursor: <c>" (in both
human and --json mode, so the JSON on stdout stays a plain array); pass it back with --cursor.

Examples:
  $ callstate sessions --active --json
  $ callstate sessions --extension 809646016 --limit 20
  $ callstate sessions --at 2020-06-23T01:06:02Z --active`
    )
    .action((opts: Record<string, unknown>, cmd: Command) =>
      withCaughtUp(cmd, async (deps, options) => {
        const time = timeOptions(opts)
        if (E.isLeft(time)) return time
        const limit = nonNegativeInt('--limit', opts['limit'])
        if (E.isLeft(limit)) return limit
        if (limit.right === 0) return E.left(usage('--limit must be at least 1'))
        const page = await listSessions(deps, {
          ...time.right,
          active: opts['active'] === true,
          ...(typeof opts['extension'] === 'string' ? { extensionId: opts['extension'] } : {}),
          ...(limit.right !== undefined ? { limit: limit.right } : {}),
          ...(typeof opts['cursor'] === 'string' ? { cursor: opts['cursor'] } : {})
        })()
        if (E.isLeft(page)) return E.left(queryFailure(page.left))
        out(options.json ? JSON.stringify(page.right.items, null, 2) : human(page.right.items))
        if (page.right.nextCursor !== null) process.stderr.write(`cursor: ${page.right.nextCursor}\n`)
        return E.right(undefined)
      })
    )
}
