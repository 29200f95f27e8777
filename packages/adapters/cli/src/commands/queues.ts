/**
 * `callstate queues`: the call queues now, as a wallboard reads them: per queue, the calls waiting now and the
 * longest wait now, the agents on one of its calls, and today's figures (since midnight in --tz). The same JSON as
 * `GET /queues`. RingCentral's core platform has no real-time queue API: these come from the queue legs of the
 * telephony sessions callstate folds (docs/analytics.md, "Queues").
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Command } from 'commander'
import { parseStatsRequest } from '@callstate/projections'
import { openAnalyticsReader, readModelsPath, readQueuesNow } from '@callstate/readmodels'
import { failure, out, run } from '../run.js'
import { clockOptions, requestFailure, withCaughtUp } from '../cli-support.js'
import { duration } from '../duration-text.js'
import { queueTable } from './queue-table.js'

export const register = (program: Command): void => {
  program
    .command('queues')
    .description('Call queues now: calls waiting, longest wait, agents on a call, and today so far.')
    .option('--tz <zone>', 'IANA time zone where "today" begins (default UTC)')
    .option('--stale-after <duration>', 'a call with no event for this long is no longer waiting (default 4h)')
    .option('--answer-within <duration>', 'answered within this counts for the service level', '20s')
    .option('--short-abandon <duration>', 'abandoned within this is a short abandon', '5s')
    .option('--json', 'print a JSON array of queues')
    .addHelpText(
      'after',
      `
Each queue: the fields of \`stats --by queue\` for today ({key, queue, name, offered, answered, abandoned,
shortAbandoned, voicemail, waiting, unknownEnd, answeredWithinThreshold, waitMs, asaMs, longestWaitMs,
serviceLevel, abandonRate, serviceLevelMethod, answerWithinMs, shortAbandonMs, agents[]}) and, now:
waitingNow, longestWaitNowMs, agentsOnCall. The read models are caught up with the log first.

Examples:
  $ callstate queues
  $ callstate queues --tz Europe/London --answer-within 30s --json`
    )
    .action((opts: Record<string, unknown>, cmd: Command) => {
      const parsed = E.mapLeft(requestFailure)(parseStatsRequest({ ...opts, by: 'queue' }))
      if (E.isLeft(parsed)) return run(() => Promise.resolve(parsed))
      const clock = clockOptions(opts)
      if (E.isLeft(clock)) return run(() => Promise.resolve(clock))
      const { query, thresholds } = parsed.right
      return withCaughtUp(cmd, async (_deps, options) => {
        const reader = openAnalyticsReader(readModelsPath({ dataDir: options.dataDir }))
        if (E.isLeft(reader)) return E.left(failure(reader.left.message))
        try {
          const rows = readQueuesNow(reader.right, query.zone, thresholds, clock.right)
          if (E.isLeft(rows)) return E.left(failure(rows.left.message))
          const board = rows.right
          if (options.json) out(JSON.stringify(board, null, 2))
          else if (board.length === 0) out('No call queue seen today and none waiting now.')
          else
            out(
              queueTable(
                board,
                (r) => {
                  const now = board.find((b) => b.key === r.key)
                  return [now?.waitingNow ?? 0, duration(now?.longestWaitNowMs ?? 0), now?.agentsOnCall ?? 0]
                },
                ['waiting now', 'longest now', 'agents on call']
              )
            )
          return E.right(undefined)
        } finally {
          reader.right.close()
        }
      })
    })
}
