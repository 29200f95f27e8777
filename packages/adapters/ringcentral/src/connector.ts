/**
 * The RingCentral connector: logs in with the JWT (and keeps the token fresh), subscribes (over WebSocket by default,
 * or keeps a webhook subscription to a public address), hands every notification to the same ingest path as the
 * webhook, and reconciles the calls whose end never came. `status()` is what `/health` and `/metrics` show.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { EventStore, ReadModelStore } from '@callstate/projections'
import type { RingCentralCredentials } from './config.js'
import { describeRcFailure } from './failure.js'
import { startGateway, type Gateway } from './gateway.js'
import type { ConnectorLog } from './log.js'
import { openPlatform, type Platform } from './platform.js'
import { startReconciler, type Reconciler, type ReconcilerStatus } from './reconcile.js'
import type { Secret } from './secret.js'
import { keepWebhookSubscription, type WebhookKeeper } from './webhook-keeper.js'

/** Account-level telephony sessions and the user's detailed presence (with the active calls). */
export const DEFAULT_EVENT_FILTERS: ReadonlyArray<string> = [
  '/restapi/v1.0/account/~/telephony/sessions',
  '/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true'
]

export type ConnectorMode =
  { readonly kind: 'websocket' } | { readonly kind: 'webhook'; readonly publicUrl: string; readonly stateFile: string }

export interface ConnectorOptions {
  readonly credentials: RingCentralCredentials
  readonly mode: ConnectorMode
  readonly eventFilters?: ReadonlyArray<string>
  /** A WebSocket notification (its text as received): resolves true once stored (the webhook's ingest path). */
  readonly receive: (notification: string, messageId: string) => Promise<boolean>
  readonly store: EventStore
  readonly readModels: ReadModelStore
  readonly log: ConnectorLog
  readonly now?: () => number
  /** A live call with no event for this long is checked with the platform (default 10 min). */
  readonly reconcileQuietMs?: number
  readonly reconcileIntervalMs?: number
  /** Connected but no notification for this long: an alert (default 30 min). */
  readonly silenceAlertMs?: number
  readonly gatewayCheckMs?: number
  /** Webhook mode: how often the subscription is read back (default 5 min) and renewed how long before expiry. */
  readonly webhookCheckMs?: number
  readonly webhookRenewBeforeMs?: number
  readonly webhookExpiresInS?: number
}

/** What `/health` shows under `connection` and `/metrics` exports (`callstate_ringcentral_*`). */
export interface ConnectionStatus {
  readonly mode: 'websocket' | 'webhook'
  /** WebSocket: the socket is open and subscribed. Webhook: the subscription is `Active`. */
  readonly connected: boolean
  /** `connecting`, `connected`, `reconnecting`, `stopped` (WebSocket); the subscription's status (webhook). */
  readonly state: string
  readonly connectedSince: string | null
  /** The last notification stored from this connection (webhook: from the webhook route). */
  readonly lastNotificationAt: string | null
  readonly notifications: number
  readonly reconnects: number
  readonly recoveries: { readonly successful: number; readonly failed: number }
  readonly subscription: {
    readonly id: string | null
    readonly status: string | null
    readonly expiresAt: string | null
    readonly renewals: number
    readonly recreations: number
  }
  readonly reconciliation: ReconcilerStatus
  readonly token: { readonly relogins: number; readonly lastError: string | null }
  readonly lastError: string | null
  /** What an operator should look at now (empty: nothing). */
  readonly alerts: ReadonlyArray<string>
}

export interface Connector {
  readonly status: () => ConnectionStatus
  /** Webhook mode: the token the platform sends with each notification, for the server to check. */
  readonly verificationToken: Secret | undefined
  /** Webhook mode: create or check the subscription (the server must already answer the validation handshake). */
  readonly ensureWebhook: () => Promise<E.Either<string, void>>
  readonly reconcileNow: (reason: string) => Promise<void>
  /** Webhook mode: a notification from the subscription was stored (the webhook route says so). */
  readonly delivered: () => void
  readonly stop: () => Promise<void>
}

/** Logs in, then starts everything; a refused login is one line, for the caller to print and exit. */
export const startConnector = async (options: ConnectorOptions): Promise<E.Either<string, Connector>> => {
  const now = options.now ?? Date.now
  const platform: Platform = openPlatform(options.credentials, { now })
  const login = await platform.login()
  if (E.isLeft(login)) return E.left(describeRcFailure(login.left))
  const { log } = options
  const startedAt = now()
  const filters = options.eventFilters ?? DEFAULT_EVENT_FILTERS
  const refreshing = { relogins: 0, lastError: null as string | null }
  const stopRefresh = platform.startRefresh(
    () => {
      refreshing.relogins++
      log.warn({}, 'RingCentral refresh refused: logged in again (a new OAuth session)')
    },
    (f) => {
      refreshing.lastError = describeRcFailure(f)
      log.warn({ error: refreshing.lastError }, 'RingCentral token refresh failed')
    }
  )
  const reconciler: Reconciler = startReconciler({
    platform,
    store: options.store,
    readModels: options.readModels,
    log,
    now,
    ...(options.reconcileQuietMs !== undefined ? { quietMs: options.reconcileQuietMs } : {}),
    ...(options.reconcileIntervalMs !== undefined ? { intervalMs: options.reconcileIntervalMs } : {})
  })
  const mode = options.mode
  const gateway: Gateway | undefined =
    mode.kind === 'websocket'
      ? startGateway({
          platform,
          eventFilters: filters,
          receive: options.receive,
          onRecoveryFailed: (reason) => {
            log.warn({ reason }, 'notifications may have been missed: reconciling the live calls')
            void reconciler.runNow(reason)
          },
          log,
          now,
          ...(options.gatewayCheckMs !== undefined ? { checkMs: options.gatewayCheckMs } : {})
        })
      : undefined
  const keeper: WebhookKeeper | undefined =
    mode.kind === 'webhook'
      ? keepWebhookSubscription({
          platform,
          address: mode.publicUrl,
          eventFilters: filters,
          stateFile: mode.stateFile,
          log,
          now,
          ...(options.webhookCheckMs !== undefined ? { checkMs: options.webhookCheckMs } : {}),
          ...(options.webhookRenewBeforeMs !== undefined ? { renewBeforeMs: options.webhookRenewBeforeMs } : {}),
          ...(options.webhookExpiresInS !== undefined ? { expiresInS: options.webhookExpiresInS } : {})
        })
      : undefined
  // Calls may have ended while callstate was not listening: one round at start.
  void reconciler.runNow('start')

  const delivered = { count: 0, at: null as number | null }
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

  const status = (): ConnectionStatus => {
    const ws = gateway?.status()
    const hook = keeper?.status()
    const connected = ws !== undefined ? ws.state === 'connected' : hook?.status === 'Active'
    const lastNotificationAt = ws !== undefined ? ws.lastNotificationAt : iso(delivered.at)
    const alerts: string[] = []
    if (ws !== undefined && ws.state !== 'connected')
      alerts.push(`the WebSocket subscription is ${ws.state}${ws.lastError !== null ? ` (${ws.lastError})` : ''}`)
    if (hook !== undefined && hook.status !== 'Active')
      alerts.push(`the webhook subscription is ${hook.status ?? 'not created yet'}`)
    if (hook?.lastError) alerts.push(hook.lastError)
    if (connected) {
      // A subscription that stopped delivering is an alert, not a silent gap.
      const since = Date.parse(lastNotificationAt ?? ws?.connectedSince ?? iso(startedAt) ?? '')
      const silence = options.silenceAlertMs ?? 1_800_000
      if (Number.isFinite(since) && now() - since >= silence)
        alerts.push(
          `no notification for ${Math.round((now() - since) / 60_000)} min: check the subscription's event filters, ` +
            "the app's scopes, and that calls are being made"
        )
    }
    if (refreshing.lastError !== null) alerts.push(refreshing.lastError)
    const reconciliation = reconciler.status()
    if (reconciliation.lastError !== null) alerts.push(`reconciliation: ${reconciliation.lastError}`)
    return {
      mode: mode.kind,
      connected,
      state: ws?.state ?? hook?.status ?? 'connecting',
      connectedSince: ws?.connectedSince ?? null,
      lastNotificationAt,
      notifications: ws?.notifications ?? delivered.count,
      reconnects: ws?.reconnects ?? 0,
      recoveries: ws?.recoveries ?? { successful: 0, failed: 0 },
      subscription: {
        id: ws?.subscriptionId ?? hook?.subscriptionId ?? null,
        status: ws?.subscriptionStatus ?? hook?.status ?? null,
        expiresAt: ws?.subscriptionExpiresAt ?? hook?.expirationTime ?? null,
        renewals: hook?.renewals ?? 0,
        recreations: hook?.recreations ?? 0
      },
      reconciliation,
      token: { ...refreshing },
      lastError: ws?.lastError ?? hook?.lastError ?? null,
      alerts
    }
  }

  return E.right({
    status,
    verificationToken: keeper?.verificationToken,
    ensureWebhook: async () => {
      if (keeper === undefined) return E.right(undefined)
      const r = await keeper.ensure()
      return E.isLeft(r) ? r : E.right(undefined)
    },
    reconcileNow: reconciler.runNow,
    delivered: () => {
      delivered.count++
      delivered.at = now()
    },
    stop: async () => {
      stopRefresh()
      reconciler.stop()
      keeper?.stop()
      await gateway?.stop()
      await platform.logout()
    }
  })
}
