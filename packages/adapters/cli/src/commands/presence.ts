/** `callstate presence <extensionId>`: the presence timeline, or with --at the presence at one instant. */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import Table from 'cli-table3'
import { queryPresence, queryPresenceAt, type PresenceIntervalView } from '@callstate/projections'
import { out, usage, tableStyle } from '../run.js'
import { queryFailure, timeOptions, withCaughtUp } from '../cli-support.js'

const FIELDS = ['telephonyStatus', 'presenceStatus', 'userStatus', 'dndStatus', 'meetingStatus'] as const

const human = (intervals: ReadonlyArray<PresenceIntervalView>): string => {
  const t = new Table({ head: ['from', 'to', ...FIELDS], ...tableStyle() })
  for (const i of intervals) t.push([i.from ?? '', i.to ?? 'now', ...FIELDS.map((f) => i[f] ?? '')])
  return t.toString()
}

export const register = (program: Command): void => {
  program
    .command('presence')
    .description("Show an extension's presence timeline (telephony, presence, user, DND, meeting status).")
    .argument('<extensionId>', 'e.g. 133165004')
    .option('--from <time>', 'only intervals still open at or after this ISO 8601 instant')
    .option('--to <time>', 'only intervals begun by this ISO 8601 instant')
    .option('--at <time>', 'the presence at this instant (by envelope timestamp) instead of the timeline')
    .option('--known-at <time>', 'only notifications received by this ISO 8601 instant')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Presence is ordered by its sequence (older news never overwrites newer); a presence update's time is the
envelope timestamp. Intervals are returned whole (not clipped to --from/--to).
Exit codes: 0 found; 1 no presence known for the extension; 2 bad options.

Examples:
  $ callstate presence 133165004 --json
  $ callstate presence 133165004 --at 2016-10-26T16:45:00Z`
    )
    .action((ext: string, opts: Record<string, unknown>, cmd: Command) =>
      withCaughtUp(cmd, async (deps, options) => {
        const time = timeOptions(opts)
        if (E.isLeft(time)) return time
        const knownAt = time.right.knownAt
        const iso = (name: string): E.Either<ReturnType<typeof usage>, string | undefined> => {
          const v = opts[name]
          if (v === undefined) return E.right(undefined)
          const ms = typeof v === 'string' ? Date.parse(v) : NaN
          return Number.isFinite(ms)
            ? E.right(new Date(ms).toISOString())
            : E.left(usage(`--${name} must be an ISO 8601 time`))
        }
        const from = iso('from')
        if (E.isLeft(from)) return from
        const to = iso('to')
        if (E.isLeft(to)) return to
        if (time.right.at !== undefined) {
          const p = await queryPresenceAt(deps, ext, time.right.at, knownAt !== undefined ? { knownAt } : {})()
          if (E.isLeft(p)) return E.left(queryFailure(p.left))
          out(
            options.json ? JSON.stringify(p.right, null, 2) : human([{ ...p.right, from: p.right.at, to: p.right.at }])
          )
          return E.right(undefined)
        }
        const p = await queryPresence(deps, ext, {
          ...(from.right !== undefined ? { from: from.right } : {}),
          ...(to.right !== undefined ? { to: to.right } : {}),
          ...(knownAt !== undefined ? { knownAt } : {})
        })()
        if (E.isLeft(p)) return E.left(queryFailure(p.left))
        out(options.json ? JSON.stringify(p.right, null, 2) : `Extension ${ext}\n${human(p.right.intervals)}`)
        return E.right(undefined)
      })
    )
}
