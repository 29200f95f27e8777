/**
 * `GET /queues?tz=&answerWithin=&shortAbandon=`: the call queues now, the JSON of `callstate queues --json`: per
 * queue, today's figures (since midnight in tz) and what is live now (waitingNow, longestWaitNowMs, agentsOnCall).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FastifyInstance } from 'fastify'
import { parseStatsRequest } from '@callstate/projections'
import { ApiErrorRef, apiError } from '../errors.js'
import { QueueBoardRowSchema } from './queue-schemas.js'
import { badRequest, thresholdParams, type Reports } from './stats.js'

export const registerQueues = (app: FastifyInstance, reports: Reports): void => {
  app.get<{ Querystring: { tz?: string; answerWithin?: string; shortAbandon?: string } }>(
    '/queues',
    {
      schema: {
        summary: 'Call queues now: calls waiting, longest wait, agents on a call, and today so far',
        tags: ['queries'],
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: {
            tz: { type: 'string', description: 'IANA time zone where "today" begins (default UTC).' },
            ...thresholdParams
          }
        },
        response: {
          200: { type: 'array', items: QueueBoardRowSchema },
          400: ApiErrorRef,
          401: ApiErrorRef,
          500: ApiErrorRef
        }
      }
    },
    async (request, reply) => {
      const parsed = parseStatsRequest({ ...request.query, by: 'queue' })
      if (E.isLeft(parsed)) return reply.code(400).send(badRequest(parsed.left))
      const board = reports.queues(parsed.right.query.zone, parsed.right.thresholds)
      if (E.isLeft(board)) {
        request.log.error({ cause: board.left }, 'queues failed')
        return reply.code(500).send(apiError('internal-error', `the read models could not be read: ${board.left}`))
      }
      return reply.send(board.right)
    }
  )
}
