/** `callstate session <telephonySessionId>`: one call's state, parties, histories and metrics. */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import Table from 'cli-table3'
import { querySession, type SessionView } from '@callstate/projections'
import { out, tableStyle } from '../run.js'
import { queryFailure, TIME_HELP, timeOptions, withCaughtUp } from '../cli-support.js'

const human = (s: SessionView): string => {
  const head = [
    `Session ${s.telephonySessionId}: ${s.status}`,
    `  started ${s.startedAt ?? '-'}  ended ${s.endedAt ?? '-'}  origin ${s.origin ?? '-'}`,
    ...(s.gaps.length > 0 ? [`  gaps: ${s.gaps.map((g) => `${g.from}-${g.to}`).join(', ')}`] : []),
    ...(s.anomalies.length > 0 ? [`  anomalies: ${s.anomalies.map((a) => a.kind).join(', ')}`] : []),
    ...(s.links.length > 0
      ? [`  links: ${s.links.map((l) => `${l.partyId} -> ${l.telephonySessionId ?? '?'}`).join(', ')}`]
      : [])
  ]
  const t = new Table({
    head: [
      'party',
      'extension',
      'direction',
      'status',
      'outcome',
      'ended by',
      'ring ms',
      'talk ms',
      'hold ms',
      'history'
    ],
    ...tableStyle()
  })
  for (const p of s.parties)
    t.push([
      p.id,
      p.extensionId ?? '',
      p.direction ?? '',
      p.reason === null ? p.status : `${p.status}/${p.reason}`,
      p.queue === null ? p.outcome : `${p.outcome}\nqueue ${p.queue.name ?? p.queue.extensionId ?? ''}`,
      p.endedBy ?? '',
      p.metrics.ringMs,
      p.metrics.talkMs,
      p.metrics.holdMs,
      p.history.map((h) => `${h.sequence} ${h.status} ${h.at ?? ''}${h.source ? ` (${h.source})` : ''}`).join('\n')
    ])
  return [...head, t.toString()].join('\n')
}

export const register = (program: Command): void => {
  program
    .command('session')
    .description('Show one telephony session: status, parties, status histories, ring/talk/hold metrics, outcome.')
    .argument('<telephonySessionId>', 'e.g. s-718107795d564867a6f635fd81e89940')
    .option('--at <time>', 'the state as it was at this ISO 8601 instant (by event time)')
    .option('--known-at <time>', 'only notifications received by this ISO 8601 instant')
    .option('--stale-after <duration>', 'stale threshold (default 4h; env CALLSTATE_STALE_AFTER)')
    .option('--json', 'print the session as one JSON object')
    .addHelpText(
      'after',
      `${TIME_HELP}
Exit codes: 0 found; 1 unknown session (or not yet started at --at); 2 bad options.

Examples:
  $ callstate session s-718107795d564867a6f635fd81e89940 --json
  $ callstate session s-718107795d564867a6f635fd81e89940 --at 2020-06-23T01:06:02Z`
    )
    .action((id: string, opts: Record<string, unknown>, cmd: Command) =>
      withCaughtUp(cmd, async (deps, options) => {
        const time = timeOptions(opts)
        if (E.isLeft(time)) return time
        const s = await querySession(deps, id, time.right)()
        if (E.isLeft(s)) return E.left(queryFailure(s.left))
        out(options.json ? JSON.stringify(s.right, null, 2) : human(s.right))
        return E.right(undefined)
      })
    )
}
