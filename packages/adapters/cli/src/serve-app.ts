/**
 * The `callstate serve` process, as a function: open the store, start the in-process projections (they follow
 * the log live), build the HTTP server and listen. `stop()` is the graceful shutdown SIGTERM/SIGINT run:
 * stop accepting (new requests get 503, RingCentral retries them), let in-flight requests finish (their
 * appends complete and are answered), drain the group commit, stop the projections (their checkpoint is
 * committed with every batch they apply, so a restart resumes from it), close the store.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type pino from 'pino'
import {
  createRunner,
  type QueueRow,
  type StatsRow,
  type StoreFailure,
  describeError,
  describeStoreFailure
} from '@callstate/projections'
import { esdbChoice, openStore } from './open-store.js'
import { followLog } from './follow.js'
import {
  openAnalyticsReader,
  readQueuesNow,
  readQueueStats,
  readStats,
  type AnalyticsFailure,
  type AnalyticsReader
} from '@callstate/readmodels'
import { openReadModels, readModelsPath } from '@callstate/readmodels'
import { createLogger } from '@callstate/http'
import type { Reports } from '@callstate/http'
import { buildServer, type CallstateServer, type ServerConfig, type WebhookCommit } from '@callstate/http'
import { startConnector, type Connector } from '@callstate/ringcentral'
import { webRoot } from '@callstate/web'
import { receiveThrough, webhookStateFile, type RingCentralSetup } from './ringcentral.js'
import { checkLogAtStart, describeRecovery, recoverReadModelsAtStart } from './integrity.js'

export interface ServeOptions extends ServerConfig {
  readonly host: string
  /** 0 picks a free port (tests). */
  readonly port: number
  readonly dataDir: string
  readonly esdb?: string
  readonly esdbTimeoutMs?: number
  readonly esdbConcurrency?: number
  readonly logLevel: string
  /** Where JSON log lines go (stdout by default). */
  readonly logDestination?: pino.DestinationStream
  /** Where the loud start-up warnings also go, for a person watching the terminal (stderr by default). */
  readonly warn?: (line: string) => void
  readonly now?: () => Date
  /** Connect to RingCentral (credentials were given): WebSocket, or webhook when `publicUrl` is set. */
  readonly ringCentral?: RingCentralSetup
}

export interface RunningServe extends CallstateServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string
  /** Graceful shutdown; resolves when everything is closed. Safe to call more than once. */
  readonly stop: () => Promise<void>
  /** The RingCentral connection, when there is one. */
  readonly connector?: Connector
}

export type ServeFailure =
  | { readonly _tag: 'StoreFailed'; readonly failure: StoreFailure; readonly message: string }
  | { readonly _tag: 'ReadModelsFailed'; readonly message: string }
  | { readonly _tag: 'ListenFailed'; readonly message: string }
  | { readonly _tag: 'ConnectFailed'; readonly message: string }

export const UNAUTHENTICATED_WARNING =
  'no verification token configured (--verification-token / CALLSTATE_VERIFICATION_TOKEN): the webhook ' +
  'accepts notifications from anyone who can reach it'

export const startServe = async (options: ServeOptions): Promise<E.Either<ServeFailure, RunningServe>> => {
  const logger = createLogger(options.logLevel, options.logDestination)
  const warn = options.warn ?? ((line: string) => process.stderr.write(`callstate serve: warning: ${line}\n`))
  const now = options.now ?? (() => new Date())

  // A damaged embedded log is refused, not served (integrity.ts); a damaged read-model file is rebuilt below.
  if (options.esdb === undefined) {
    const logChecked = checkLogAtStart(options.dataDir)
    if (E.isLeft(logChecked))
      return E.left({
        _tag: 'StoreFailed',
        failure: { _tag: 'Unavailable', cause: logChecked.left },
        message: `cannot open the store: ${logChecked.left}`
      })
  }

  // Durability full: a 200 means the notification survived a crash or power loss.
  const opened = await openStore({
    dataDir: options.dataDir,
    durability: 'full',
    // The webhook writes at random places of the id index: keep its hot pages cached (sqlite/schema.ts).
    cacheMiB: 64,
    ...esdbChoice(options)
  })()
  if (E.isLeft(opened))
    return E.left({
      _tag: 'StoreFailed',
      failure: opened.left,
      message: `cannot open the store: ${describeStoreFailure(opened.left)}`
    })
  const store = opened.right

  // Read models are local to this node (readmodels.db in the data directory), whichever store holds the log.
  const recovered = describeRecovery(await recoverReadModelsAtStart(store, options.dataDir))
  if (recovered !== undefined) {
    logger.warn(recovered)
    warn(recovered)
  }
  const readModelsOpened = openReadModels({ dataDir: options.dataDir })
  if (E.isLeft(readModelsOpened)) {
    await store.close()
    return E.left({ _tag: 'ReadModelsFailed', message: `cannot open the read models: ${readModelsOpened.left.cause}` })
  }
  const readModels = readModelsOpened.right
  const runner = createRunner(store, readModels)

  let stopping: Promise<void> | null = null

  // A reader per request: it holds one read snapshot for the scan and keeps the first failure it met.
  const readModelsFile = readModelsPath({ dataDir: options.dataDir })
  const clock = () => ({ now: now().toISOString(), staleAfterMs: options.staleAfterMs })
  const withReader = <A>(read: (reader: AnalyticsReader) => E.Either<AnalyticsFailure, A>): E.Either<string, A> => {
    const reader = openAnalyticsReader(readModelsFile)
    if (E.isLeft(reader)) return E.left(reader.left.message)
    try {
      return pipe(
        read(reader.right),
        E.mapLeft((f) => f.message)
      )
    } finally {
      reader.right.close()
    }
  }
  const reports: Reports = {
    stats: ({ query, range, thresholds }) =>
      withReader((reader): E.Either<AnalyticsFailure, ReadonlyArray<StatsRow> | ReadonlyArray<QueueRow>> =>
        query.by.includes('queue')
          ? readQueueStats(reader, query, range, thresholds, clock())
          : readStats(reader, query, range, clock())
      ),
    queues: (zone, thresholds) => withReader((reader) => readQueuesNow(reader, zone, thresholds, clock()))
  }

  // The connector logs in first (wrong credentials stop serve with one line), and its notifications wait for
  // the server's commit, built next.
  let connector: Connector | undefined
  let resolveCommit: (commit: WebhookCommit) => void = () => undefined
  const commitReady = new Promise<WebhookCommit>((resolve) => (resolveCommit = resolve))
  const rc = options.ringCentral
  if (rc !== undefined) {
    const log = {
      info: (fields: Record<string, unknown>, message: string) => logger.info(fields, message),
      warn: (fields: Record<string, unknown>, message: string) => logger.warn(fields, message)
    }
    const started = await startConnector({
      credentials: rc.credentials,
      mode:
        rc.publicUrl === undefined
          ? { kind: 'websocket' }
          : { kind: 'webhook', publicUrl: rc.publicUrl, stateFile: webhookStateFile(options.dataDir) },
      eventFilters: rc.eventFilters,
      reconcileQuietMs: rc.reconcileAfterMs,
      receive: receiveThrough(
        () => commitReady,
        log,
        () => stopping !== null
      ),
      store,
      readModels,
      log,
      ...rc.tuning
    })
    if (E.isLeft(started)) {
      readModels.close()
      await store.close()
      return E.left({ _tag: 'ConnectFailed', message: started.left })
    }
    connector = started.right
    if (rc.publicUrl !== undefined && options.verificationToken !== undefined)
      warn('--verification-token is ignored with --public-url: the subscription callstate creates has its own')
  }
  const webhookToken = connector?.verificationToken?.reveal() ?? options.verificationToken

  const server = await buildServer(
    {
      // The live board is served unless the caller chose otherwise (tests may pass their own build).
      uiRoot: webRoot,
      ...options,
      ...(webhookToken !== undefined ? { verificationToken: webhookToken } : {})
    },
    {
      store,
      logger,
      now,
      readModels,
      reports,
      ...(connector !== undefined ? { connection: connector } : {}),
      projections: {
        checkpoint: () => following.checkpoint(),
        lag: async () => {
          const lag = await runner.lag()()
          return E.isRight(lag) ? lag.right : null
        }
      }
    }
  )
  const { app, commit } = server
  resolveCommit(commit)

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down: no new requests; finishing in-flight appends')
      // No more notifications from RingCentral (a WebSocket subscription is revoked; a webhook one is kept).
      await connector?.stop()
      // In-flight requests finish (and are answered) before close resolves; their appends are in the log.
      await app.close()
      await commit.drain()
      // Resolves after the batch in flight; each batch commits its rows with its checkpoint.
      await following.close()
      const saved = following.checkpoint()
      readModels.close()
      await store.close()
      logger.info({ checkpoint: saved }, 'stopped')
    })()
    return stopping
  }

  try {
    await app.listen({ host: options.host, port: options.port })
  } catch (e) {
    await connector?.stop()
    readModels.close()
    await store.close()
    return E.left({ _tag: 'ListenFailed', message: describeError(e) })
  }
  // The projections follow the log for as long as the server runs (the routes above use it only from now on).
  const following = followLog(runner, logger)
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`
  if (connector !== undefined && rc?.publicUrl !== undefined) {
    // The platform checks the address now (the validation handshake): the server listens already.
    const ensured = await connector.ensureWebhook()
    if (E.isLeft(ensured)) {
      const line = `the webhook subscription could not be created or checked (tried again every few minutes): ${ensured.left}`
      logger.warn(line)
      warn(line)
    }
  }
  if (webhookToken === undefined) {
    logger.warn(UNAUTHENTICATED_WARNING)
    warn(UNAUTHENTICATED_WARNING)
  }
  logger.info({ url, webhook: `${url}${options.webhookPath}`, dataDir: options.dataDir }, 'listening')
  return E.right({ ...server, url, stop, ...(connector !== undefined ? { connector } : {}) })
}
