/**
 * The WebSocket subscription, supervised. The official clients connect and subscribe (`@ringcentral/subscriptions`
 * for the SDK wiring, `@rc-ex/ws` for the gateway), but their automatic recovery can stop for good after one failed
 * re-subscribe (the error is rethrown from a timer: CONNECT.md 2.7), so it is off and this module does the watching:
 * every `checkMs` it looks at the socket; a closed socket is recovered with the session's `wsc` token (the platform
 * then redelivers what was missed, `recoveryState: Successful`); a failed recovery (`Failed`, a new OAuth session, a
 * recovery window passed) loses what was sent meanwhile, which is said (log, status, `onRecoveryFailed`, so the
 * caller reconciles); an error tears the extension down and starts a fresh one, with backoff (1 s doubling to 60 s).
 * Each socket is guarded (gateway-socket.ts) and its frames are read here: every notification goes to `receive`
 * (the same ingest path as a webhook) before it counts as received.
 */
import { Subscriptions } from '@ringcentral/subscriptions'
import { describeError } from '@callstate/projections'
import { notificationTextOf } from './frame.js'
import { guardSocket, isClientSocket, type ClientSocket } from './gateway-socket.js'
import type { Platform } from './platform.js'
import { NEW_WEB_SOCKET, webSocketExtensionClass, type WebSocketExtension } from './ws-extension.js'
import type { ConnectorLog } from './log.js'

export interface GatewayOptions {
  readonly platform: Platform
  readonly eventFilters: ReadonlyArray<string>
  /**
   * A notification, as the exact text the frame carried (or the whole frame when it is not `[meta, body]`):
   * resolves true once it is stored (false: it could not be, and it is not counted).
   */
  readonly receive: (notification: string, messageId: string) => Promise<boolean>
  /** Notifications sent while the socket was away are lost: reconcile. */
  readonly onRecoveryFailed: (reason: string) => void
  readonly log: ConnectorLog
  readonly now?: () => number
  /** How often the socket is looked at (default 2 s). */
  readonly checkMs?: number
  /** Without any frame for this long, a Heartbeat frame is sent (default 60 s, as the client would). */
  readonly heartbeatMs?: number
}

export type GatewayState = 'connecting' | 'connected' | 'reconnecting' | 'stopped'

export interface GatewayStatus {
  readonly state: GatewayState
  readonly subscriptionId: string | null
  /** The subscription as the platform last described it (`Active`, ...), and when it expires (the client renews). */
  readonly subscriptionStatus: string | null
  readonly subscriptionExpiresAt: string | null
  readonly connectedSince: string | null
  readonly lastNotificationAt: string | null
  readonly notifications: number
  readonly reconnects: number
  readonly recoveries: { readonly successful: number; readonly failed: number }
  readonly lastError: string | null
}

export interface Gateway {
  readonly status: () => GatewayStatus
  readonly stop: () => Promise<void>
}

interface Frame {
  readonly type: string
  readonly messageId: string
  readonly recoveryState?: string
  readonly recoveryErrorCode?: string
  readonly errorCode?: string
}

/** The meta of a frame, and what the gateway says in the body of a ConnectionDetails or Error frame. */
const frameOf = (text: string): Frame | undefined => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(value)) return undefined
  const [meta, body]: unknown[] = value
  if (typeof meta !== 'object' || meta === null) return undefined
  const type = Reflect.get(meta, 'type')
  const messageId = Reflect.get(meta, 'messageId')
  const field = (k: string): string | undefined => {
    const v = typeof body === 'object' && body !== null ? Reflect.get(body, k) : undefined
    return typeof v === 'string' ? v : undefined
  }
  const recoveryState = field('recoveryState')
  const recoveryErrorCode = field('recoveryErrorCode')
  const errorCode = field('errorCode')
  return {
    type: typeof type === 'string' ? type : '',
    messageId: typeof messageId === 'string' ? messageId : '',
    ...(recoveryState !== undefined ? { recoveryState } : {}),
    ...(recoveryErrorCode !== undefined ? { recoveryErrorCode } : {}),
    ...(errorCode !== undefined ? { errorCode } : {})
  }
}

const OPEN = 1
const CONNECTING = 0

export const startGateway = (options: GatewayOptions): Gateway => {
  const { platform, log } = options
  const now = options.now ?? Date.now
  const checkMs = options.checkMs ?? 2_000
  const heartbeatMs = options.heartbeatMs ?? 60_000
  const subscriptions = new Subscriptions({ sdk: platform.sdk })
  let wse: WebSocketExtension | undefined
  let socket: ClientSocket | undefined
  let state: GatewayState = 'connecting'
  let busy = false
  let stopped = false
  let failures = 0
  let retryAt = 0
  let lastFrameAt = now()
  const counts = { notifications: 0, reconnects: 0, successful: 0, failed: 0 }
  let connectedSince: number | null = null
  let lastNotificationAt: number | null = null
  let lastError: string | null = null

  const failed = (what: string, e: unknown): void => {
    lastError = `${what}: ${describeError(e)}`
    failures++
    retryAt = now() + Math.min(60_000, 1_000 * 2 ** Math.min(failures - 1, 6))
    log.warn({ error: lastError, retryInMs: retryAt - now() }, 'RingCentral WebSocket: will retry')
  }

  const onFrame = (text: string): void => {
    lastFrameAt = now()
    const frame = frameOf(text)
    if (frame === undefined) return
    if (frame.type === 'ServerNotification')
      void options.receive(notificationTextOf(text) ?? text, frame.messageId).then((stored) => {
        if (!stored) return
        counts.notifications++
        lastNotificationAt = now()
      })
    else if (frame.type === 'Error') log.warn({ errorCode: frame.errorCode ?? null }, 'RingCentral gateway error frame')
    else if (frame.type === 'ConnectionDetails' && frame.recoveryState === 'Failed')
      log.warn({ recoveryErrorCode: frame.recoveryErrorCode ?? null }, 'RingCentral gateway refused to recover')
  }

  const watch = (ws: unknown): void => {
    if (!isClientSocket(ws)) {
      log.warn({}, 'the WebSocket client handed over something that is not a socket: ignored')
      return
    }
    socket = ws
    guardSocket(ws, {
      onFrame,
      onError: (message) => (lastError = `socket: ${message}`),
      onClose: () => {
        if (!stopped && state === 'connected') {
          state = 'reconnecting'
          log.warn({}, 'RingCentral WebSocket closed: recovering the session')
        }
      },
      onClientFault: (message) => log.warn({ fault: message }, 'the WebSocket client failed on a frame (caught)')
    })
  }

  const subscriptionId = (): string | null => {
    const id = wse?.subscription?.subscriptionInfo?.id
    return typeof id === 'string' ? id : null
  }

  /** A new extension, connected and subscribed; what was missed before it is lost. */
  const establish = async (): Promise<void> => {
    await teardown()
    await subscriptions.init()
    const Extension = webSocketExtensionClass()
    const extension = new Extension({ autoRecover: { enabled: false } })
    extension.eventEmitter.on(NEW_WEB_SOCKET, watch)
    wse = extension
    await subscriptions.rc.installExtension(extension)
    // Notifications are read from the frames (onFrame): the client's own callback has nothing to do.
    await extension.subscribe([...options.eventFilters], () => undefined)
  }

  const teardown = async (): Promise<void> => {
    const old = wse
    wse = undefined
    if (old === undefined) return
    try {
      await Promise.race([old.revoke(), new Promise((r) => setTimeout(r, 5_000))])
    } catch {
      // The old session is being replaced because it failed: a failed DELETE changes nothing.
    }
  }

  const connected = (recovered: boolean | null): void => {
    state = 'connected'
    failures = 0
    connectedSince = now()
    lastError = null
    log.info({ subscriptionId: subscriptionId(), recovered }, 'RingCentral WebSocket subscription live')
  }

  const check = async (): Promise<void> => {
    if (stopped || busy || now() < retryAt) return
    busy = true
    let phase = 'connect'
    try {
      if (wse === undefined) {
        const first = counts.reconnects === 0 && connectedSince === null
        await establish()
        if (!first) {
          counts.failed++
          options.onRecoveryFailed('the WebSocket session was replaced by a new one')
        }
        connected(first ? null : false)
        return
      }
      const readyState = socket?.readyState
      if (readyState === OPEN || readyState === CONNECTING) {
        phase = 'subscribe'
        if (subscriptionId() === null) await wse.subscription?.subscribe()
        if (readyState === OPEN && now() - lastFrameAt >= heartbeatMs) {
          lastFrameAt = now()
          socket?.send(JSON.stringify([{ type: 'Heartbeat', messageId: `hb-${now()}` }]))
        }
        return
      }
      state = 'reconnecting'
      counts.reconnects++
      phase = 'recover'
      await wse.recover()
      const recoveryState = wse.connectionDetails?.recoveryState
      if (recoveryState === 'Successful') counts.successful++
      else {
        counts.failed++
        options.onRecoveryFailed(
          recoveryState === 'Failed'
            ? `the gateway refused to recover the session (${wse.connectionDetails?.recoveryErrorCode ?? 'no code'})`
            : 'the session could not be recovered (reconnected after the recovery window)'
        )
      }
      connected(recoveryState === 'Successful')
    } catch (e) {
      failed(phase, e)
      // Start afresh next time: the extension may be stuck half-subscribed.
      if (wse !== undefined && socket?.readyState !== OPEN) await teardown()
    } finally {
      busy = false
    }
  }

  const timer = setInterval(() => void check(), checkMs)
  void check()

  return {
    status: () => ({
      state: stopped ? 'stopped' : state,
      subscriptionId: subscriptionId(),
      subscriptionStatus: wse?.subscription?.subscriptionInfo?.status ?? null,
      subscriptionExpiresAt: wse?.subscription?.subscriptionInfo?.expirationTime ?? null,
      connectedSince: connectedSince === null ? null : new Date(connectedSince).toISOString(),
      lastNotificationAt: lastNotificationAt === null ? null : new Date(lastNotificationAt).toISOString(),
      notifications: counts.notifications,
      reconnects: counts.reconnects,
      recoveries: { successful: counts.successful, failed: counts.failed },
      lastError
    }),
    stop: async () => {
      stopped = true
      state = 'stopped'
      clearInterval(timer)
      await teardown()
    }
  }
}
