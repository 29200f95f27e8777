/**
 * `GET /quarantine`: what could not be logged as a notification and why, the same items as
 * `callstate quarantine --json` (read from the quarantine stream: entries plus their resolutions).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FastifyInstance } from 'fastify'
import type { EventStore } from '@callstate/projections'
import { listQuarantine, quarantineItemJson as itemJson } from '@callstate/ingest'
import { ApiErrorRef, apiError } from '../errors.js'

const QuarantineItemSchema = {
  type: 'object',
  required: ['id', 'position', 'receivedAt', 'reason', 'reasons', 'source', 'sourceRef', 'preview', 'resolved', 'raw'],
  properties: {
    id: { type: 'string' },
    position: { type: 'integer' },
    receivedAt: { type: 'string', format: 'date-time' },
    reason: { type: 'string', enum: ['not-json', 'not-a-notification', 'decode-failed', 'conflict'] },
    reasons: { type: 'array', items: { type: 'string' } },
    source: { type: 'string' },
    sourceRef: { type: 'string' },
    preview: { type: 'string', description: 'The first 80 characters of the input, on one line.' },
    resolved: { type: 'boolean', description: 'A later retry got it into the log.' },
    uuid: { type: 'string' },
    resolution: {
      type: 'object',
      properties: {
        outcome: { type: 'string', enum: ['appended', 'duplicate'] },
        eventId: { type: 'string' },
        stream: { type: 'string' }
      }
    },
    raw: { type: 'string', description: 'The input exactly as received.' }
  }
} as const

export const registerQuarantine = (app: FastifyInstance, store: EventStore): void => {
  app.get<{ Querystring: { resolved?: boolean } }>(
    '/quarantine',
    {
      schema: {
        summary: 'Quarantined input with the reasons (same items as `callstate quarantine --json`)',
        tags: ['queries'],
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: { resolved: { type: 'boolean', description: 'Only resolved (true) or unresolved (false).' } }
        },
        response: { 200: { type: 'array', items: QuarantineItemSchema }, 401: ApiErrorRef, 503: ApiErrorRef }
      }
    },
    async (request, reply) => {
      const listing = await listQuarantine(store)()
      if (E.isLeft(listing))
        return reply.code(503).send(apiError('store-unavailable', 'the notification log is unavailable'))
      const { resolved } = request.query
      const items = listing.right.items.filter((i) => resolved === undefined || (i.resolved !== undefined) === resolved)
      return reply.send(items.map(itemJson))
    }
  )
}
