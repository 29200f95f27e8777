/**
 * The RingCentral connection of `serve` and `connect`: its options (shared by both commands), their checks, and
 * the one way a notification from the WebSocket reaches the log (the webhook's group commit and ingest step, so it
 * gets the same id, the same quarantine and the same durability as a webhook POST).
 */
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { Option, type Command } from 'commander'
import { describeError, describeStoreFailure, parseDuration } from '@callstate/projections'
import type { WebhookCommit } from '@callstate/http'
import {
  credentialsFromEnv,
  DEFAULT_EVENT_FILTERS,
  type ConnectorLog,
  type ConnectorOptions,
  type RingCentralCredentials
} from '@callstate/ringcentral'

/** Timers a test (or an impatient operator) may shorten; the defaults suit a real account. */
export type ConnectorTuning = Partial<
  Pick<
    ConnectorOptions,
    | 'gatewayCheckMs'
    | 'reconcileIntervalMs'
    | 'silenceAlertMs'
    | 'webhookCheckMs'
    | 'webhookRenewBeforeMs'
    | 'webhookExpiresInS'
  >
>

export interface RingCentralSetup {
  readonly credentials: RingCentralCredentials
  /** Webhook mode: the public address RingCentral posts to; otherwise a WebSocket subscription. */
  readonly publicUrl?: string
  readonly eventFilters: ReadonlyArray<string>
  /** A live call with no event for this long is checked with the platform. */
  readonly reconcileAfterMs: number
  readonly tuning?: ConnectorTuning
}

export const DEFAULT_RECONCILE_AFTER = '10m'

export const DEFAULT_EVENT_FILTERS_HELP = 'default: account telephony sessions and detailed presence'

/** The options `serve` and `connect` share (`--public-url` is serve's alone: it needs the webhook route). */
export const addConnectionOptions = (command: Command): Command =>
  command
    .addOption(
      new Option(
        '--event-filter <filter>',
        'RingCentral event filter to subscribe to (repeat for several; default: account telephony sessions and ' +
          'detailed presence; the variable takes a comma-separated list)'
      )
        .env('CALLSTATE_EVENT_FILTERS')
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    )
    .addOption(
      new Option(
        '--reconcile-after <duration>',
        'ask RingCentral about a live call with no event for this long (it ends calls the platform no longer knows)'
      )
        .env('CALLSTATE_RECONCILE_AFTER')
        .default(DEFAULT_RECONCILE_AFTER)
    )

export const CONNECTION_HELP = `
RingCentral: with RINGCENTRAL_SERVER_URL, RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT_TOKEN
in the environment (or RINGCENTRAL_CLIENT_SECRET_FILE / RINGCENTRAL_JWT_TOKEN_FILE naming files), callstate logs in
and subscribes by itself over WebSocket: no public address needed. Secrets are read from the environment or files
only, never from flags (they would show in ps), and never logged.`

/** The environment variable holds a comma-separated list; the flag is repeated. */
export const eventFiltersOf = (value: unknown): E.Either<string, ReadonlyArray<string>> => {
  const raw = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  const filters = raw
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
  if (filters.length === 0) return E.right(DEFAULT_EVENT_FILTERS)
  const bad = filters.find((f) => !f.startsWith('/restapi/'))
  return bad === undefined
    ? E.right(filters)
    : E.left(`--event-filter: "${bad}" is not a RingCentral event filter (they start with /restapi/v1.0/...)`)
}

/** `https://host` alone means this server's webhook route; an address with a path is used as it is. */
export const webhookAddress = (publicUrl: string, webhookPath: string): E.Either<string, string> => {
  let url: URL
  try {
    url = new URL(publicUrl)
  } catch {
    return E.left(`--public-url: not a URL: "${publicUrl}" (say https://callstate.example.com)`)
  }
  // RingCentral delivers to https addresses only; plain http is let through for a loopback address (a local
  // stand-in for the platform, as in the tests), where no certificate can exist.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    return E.left(`--public-url: RingCentral delivers only to https addresses, got "${publicUrl}"`)
  if (url.username !== '' || url.password !== '') return E.left('--public-url: must not carry a user name or password')
  if (url.pathname === '/' || url.pathname === '') url.pathname = webhookPath
  return E.right(url.toString())
}

/**
 * The RingCentral setup from the environment and the command's options: undefined when no credential variable is
 * set (no connection), a usage problem when they are incomplete or an option is wrong.
 */
export const ringCentralSetup = (
  options: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  webhookPath: string
): E.Either<string, RingCentralSetup | undefined> => {
  const credentials = credentialsFromEnv(env)
  if (E.isLeft(credentials)) return E.left(credentials.left.message)
  const publicUrl =
    typeof options['publicUrl'] === 'string' && options['publicUrl'] !== '' ? options['publicUrl'] : undefined
  if (credentials.right === undefined)
    return publicUrl === undefined
      ? E.right(undefined)
      : E.left(
          '--public-url needs RingCentral credentials to create the subscription: set RINGCENTRAL_SERVER_URL, ' +
            'RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT_TOKEN'
        )
  const filters = eventFiltersOf(options['eventFilter'])
  if (E.isLeft(filters)) return filters
  const after = parseDuration(String(options['reconcileAfter'] ?? DEFAULT_RECONCILE_AFTER))
  if (E.isLeft(after)) return E.left(`--reconcile-after: ${after.left}`)
  const address = publicUrl === undefined ? undefined : webhookAddress(publicUrl, webhookPath)
  if (address !== undefined && E.isLeft(address)) return address
  return E.right({
    credentials: credentials.right,
    ...(address !== undefined ? { publicUrl: address.right } : {}),
    eventFilters: filters.right,
    reconcileAfterMs: after.right
  })
}

/** Where webhook mode keeps the subscription id and its verification token (mode 0600). */
export const webhookStateFile = (dataDir: string): string => join(dataDir, 'ringcentral-webhook.json')

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A WebSocket notification into the log, through the webhook's commit. A store that cannot take it now (busy,
 * unreachable) is tried again with backoff for about five minutes: the WebSocket cannot ask RingCentral to resend,
 * so the notification is held here meanwhile; it counts as received only once stored.
 */
export const receiveThrough =
  (commit: () => Promise<WebhookCommit>, log: ConnectorLog, stopping: () => boolean) =>
  async (notification: string, messageId: string): Promise<boolean> => {
    const item = { raw: notification, source: 'websocket' as const, sourceRef: `websocket message ${messageId}` }
    for (let attempt = 1; ; attempt++) {
      let cause: string
      try {
        const result = await (await commit()).submit(item)
        if (E.isRight(result)) return true
        cause = describeStoreFailure(result.left)
      } catch (e) {
        cause = describeError(e)
      }
      if (stopping() || attempt >= 20) {
        log.warn({ messageId, cause, attempts: attempt }, 'a RingCentral notification could not be stored: lost')
        return false
      }
      log.warn({ messageId, cause, attempt }, 'the store did not take a RingCentral notification: trying again')
      await sleep(Math.min(30_000, 500 * 2 ** attempt))
    }
  }
