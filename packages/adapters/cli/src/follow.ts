/**
 * The in-process projections following the log for as long as a long-running command (`serve`, `connect`) runs.
 * A failed batch stops a subscription (going on would skip events); it is started again from the committed
 * checkpoint after a pause.
 */
import * as E from 'fp-ts/lib/Either.js'
import { describeError, type Runner, type Subscription } from '@callstate/projections'

export interface Following {
  /** The last position every projection applied; null when the read models cannot be read. */
  readonly checkpoint: () => number | null
  /** Resolves after the batch in flight (each batch commits its rows with its checkpoint). */
  readonly close: () => Promise<void>
}

interface Log {
  readonly error: (fields: object, message: string) => void
  readonly warn: (fields: object, message: string) => void
}

export const followLog = (runner: Runner, logger: Log): Following => {
  let following: Subscription | undefined
  let retry: NodeJS.Timeout | undefined
  let closed = false
  const follow = (): void => {
    following = runner.follow({
      onError: (failure) => {
        logger.error({ failure }, 'projections stopped following the log; restarting from the checkpoint in 1 s')
        if (!closed) retry = setTimeout(follow, 1000)
      },
      onBatch: (report) => {
        if (report.undecodable > 0)
          logger.warn({ undecodable: report.undecodable, problems: report.problems }, 'projections skipped events')
      }
    })
  }
  follow()
  return {
    checkpoint: () =>
      E.getOrElseW((cause: string) => {
        logger.error({ cause }, 'cannot read the projection checkpoint')
        return null
      })(E.tryCatch(runner.checkpoint, describeError)),
    close: async () => {
      closed = true
      clearTimeout(retry)
      await following?.close()
    }
  }
}
