/**
 * Builds the HTTP server (fastify 5): the webhook receiver, the query API, the live feed and the operational
 * routes, with one error shape, one log line per request, metrics, and an OpenAPI 3 document generated from
 * the route schemas (@fastify/swagger; nothing hand-written).
 *
 * The server is built from its dependencies (store, projections, clock, logger) and does not open or close
 * them: ./serve-app.ts owns that life cycle, and tests build servers over a store of their own.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import type { EventStore, ReadModelStore } from '@callstate/projections'
import { bearerToken, tokenMatches } from './auth.js'
import { CLIENT_LIMITS, type ClientLimits } from './config.js'
import { ApiErrorSchema, apiError, installErrorHandlers } from './errors.js'
import { requestLogLine } from './logging.js'
import { connectionMetrics, type ConnectionProbe } from './connection.js'
import { createMetrics, storeMetrics, type ServerMetrics } from './metrics.js'
import { registerFeed } from './routes/feed.js'
import { registerOps, type ProjectionProbe } from './routes/ops.js'
import { registerQuarantine } from './routes/quarantine.js'
import { registerQueries } from './routes/queries.js'
import { registerQueues } from './routes/queues.js'
import { registerStats, type Reports } from './routes/stats.js'
import { sharedSchemas } from './schemas.js'
import { registerWebhook } from './routes/webhook.js'
import { registerUi } from './routes/ui.js'
import { webhookCommit, type WebhookCommit } from './webhook-commit.js'

export interface ServerConfig {
  /** Path of the webhook route (default `/webhook`). */
  readonly webhookPath: string
  /** Largest webhook body accepted, in bytes (default 1 MiB); larger gets 413. */
  readonly bodyLimit: number
  /** RingCentral's verification token; when absent, notifications are accepted unauthenticated. */
  readonly verificationToken?: string
  /** Bearer token required on the query API; when absent the query API is open. */
  readonly apiToken?: string
  /** A live session with no event for this long is reported `stale` by the queries. */
  readonly staleAfterMs: number
  /** The web UI's built files (`@callstate/web`'s `webRoot`), served at `/` and `/assets/*`; absent: no UI. */
  readonly uiRoot?: string
  /** Timeouts and caps against slow, idle and stuck clients; each one left out is its `CLIENT_LIMITS` default. */
  readonly limits?: Partial<ClientLimits>
}

export interface ServerDeps {
  readonly store: EventStore
  /** A pino logger (./logging.ts `createLogger`). */
  readonly logger: FastifyBaseLogger
  /** The clock: `receivedAt` of notifications, `now` of the queries. */
  readonly now: () => Date
  readonly projections: ProjectionProbe
  /** The read models the in-process projections keep up to date (the query API reads them). */
  readonly readModels: ReadModelStore
  /** Call and queue reports for `GET /stats` and `GET /queues`; the routes are left out without them. */
  readonly reports?: Reports
  /** The RingCentral connection (serve with credentials): shown in `/health` and `/metrics`. */
  readonly connection?: ConnectionProbe
}

export interface CallstateServer {
  readonly app: FastifyInstance
  readonly metrics: ServerMetrics
  /** The webhook's group commit: drained at shutdown, after the server stopped accepting. */
  readonly commit: WebhookCommit
}

/** Routes that need no API token: the webhook has its own token, health and the API description are public. */
declare module 'fastify' {
  interface FastifyContextConfig {
    readonly public?: boolean
  }
}

const installRequestObservation = (app: FastifyInstance, metrics: ServerMetrics): void => {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    metrics.requestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000
    )
    request.log.info(requestLogLine(request, reply), 'request')
  })
}

const installApiToken = (app: FastifyInstance, apiToken: string | undefined): void => {
  if (apiToken === undefined) return
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public === true) return
    if (tokenMatches(apiToken, bearerToken(request.headers))) return
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="callstate"')
      .send(apiError('unauthorized', 'this route needs an Authorization: Bearer <api token> header'))
  })
}

export const buildServer = async (config: ServerConfig, deps: ServerDeps): Promise<CallstateServer> => {
  const limits: ClientLimits = { ...CLIENT_LIMITS, ...config.limits }
  const app = Fastify({
    // Slow, idle and stuck clients are closed after a bounded time (docs/server.md, "Limits and timeouts").
    // Node checks the headers and request timeouts every `connectionsCheckingInterval` (30 s by default).
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs
    },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    loggerInstance: deps.logger,
    // One line per request, written by the onResponse hook, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // A request arriving while the server shuts down is answered 503 (RingCentral retries it).
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: true } }
  })
  const metrics = createMetrics(() => deps.projections.lag())
  if (deps.connection !== undefined) connectionMetrics(metrics.registry, deps.connection)
  if (deps.store.diagnostics !== undefined) storeMetrics(metrics.registry, deps.store.diagnostics)
  const commit = webhookCommit({
    store: deps.store,
    now: deps.now,
    onBatch: (size) => metrics.batchSize.observe(size)
  })

  // The webhook body is kept as the exact text received: what is stored is what was sent.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  app.addSchema(ApiErrorSchema)
  for (const schema of sharedSchemas) app.addSchema(schema)
  installErrorHandlers(app, {
    onTooLarge: (url) => {
      metrics.rejected.inc({ reason: 'too-large' })
      app.log.warn({ url, bodyLimit: config.bodyLimit }, 'request body over the limit, answered 413')
    },
    discardBytes: limits.discardBytes
  })
  installRequestObservation(app, metrics)
  installApiToken(app, config.apiToken)

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'callstate',
        description:
          'RingCentral webhook receiver and call-state query API. Query routes need `Authorization: Bearer ' +
          '<token>` when the server runs with an API token.',
        version: '0.1.0'
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json['$id'] ?? `def-${i}`) }
  })

  registerWebhook(app, {
    path: config.webhookPath,
    bodyLimit: config.bodyLimit,
    verificationToken: config.verificationToken,
    commit,
    metrics,
    ...(deps.connection !== undefined ? { onStored: deps.connection.delivered } : {})
  })
  registerOps(app, {
    store: deps.store,
    projections: deps.projections,
    metrics,
    ...(deps.connection !== undefined ? { connection: deps.connection } : {})
  })
  registerQueries(app, {
    deps: { store: deps.store, readModels: deps.readModels },
    now: deps.now,
    staleAfterMs: config.staleAfterMs
  })
  if (deps.reports !== undefined) {
    registerStats(app, deps.reports)
    registerQueues(app, deps.reports)
  }
  registerQuarantine(app, deps.store)
  if (config.uiRoot !== undefined) registerUi(app, config.uiRoot)
  const feeds = new Set<() => void>()
  registerFeed(app, {
    store: deps.store,
    readModels: deps.readModels,
    open: feeds,
    now: deps.now,
    staleAfterMs: config.staleAfterMs,
    stallMs: limits.feedStallMs
  })
  // Feeds never end by themselves; without this, closing the server would wait for every SSE client.
  app.addHook('preClose', async () => {
    for (const end of [...feeds]) end()
  })
  return { app, metrics, commit }
}
