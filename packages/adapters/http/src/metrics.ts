/**
 * Prometheus metrics of the server, on a registry of its own (two servers in one process, as in tests, do not
 * share counters). Names and labels:
 * - `callstate_notifications_accepted_total{kind}`: appended to the log (kind: telephony-session, presence (both presence kinds), message-store, unknown).
 * - `callstate_notifications_duplicate_total{kind}`: already in the log, answered 200, stored once.
 * - `callstate_notifications_quarantined_total{reason}`: kept in quarantine (not-json, not-a-notification,
 *   decode-failed, conflict), answered 202.
 * - `callstate_notifications_rejected_total{reason}`: not stored: unauthorized (401), too-large (413),
 *   store-unavailable (503), empty-body (400).
 * - `callstate_webhook_handshakes_total`: subscription validation requests answered.
 * - `callstate_commit_batch_size`: notifications per group commit (one `appendBatch` transaction).
 * - `callstate_projection_lag_events`: log head minus the projections' checkpoint, read at scrape time.
 * - `callstate_http_request_duration_seconds{method,route,status_code}`: request latency.
 * - `callstate_store_foreign_events_skipped_total`: events another program wrote, skipped by the store's reads
 *   (stores with `diagnostics` only: EventStoreDB), read at scrape time.
 * - the prom-client default process metrics, prefixed `callstate_`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { StoreDiagnostics } from '@callstate/projections'

export type RejectReason = 'unauthorized' | 'too-large' | 'store-unavailable' | 'empty-body'

export interface ServerMetrics {
  readonly registry: Registry
  readonly accepted: Counter<'kind'>
  readonly duplicate: Counter<'kind'>
  readonly quarantined: Counter<'reason'>
  readonly rejected: Counter<'reason'>
  readonly handshakes: Counter
  readonly batchSize: Histogram
  readonly requestDuration: Histogram<'method' | 'route' | 'status_code'>
}

/** `lag` is read at every scrape; it answers null when the lag is unknown (store unreachable). */
export const createMetrics = (lag: () => Promise<number | null>): ServerMetrics => {
  const registry = new Registry()
  const registers = [registry]
  collectDefaultMetrics({ register: registry, prefix: 'callstate_' })
  const rejected = new Counter({
    name: 'callstate_notifications_rejected_total',
    help: 'Webhook requests refused without storing anything, by reason.',
    labelNames: ['reason'] as const,
    registers
  })
  // Zero series exist from the start, so a dashboard sees "0 rejected" rather than "no data".
  for (const reason of ['unauthorized', 'too-large', 'store-unavailable', 'empty-body'] as const)
    rejected.inc({ reason }, 0)
  new Gauge({
    name: 'callstate_projection_lag_events',
    help: 'Events in the log not yet applied to the read models (log head minus checkpoint); NaN when unknown.',
    registers,
    async collect() {
      const value = await lag()
      this.set(value ?? Number.NaN)
    }
  })
  return {
    registry,
    accepted: new Counter({
      name: 'callstate_notifications_accepted_total',
      help: 'Notifications appended to the log, by kind.',
      labelNames: ['kind'] as const,
      registers
    }),
    duplicate: new Counter({
      name: 'callstate_notifications_duplicate_total',
      help: 'Notifications already in the log (answered 200, stored once), by kind.',
      labelNames: ['kind'] as const,
      registers
    }),
    quarantined: new Counter({
      name: 'callstate_notifications_quarantined_total',
      help: 'Notifications kept in quarantine (answered 202), by reason.',
      labelNames: ['reason'] as const,
      registers
    }),
    rejected,
    handshakes: new Counter({
      name: 'callstate_webhook_handshakes_total',
      help: 'Subscription validation requests (Validation-Token, empty body) answered.',
      registers
    }),
    batchSize: new Histogram({
      name: 'callstate_commit_batch_size',
      help: 'Notifications committed together in one group commit (one appendBatch transaction).',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers
    }),
    requestDuration: new Histogram({
      name: 'callstate_http_request_duration_seconds',
      help: 'HTTP request latency, by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers
    })
  }
}

/** The store's own counters, read from its `diagnostics` at each scrape. */
export const storeMetrics = (registry: Registry, diagnostics: () => StoreDiagnostics): void => {
  new Counter({
    name: 'callstate_store_foreign_events_skipped_total',
    help: 'Events another program wrote into the log, skipped by the reads (each counted once).',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(diagnostics().foreignSkipped)
    }
  })
}
