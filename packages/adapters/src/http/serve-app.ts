/**
 * The `callstate serve` process, as a function: open the store, start the in-process projections (they follow
 * the log live), build the HTTP server and listen. `stop()` is the graceful shutdown SIGTERM/SIGINT run:
 * stop accepting (new requests get 503, RingCentral retries them), let in-flight requests finish (their
 * appends complete and are answered), drain the group commit, stop the projections (their checkpoint is
 * committed with every batch they apply, so a restart resumes from it), close the store.
 */
import * as E from 'fp-ts/lib/Either.js'
import type pino from 'pino'
import type { StoreFailure } from '@callstate/projections'
import { openStore } from '../open-store.js'
import { createLogger } from './logging.js'
import { buildServer, type CallstateServer, type ServerConfig } from './server.js'

export interface ServeOptions extends ServerConfig {
  readonly host: string
  /** 0 picks a free port (tests). */
  readonly port: number
  readonly dataDir: string
  readonly esdb?: string
  readonly logLevel: string
  /** Where JSON log lines go (stdout by default). */
  readonly logDestination?: pino.DestinationStream
  /** Where the loud start-up warnings also go, for a person watching the terminal (stderr by default). */
  readonly warn?: (line: string) => void
  readonly now?: () => Date
}

export interface RunningServe extends CallstateServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string
  /** Graceful shutdown; resolves when everything is closed. Safe to call more than once. */
  readonly stop: () => Promise<void>
}

export type ServeFailure =
  | { readonly _tag: 'StoreFailed'; readonly failure: StoreFailure; readonly message: string }
  | { readonly _tag: 'ListenFailed'; readonly message: string }

const describe = (f: StoreFailure): string =>
  f._tag === 'Unavailable' ? f.cause : f._tag === 'InvalidRequest' ? f.reason : f._tag

export const UNAUTHENTICATED_WARNING =
  'no verification token configured (--verification-token / CALLSTATE_VERIFICATION_TOKEN): the webhook ' +
  'accepts notifications from anyone who can reach it'

export const startServe = async (options: ServeOptions): Promise<E.Either<ServeFailure, RunningServe>> => {
  const logger = createLogger(options.logLevel, options.logDestination)
  const warn = options.warn ?? ((line: string) => process.stderr.write(`callstate serve: warning: ${line}\n`))
  const now = options.now ?? (() => new Date())

  const opened = await openStore({ dataDir: options.dataDir, ...(options.esdb ? { esdb: options.esdb } : {}) })()
  if (E.isLeft(opened))
    return E.left({
      _tag: 'StoreFailed',
      failure: opened.left,
      message: `cannot open the store: ${describe(opened.left)}`
    })
  const store = opened.right

  const server = await buildServer(options, {
    store,
    logger,
    now,
    projections: { checkpoint: () => 0, lag: () => null }
  })
  const { app, commit } = server

  let stopping: Promise<void> | null = null
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down: no new requests; finishing in-flight appends')
      await app.close()
      await commit.drain()
      await store.close()
      logger.info('stopped')
    })()
    return stopping
  }

  try {
    await app.listen({ host: options.host, port: options.port })
  } catch (e) {
    await store.close()
    return E.left({ _tag: 'ListenFailed', message: e instanceof Error ? e.message : String(e) })
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`
  if (options.verificationToken === undefined) {
    logger.warn(UNAUTHENTICATED_WARNING)
    warn(UNAUTHENTICATED_WARNING)
  }
  logger.info({ url, webhook: `${url}${options.webhookPath}`, dataDir: options.dataDir }, 'listening')
  return E.right({ ...server, url, stop })
}
