/**
 * Operational routes: `GET /health` (store reachable, projection lag), `GET /metrics` (Prometheus text) and
 * `GET /openapi.json` (the OpenAPI 3 document generated from the route schemas). Health and the API
 * description are public (no API token): a load balancer and a client generator need them without secrets.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { FastifyInstance } from 'fastify'
import type { EventStore } from '@callstate/projections'
import type { ServerMetrics } from '../metrics.js'
import { ConnectionHealthSchema, type ConnectionProbe } from '../connection.js'

/** How far the in-process projections got, read without touching the store. */
export interface ProjectionProbe {
  /** Log position of the last event the read models applied (the lowest over the projections). */
  readonly checkpoint: () => number | null
  /** Log head minus checkpoint; null when unknown (the store could not be read). */
  readonly lag: () => Promise<number | null>
}

const HealthSchema = {
  type: 'object',
  required: ['status', 'store', 'projections'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    store: {
      type: 'object',
      required: ['reachable'],
      properties: {
        reachable: { type: 'boolean' },
        head: { type: 'integer', description: 'Position of the last event in the log.' },
        foreignSkipped: {
          type: 'integer',
          description: 'EventStoreDB: events another program wrote, skipped by the reads (each counted once).'
        },
        recentForeign: {
          type: 'array',
          items: { type: 'string' },
          description: 'Why the last few of them were skipped (absent when none).'
        },
        error: { type: 'string' }
      }
    },
    projections: {
      type: 'object',
      required: ['checkpoint'],
      properties: {
        checkpoint: {
          type: 'integer',
          nullable: true,
          description: 'Last log position applied to the read models (null: the read models cannot be read).'
        },
        lag: { type: 'integer', description: 'Events in the log not yet applied (head - checkpoint).' }
      }
    },
    connection: ConnectionHealthSchema
  }
} as const

export interface OpsOptions {
  readonly store: EventStore
  readonly projections: ProjectionProbe
  readonly metrics: ServerMetrics
  readonly connection?: ConnectionProbe
}

export const registerOps = (app: FastifyInstance, { store, projections, metrics, connection }: OpsOptions): void => {
  // The connection's own trouble (alerts) does not make the server unhealthy: the store and queries still work.
  const connectionPart = () => (connection === undefined ? {} : { connection: connection.status() })
  // Stores that can meet other programs' events (EventStoreDB) say how many their reads skipped.
  const foreignPart = () => {
    const d = store.diagnostics?.()
    if (d === undefined) return {}
    return {
      foreignSkipped: d.foreignSkipped,
      ...(d.recentForeign.length > 0 ? { recentForeign: d.recentForeign } : {})
    }
  }
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        summary:
          'Liveness and readiness: the store is reachable, how far behind the read models are, and the RingCentral ' +
          'connection when there is one',
        tags: ['operations'],
        querystring: { type: 'object', properties: {} },
        response: {
          200: { description: 'The store answers.', ...HealthSchema },
          503: { description: 'The store or the read models do not answer.', ...HealthSchema }
        }
      }
    },
    async (_request, reply) => {
      const head = await store.head()()
      const checkpoint = projections.checkpoint()
      if (E.isLeft(head)) {
        const error = head.left._tag === 'Unavailable' ? head.left.cause : head.left._tag
        return reply.code(503).send({
          status: 'unavailable',
          store: { reachable: false, error, ...foreignPart() },
          projections: { checkpoint },
          ...connectionPart()
        })
      }
      // Read models that cannot be read make every query fail: not healthy, even with the log reachable.
      return reply.code(checkpoint === null ? 503 : 200).send({
        status: checkpoint === null ? 'unavailable' : 'ok',
        store: { reachable: true, head: head.right, ...foreignPart() },
        projections: checkpoint === null ? { checkpoint } : { checkpoint, lag: Math.max(0, head.right - checkpoint) },
        ...connectionPart()
      })
    }
  )

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['operations'],
        produces: ['text/plain'],
        querystring: { type: 'object', properties: {} },
        response: { 200: { description: 'Prometheus text format 0.0.4.', type: 'string' } }
      }
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics()
      return reply.header('content-type', metrics.registry.contentType).send(text)
    }
  )

  app.get(
    '/openapi.json',
    {
      config: { public: true },
      schema: {
        summary: 'This API, described as OpenAPI 3 (generated from the route schemas)',
        tags: ['operations'],
        querystring: { type: 'object', properties: {} },
        response: { 200: { description: 'An OpenAPI 3.0 document.', type: 'object', additionalProperties: true } }
      }
    },
    async (_request, reply) => reply.send(app.swagger())
  )
}
