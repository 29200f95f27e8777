/**
 * Reconciliation: closing calls whose end never arrived by asking the platform. Every `intervalMs` (and at once
 * after a failed WebSocket recovery, when anything may have been missed), the calls the read models think are live
 * and that had no event for `quietMs` are checked with the telephony session REST call
 * (`GET /restapi/v1.0/account/~/telephony/sessions/{id}`, rate-limit group Light). A session the platform no longer
 * knows (404) is ended: what was learned is recorded as a `ReconciliationObserved` event in the session's stream
 * (the request, the answer and the time asked: never a fake RingCentral notification), which the session fold takes
 * as the end of the parties still live. A session still known is left alone (checked again after `quietMs`).
 * Rate limits: a 429, or a group out of requests, ends the round; the next waits for `Retry-After`.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  describeStoreFailure,
  streams,
  type EventStore,
  type NewEvent,
  type ReadModelStore,
  type ReconciliationData
} from '@callstate/projections'
import { reconciliationEventId, sha256Hex } from '@callstate/ingest'
import { describeRcFailure } from './failure.js'
import type { ConnectorLog } from './log.js'
import type { Platform } from './platform.js'

export interface ReconcilerOptions {
  readonly platform: Platform
  readonly store: EventStore
  readonly readModels: ReadModelStore
  readonly log: ConnectorLog
  readonly now?: () => number
  /** A live call with no event for this long is checked (default 10 min). */
  readonly quietMs?: number
  /** How often a round runs (default 60 s). */
  readonly intervalMs?: number
  /** At most this many checks per round (default 20: the Light group allows 50 a minute). */
  readonly maxPerRound?: number
}

export interface ReconcilerStatus {
  readonly checks: number
  readonly closed: number
  readonly lastRoundAt: string | null
  readonly lastError: string | null
}

export interface Reconciler {
  /** A round now, for every live call however recent its last event (after a failed recovery). */
  readonly runNow: (reason: string) => Promise<void>
  readonly status: () => ReconcilerStatus
  readonly stop: () => void
}

const sessionPath = (id: string): string => `/restapi/v1.0/account/~/telephony/sessions/${encodeURIComponent(id)}`

export const reconciliationEvent = (data: ReconciliationData): NewEvent => {
  const text = JSON.stringify(data)
  return {
    id: reconciliationEventId(data.telephonySessionId, data.askedAt),
    type: 'ReconciliationObserved',
    data: text,
    metadata: {
      receivedAt: data.askedAt,
      source: 'reconciliation',
      sourceRef: data.request,
      contentHash: sha256Hex(text)
    }
  }
}

export const startReconciler = (options: ReconcilerOptions): Reconciler => {
  const { platform, store, readModels, log } = options
  const now = options.now ?? Date.now
  const quietMs = options.quietMs ?? 600_000
  const intervalMs = options.intervalMs ?? 60_000
  const maxPerRound = options.maxPerRound ?? 20
  const checkedAt = new Map<string, number>()
  const counts = { checks: 0, closed: 0 }
  let lastRoundAt: number | null = null
  let lastError: string | null = null
  let running: Promise<void> | undefined
  let pendingAll = false

  interface Candidate {
    readonly id: string
    readonly lastEventAt: string | null
  }

  /** The live calls to ask about: quiet for `quietMs` (any, when `all`), not asked within `quietMs`. */
  const candidates = (all: boolean): Candidate[] => {
    const t = now()
    const rows = readModels.listSessions({ notEnded: true, limit: 5_000 })
    return rows
      .filter((r) => {
        const last = r.lastEventAt === null ? NaN : Date.parse(r.lastEventAt)
        const quiet = all || !Number.isFinite(last) || t - last >= quietMs
        return quiet && t - (checkedAt.get(r.telephonySessionId) ?? -Infinity) >= (all ? 0 : quietMs)
      })
      .map((r) => ({ id: r.telephonySessionId, lastEventAt: r.lastEventAt }))
      .slice(0, maxPerRound)
  }

  // A call quiet for longer than the connector would have let it be was not being followed when it ended: its
  // clocks stop at its last event (the domain's rule, session/reconciliation.ts), not at the question.
  const followedWithinMs = quietMs + 2 * intervalMs
  const endOf = (askedAt: number, lastEventAt: string | null): string | undefined => {
    const last = lastEventAt === null ? NaN : Date.parse(lastEventAt)
    return Number.isFinite(last) && askedAt - last > followedWithinMs ? (lastEventAt ?? undefined) : undefined
  }

  const check = async ({ id, lastEventAt }: Candidate): Promise<'continue' | 'stop'> => {
    const asked = now()
    const askedAt = new Date(asked).toISOString()
    const answer = await platform.request('Light', 'GET', sessionPath(id))
    if (E.isLeft(answer)) {
      lastError = describeRcFailure(answer.left)
      log.warn({ telephonySessionId: id, error: lastError }, 'reconciliation stopped for this round')
      return 'stop'
    }
    counts.checks++
    checkedAt.set(id, now())
    const { status, body } = answer.right
    if (status !== 404) {
      if (status >= 300) {
        // A refusal (403: the app lacks a scope such as CallControl) stops the round and shows in /health's alerts.
        lastError = `RingCentral answered ${status} to the telephony session check (${String(
          (body !== null && typeof body === 'object' && Reflect.get(body, 'errorCode')) || 'no error code'
        )}): check the app's scopes`
        log.warn({ telephonySessionId: id, status }, 'reconciliation: unexpected answer')
        return 'stop'
      }
      return 'continue'
    }
    const endAt = endOf(asked, lastEventAt)
    const data: ReconciliationData = {
      telephonySessionId: id,
      askedAt,
      conclusion: 'gone',
      request: `GET ${sessionPath(id)}`,
      status,
      answer: body,
      ...(lastEventAt !== null ? { lastEventAt } : {}),
      ...(endAt !== undefined ? { endAt } : {})
    }
    const appended = await store.append({
      stream: streams.session(id),
      expected: 'any',
      events: [reconciliationEvent(data)]
    })()
    if (E.isLeft(appended)) {
      lastError = describeStoreFailure(appended.left)
      log.warn({ telephonySessionId: id, error: lastError }, 'reconciliation could not record its finding')
      return 'stop'
    }
    counts.closed++
    log.info({ telephonySessionId: id }, 'reconciliation: the platform no longer knows this call; recorded as ended')
    return 'continue'
  }

  const round = async (all: boolean): Promise<void> => {
    lastRoundAt = now()
    let ids: Candidate[]
    try {
      ids = candidates(all)
    } catch (e) {
      lastError = `read models: ${String(e)}`
      return
    }
    for (const id of ids) if ((await check(id)) === 'stop') return
    lastError = null
  }

  const runNow = async (reason: string): Promise<void> => {
    if (running !== undefined) {
      pendingAll = true
      return running
    }
    log.info({ reason }, 'reconciliation round')
    running = round(true).finally(() => (running = undefined))
    await running
    if (pendingAll) {
      pendingAll = false
      await runNow('a request that arrived during the last round')
    }
  }

  const timer = setInterval(() => {
    if (running !== undefined || now() < platform.pausedUntil('Light')) return
    running = round(false).finally(() => (running = undefined))
  }, intervalMs)

  return {
    runNow,
    status: () => ({
      ...counts,
      lastRoundAt: lastRoundAt === null ? null : new Date(lastRoundAt).toISOString(),
      lastError
    }),
    stop: () => clearInterval(timer)
  }
}
