/**
 * The call-state query API: the projections' query functions over HTTP, answering the same JSON shapes as the
 * CLI's `--json` (./sessions.ts, ./presence.ts; ./answer.ts turns failures into `{error, message}` answers).
 * Unknown ids are 404; bad parameters are refused by the route schemas with 400 naming the parameter and the rule.
 *
 * The read models follow the log in this process, so an answer reflects every notification the projections
 * have applied: a notification answered 200 becomes visible after the runner's next batch (docs/server.md,
 * "visibility delay"). `stale` is decided per request from the server clock (or `at`) and `--stale-after`.
 */
import type { FastifyInstance } from 'fastify'
import type { QueryRouteOptions } from './answer.js'
import { registerPresenceRoutes } from './presence.js'
import { registerSessionRoutes } from './sessions.js'

export type { QueryRouteOptions }

export const registerQueries = (app: FastifyInstance, options: QueryRouteOptions): void => {
  registerSessionRoutes(app, options)
  registerPresenceRoutes(app, options)
}
