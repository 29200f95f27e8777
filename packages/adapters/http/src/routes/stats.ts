/**
 * `GET /stats?from=&to=&by=&tz=`: call aggregates, the rows of `callstate stats --json` (docs/analytics.md
 * defines every number). Computed per request over a read snapshot of the read models the in-process
 * projections maintain, so the answer includes what the projections have applied (see "visibility delay").
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FastifyInstance } from 'fastify'
import {
  describeRequestFailure,
  parseStatsRequest,
  type StatsQuery,
  type StatsRow,
  type TimeRange
} from '@callstate/projections'
import { ApiErrorRef, apiError } from '../errors.js'

/** Computes the stats rows, or says why it could not (the read models could not be read). */
export type StatsFn = (query: StatsQuery, range: TimeRange) => E.Either<string, ReadonlyArray<StatsRow>>

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
    ringMs: int,
    talkMs: int,
    holdMs: int,
    avgRingMs: int,
    avgTalkMs: int,
    avgHoldMs: int,
    voicemailsLeft: int
  }
} as const

interface StatsQueryString {
  readonly from?: string
  readonly to?: string
  readonly by?: string
  readonly tz?: string
}

export const registerStats = (app: FastifyInstance, stats: StatsFn): void => {
  app.get<{ Querystring: StatsQueryString }>(
    '/stats',
    {
      schema: {
        summary: 'Call aggregates by extension, day and/or hour (rows of `callstate stats --json`)',
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
            by: { type: 'string', description: 'extension, day, hour, or several joined by commas.' },
            tz: { type: 'string', description: 'IANA time zone for days and hours (default UTC).' }
          }
        },
        response: {
          200: { type: 'array', items: StatsRowSchema },
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
      if (E.isLeft(parsed))
        return reply.code(400).send(
          apiError(
            'bad-request',
            describeRequestFailure(parsed.left, (p) => `querystring/${p}`)
          )
        )
      const rows = stats(parsed.right.query, parsed.right.range)
      if (E.isLeft(rows)) {
        request.log.error({ cause: rows.left }, 'stats failed')
        return reply.code(500).send(apiError('internal-error', `the read models could not be read: ${rows.left}`))
      }
      return reply.send(rows.right)
    }
  )
}
