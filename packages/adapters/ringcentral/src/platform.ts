/**
 * The RingCentral platform through the official SDK (`@ringcentral/sdk`): JWT login, a refresh timer, and REST
 * calls that respect the rate limits.
 *
 * - The SDK refreshes the access token only before a REST call (CONNECT.md 1): a connector that only listens on a
 *   WebSocket would let it expire. `startRefresh` refreshes on a timer, ahead of the expiry; when a refresh is
 *   refused (the refresh token is gone) it logs in again with the JWT, which opens a NEW OAuth session: the
 *   gateway then refuses to recover the old WebSocket session (WSG-1003), which the gateway supervisor handles.
 * - Rate limits (CONNECT.md 5) are per group (Light, Medium, Heavy, Auth). A 429 pauses the group for its
 *   `Retry-After` (30 s when absent, as the guide says); `X-Rate-Limit-Remaining: 0` pauses it for the window. A call
 *   to a paused group is not sent: it answers `RateLimited` with the time left, and the caller waits.
 * - A non-2xx answer other than 429 and the auth failures is an answer (`status`, `body`), for the caller to read (a
 *   404 from the telephony session call means the session is gone).
 */
import { randomUUID } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import { SDK } from '@ringcentral/sdk'
import type { RingCentralCredentials } from './config.js'
import { messageOf, responseOf, statusOf, type AnswerLike, type RcFailure } from './failure.js'

export type RateGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth'

export interface RcAnswer {
  readonly status: number
  readonly body: unknown
}

export interface Platform {
  readonly sdk: SDK
  readonly login: () => Promise<E.Either<RcFailure, void>>
  readonly request: (
    group: RateGroup,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown
  ) => Promise<E.Either<RcFailure, RcAnswer>>
  /** Refreshes on a timer ahead of the access token's expiry; returns the stop function. */
  readonly startRefresh: (onRelogin: () => void, onFailure: (f: RcFailure) => void) => () => void
  /** Whether a group is paused by the rate limits now, and until when. */
  readonly pausedUntil: (group: RateGroup) => number
  readonly logout: () => Promise<void>
}

export interface PlatformOptions {
  readonly appName?: string
  readonly appVersion?: string
  readonly now?: () => number
  /** Refresh when the access token has less than this left (default 5 min, or a fifth of its life if shorter). */
  readonly refreshAheadMs?: number
}

const RETRY_AFTER_DEFAULT_MS = 30_000

const bodyOf = async (response: AnswerLike | undefined): Promise<unknown> => {
  if (response === undefined) return null
  try {
    const text = await response.clone().text()
    return text === '' ? null : JSON.parse(text)
  } catch {
    return null
  }
}

const authFailure = (e: unknown): RcFailure => ({ _tag: 'AuthFailed', status: statusOf(e), message: messageOf(e) })

export const openPlatform = (credentials: RingCentralCredentials, options: PlatformOptions = {}): Platform => {
  const now = options.now ?? Date.now
  const sdk = new SDK({
    server: credentials.serverUrl,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret.reveal(),
    appName: options.appName ?? 'callstate',
    appVersion: options.appVersion ?? '0.1.0',
    // The SDK's token cache is one store per process by default, keyed by this prefix: two platforms in one
    // process (two connectors, a test and a connector) would share tokens and log each other out.
    cachePrefix: `callstate-${randomUUID()}-`,
    // 429s are this module's to handle (pause the group, answer RateLimited): the SDK only throws them.
    handleRateLimit: false
  })
  const platform = sdk.platform()
  const paused = new Map<RateGroup, number>()
  const pausedUntil = (group: RateGroup): number => paused.get(group) ?? 0
  const pause = (group: RateGroup, ms: number): void => {
    paused.set(group, Math.max(pausedUntil(group), now() + ms))
  }

  const noteLimits = (group: RateGroup, headers: AnswerLike['headers'] | undefined): void => {
    const remaining = headers?.get('x-rate-limit-remaining')
    const window = headers?.get('x-rate-limit-window')
    if (remaining === '0' && window !== null && window !== undefined && Number.isFinite(Number(window)))
      pause(group, Number(window) * 1000)
  }

  const login = async (): Promise<E.Either<RcFailure, void>> => {
    try {
      await platform.login({ jwt: credentials.jwt.reveal() })
      return E.right(undefined)
    } catch (e) {
      const status = statusOf(e)
      if (status === 429) {
        const after = Number(responseOf(e)?.headers.get('retry-after'))
        const ms = Number.isFinite(after) && after > 0 ? after * 1000 : RETRY_AFTER_DEFAULT_MS
        pause('Auth', ms)
        return E.left({ _tag: 'RateLimited', group: 'Auth', retryAfterMs: ms })
      }
      return E.left(status === null ? { _tag: 'Unreachable', message: messageOf(e) } : authFailure(e))
    }
  }

  const request: Platform['request'] = async (group, method, path, body) => {
    const left = pausedUntil(group) - now()
    if (left > 0) return E.left({ _tag: 'RateLimited', group, retryAfterMs: left })
    try {
      const response = await platform.send({ method, url: path, ...(body === undefined ? {} : { body }) })
      noteLimits(group, response.headers)
      return E.right({ status: response.status, body: await bodyOf(response) })
    } catch (e) {
      const status = statusOf(e)
      const response = responseOf(e)
      // A 429 says how long to wait (Retry-After); its remaining-count headers would only repeat "none left".
      if (status !== 429) noteLimits(group, response?.headers)
      if (status === null) return E.left({ _tag: 'Unreachable', message: messageOf(e) })
      if (status === 429) {
        const after = Number(response?.headers.get('retry-after'))
        const ms = Number.isFinite(after) && after > 0 ? after * 1000 : RETRY_AFTER_DEFAULT_MS
        pause(group, ms)
        return E.left({ _tag: 'RateLimited', group, retryAfterMs: ms })
      }
      if (status === 401) return E.left(authFailure(e))
      return E.right({ status, body: await bodyOf(response) })
    }
  }

  const startRefresh: Platform['startRefresh'] = (onRelogin, onFailure) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let stopped = false
    const schedule = async (): Promise<void> => {
      if (stopped) return
      const data = await platform.auth().data()
      const expires = typeof data.expire_time === 'number' ? data.expire_time : now()
      const life = Number(data.expires_in) * 1000
      const ahead = Math.min(options.refreshAheadMs ?? 300_000, Number.isFinite(life) ? life / 5 : 300_000)
      timer = setTimeout(() => void tick(), Math.max(1_000, expires - ahead - now()))
    }
    const tick = async (): Promise<void> => {
      if (stopped) return
      try {
        await platform.refresh()
      } catch (refreshError) {
        // The refresh token is gone (expired, or revoked): a fresh JWT login, a new OAuth session.
        const again = await login()
        if (E.isLeft(again)) {
          onFailure(E.isLeft(again) ? again.left : authFailure(refreshError))
          timer = setTimeout(() => void tick(), 30_000)
          return
        }
        onRelogin()
      }
      await schedule()
    }
    void schedule()
    return () => {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
    }
  }

  const logout = async (): Promise<void> => {
    try {
      await platform.logout()
    } catch {
      // Logging out only revokes the session early: it ends by itself. Nothing is lost when it fails.
    }
  }

  return { sdk, login, request, startRefresh, pausedUntil, logout }
}
