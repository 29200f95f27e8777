/** `GET /extensions/:id/presence`: an extension's presence timeline, or its presence at one instant. */
import type { FastifyInstance } from 'fastify'
import { queryPresence, queryPresenceAt } from '@callstate/projections'
import { PresenceAtSchema, PresenceTimelineSchema, timeParams } from '../schemas.js'
import { answer, errorResponses, idParams, security, type QueryRouteOptions } from './answer.js'

interface PresenceQuery {
  readonly from?: string
  readonly to?: string
  readonly at?: string
  readonly knownAt?: string
}

export const registerPresenceRoutes = (app: FastifyInstance, { deps }: QueryRouteOptions): void => {
  app.get<{ Params: { id: string }; Querystring: PresenceQuery }>(
    '/extensions/:id/presence',
    {
      schema: {
        summary: "An extension's presence timeline (within from..to), or its presence at `at`",
        tags: ['queries'],
        security,
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', format: 'date-time', description: 'Intervals that end after this instant.' },
            to: { type: 'string', format: 'date-time', description: 'Intervals that start by this instant.' },
            ...timeParams
          }
        },
        response: { 200: { anyOf: [PresenceTimelineSchema, PresenceAtSchema] }, ...errorResponses }
      }
    },
    async (request, reply) => {
      const { from, to, at, knownAt } = request.query
      const known = knownAt !== undefined ? { knownAt } : {}
      if (at !== undefined) return answer(reply, queryPresenceAt(deps, request.params.id, at, known))
      return answer(
        reply,
        queryPresence(deps, request.params.id, {
          ...known,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {})
        })
      )
    }
  )
}
