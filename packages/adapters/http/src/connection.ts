/**
 * The RingCentral connection as the server shows it, when `serve` runs with credentials: under `connection` in
 * `GET /health`, and as `callstate_ringcentral_*` metrics read from the connector's status at each scrape:
 * - `callstate_ringcentral_connected`: 1 while subscribed (WebSocket open and subscribed, or webhook `Active`).
 * - `callstate_ringcentral_last_notification_timestamp_seconds`: when the last notification was stored (NaN: none).
 * - `callstate_ringcentral_notifications_total`: notifications stored from the connection.
 * - `callstate_ringcentral_reconnects_total`, `callstate_ringcentral_recoveries_total{result}` (successful, failed).
 * - `callstate_ringcentral_subscription_expiry_timestamp_seconds`.
 * - `callstate_ringcentral_reconciliation_checks_total`, `callstate_ringcentral_reconciliation_closures_total`.
 * - `callstate_ringcentral_alerts`: how many alerts `/health` lists (0: nothing to look at).
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { ConnectionStatus } from '@callstate/ringcentral'

export interface ConnectionProbe {
  readonly status: () => ConnectionStatus
  /** A notification was stored from the webhook route (webhook mode counts deliveries this way). */
  readonly delivered: () => void
}

const seconds = (iso: string | null): number => (iso === null ? Number.NaN : Date.parse(iso) / 1000)

export const connectionMetrics = (registry: Registry, probe: ConnectionProbe): void => {
  const registers = [registry]
  const gauge = (name: string, help: string, read: (s: ConnectionStatus) => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(probe.status()))
      }
    })
  }
  // Counters whose totals the connector keeps: set from them at each scrape.
  const counter = (name: string, help: string, read: (s: ConnectionStatus) => number): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset()
        this.inc(read(probe.status()))
      }
    })
  }
  gauge('callstate_ringcentral_connected', '1 while the RingCentral subscription is live, else 0.', (s) =>
    s.connected ? 1 : 0
  )
  gauge(
    'callstate_ringcentral_last_notification_timestamp_seconds',
    'When the last notification from RingCentral was stored (Unix seconds; NaN: none yet).',
    (s) => seconds(s.lastNotificationAt)
  )
  gauge(
    'callstate_ringcentral_subscription_expiry_timestamp_seconds',
    'When the RingCentral subscription expires unless renewed (Unix seconds; NaN: unknown).',
    (s) => seconds(s.subscription.expiresAt)
  )
  gauge(
    'callstate_ringcentral_alerts',
    'Alerts about the RingCentral connection listed in /health.',
    (s) => s.alerts.length
  )
  counter(
    'callstate_ringcentral_notifications_total',
    'Notifications stored from the RingCentral connection.',
    (s) => s.notifications
  )
  counter(
    'callstate_ringcentral_reconnects_total',
    'Times the WebSocket was found closed and reconnected.',
    (s) => s.reconnects
  )
  new Counter({
    name: 'callstate_ringcentral_recoveries_total',
    help: 'WebSocket session recoveries, by result (failed: notifications sent meanwhile may be lost; reconciled).',
    labelNames: ['result'] as const,
    registers,
    collect() {
      const { recoveries } = probe.status()
      this.reset()
      this.inc({ result: 'successful' }, recoveries.successful)
      this.inc({ result: 'failed' }, recoveries.failed)
    }
  })
  counter(
    'callstate_ringcentral_reconciliation_checks_total',
    'Live calls checked with the telephony session REST call.',
    (s) => s.reconciliation.checks
  )
  counter(
    'callstate_ringcentral_reconciliation_closures_total',
    'Calls ended because the platform no longer knew the session (ReconciliationObserved events).',
    (s) => s.reconciliation.closed
  )
}

/** The `connection` object of `GET /health`. */
export const ConnectionHealthSchema = {
  type: 'object',
  description: 'The RingCentral connection (present when serve runs with RingCentral credentials).',
  required: ['mode', 'connected', 'state', 'subscription', 'reconciliation', 'alerts'],
  properties: {
    mode: { type: 'string', enum: ['websocket', 'webhook'] },
    connected: { type: 'boolean' },
    state: { type: 'string' },
    connectedSince: { type: 'string', nullable: true },
    lastNotificationAt: { type: 'string', nullable: true },
    notifications: { type: 'integer' },
    reconnects: { type: 'integer' },
    recoveries: {
      type: 'object',
      properties: { successful: { type: 'integer' }, failed: { type: 'integer' } }
    },
    subscription: {
      type: 'object',
      properties: {
        id: { type: 'string', nullable: true },
        status: { type: 'string', nullable: true },
        expiresAt: { type: 'string', nullable: true },
        renewals: { type: 'integer' },
        recreations: { type: 'integer' }
      }
    },
    reconciliation: {
      type: 'object',
      properties: {
        checks: { type: 'integer' },
        closed: { type: 'integer' },
        lastRoundAt: { type: 'string', nullable: true },
        lastError: { type: 'string', nullable: true }
      }
    },
    token: {
      type: 'object',
      properties: { relogins: { type: 'integer' }, lastError: { type: 'string', nullable: true } }
    },
    lastError: { type: 'string', nullable: true },
    alerts: { type: 'array', items: { type: 'string' } }
  }
} as const
