/**
 * `GET /stats?from=&to=&by=&tz=&answerWithin=&shortAbandon=`: call aggregates, the rows of `callstate stats --json`
 * (docs/analytics.md defines every number); with `queue` in `by`, one row per call queue. Computed per request over
 * a read snapshot of the read models the in-process projections maintain, so the answer includes what the
 * projections have applied (see "visibility delay").
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FastifyInstance } from 'fastify'
import {
  describeRequestFailure,
  parseStatsRequest,
  type QueueBoardRow,
  type QueueRow,
  type QueueThresholds,
  type StatsRequest,
  type StatsRow,
  type Zone
} from '@callstate/projections'
import { ApiErrorRef, apiError } from '../errors.js'
import { QueueRowSchema } from './queue-schemas.js'

/** The reports over the read models, or why one could not be made (the read models could not be read). */
export interface Reports {
  /** Call rows, or queue rows when `queue` is among the request's dimensions. */
  readonly stats: (request: StatsRequest) => E.Either<string, ReadonlyArray<StatsRow> | ReadonlyArray<QueueRow>>
  /** The queue board now: today's rows since midnight in `zone`, and what is live. */
  readonly queues: (zone: Zone, thresholds: QueueThresholds) => E.Either<string, ReadonlyArray<QueueBoardRow>>
}

const int = { type: 'integer' } as const
const StatsRowSchema = {
  type: 'object',
  required: [
    'key',
    'calls',
    'inbound',
    'outbound',
    'answered',
    'missed',
    'voicemail',
    'cancelled',
    'transferred',
    'unknownEnd',
    'ringMs',
    'talkMs',
    'holdMs',
    'avgRingMs',
    'avgTalkMs',
    'avgHoldMs',
    'voicemailsLeft'
  ],
  properties: {
    key: { type: 'string', description: '"all", or the --by key parts joined (extension, day, hour).' },
    calls: int,
    inbound: int,
    outbound: int,
    answered: int,
    missed: int,
    voicemail: int,
    cancelled: int,
    transferred: int,
    unknownEnd: int,
    ringMs: int,
    talkMs: int,
    holdMs: int,
    avgRingMs: int,
    avgTalkMs: int,
    avgHoldMs: int,
    voicemailsLeft: int
  }
} as const

export interface StatsQueryString {
  readonly from?: string
  readonly to?: string
  readonly by?: string
  readonly tz?: string
  readonly answerWithin?: string
  readonly shortAbandon?: string
}

/** The query parameters of the queue thresholds, shared with `GET /queues`. */
export const thresholdParams = {
  answerWithin: {
    type: 'string',
    description: 'Queue rows: answered within this counts for the service level (20s, 30000; default 20s).'
  },
  shortAbandon: {
    type: 'string',
    description: 'Queue rows: abandoned within this is a short abandon (default 5s).'
  }
} as const

/** A bad parameter, worded with its query-string name as the validation errors of the other routes are. */
export const badRequest = (f: Parameters<typeof describeRequestFailure>[0]) =>
  apiError(
    'bad-request',
    describeRequestFailure(f, (p) => `querystring/${p}`)
  )

export const registerStats = (app: FastifyInstance, reports: Reports): void => {
  app.get<{ Querystring: StatsQueryString }>(
    '/stats',
    {
      schema: {
        summary: 'Call aggregates by extension, queue, day and/or hour (rows of `callstate stats --json`)',
        tags: ['queries'],
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: {
            from: {
              type: 'string',
              description: 'Calls that started at or after (ISO 8601; a date is 00:00 in tz, default UTC).'
            },
            to: { type: 'string', description: 'Calls that started before this instant.' },
            by: {
              type: 'string',
              description: 'extension, queue, day, hour, or several joined by commas (queue not with extension).'
            },
            tz: { type: 'string', description: 'IANA time zone for days and hours (default UTC).' },
            ...thresholdParams
          }
        },
        response: {
          200: { type: 'array', items: { anyOf: [StatsRowSchema, QueueRowSchema] } },
          400: ApiErrorRef,
          401: ApiErrorRef,
          500: ApiErrorRef
        }
      }
    },
    async (request, reply) => {
      // The analytics' own rules (a date alone is 00:00 in tz, default UTC; a time must carry its zone), shared
      // with the CLI; here the parameters are named as the validation errors of the other routes name them.
      const parsed = parseStatsRequest(request.query)
      if (E.isLeft(parsed)) return reply.code(400).send(badRequest(parsed.left))
      const rows = reports.stats(parsed.right)
      if (E.isLeft(rows)) {
        request.log.error({ cause: rows.left }, 'stats failed')
        return reply.code(500).send(apiError('internal-error', `the read models could not be read: ${rows.left}`))
      }
      return reply.send(rows.right)
    }
  )
}
