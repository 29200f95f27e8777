/**
 * TEST DOUBLE of the RingCentral platform: WebSocket gateway sessions and their recovery (CONNECT.md 2.6).
 * A session is made by a connection without `wsc` (or whose recovery failed); it owns at most one subscription, and is bound to the OAuth
 * session of the ws token that opened it. While its socket is gone, notifications for its subscription pile up
 * in a buffer (the newest `recoveryBufferSize` are kept) for `recoveryTimeout` seconds. A later connection with
 * its current `wsc` token gets it back (`Successful`, same subscription, buffer replayed) unless:
 * - the ws token belongs to another OAuth session: `Failed` WSG-1003 (the old session stays for its owner);
 * - it has no subscription, timed out, or the token is no longer its current one: `Failed` WSG-1005;
 * - a test armed `failNextRecovery(code)`: `Failed` with that code.
 * A token the double never issued is a forged one: an `Error` frame WSG-400, as observed live.
 */
import type { Envelope } from './wire.js'
import { newId, newToken } from './wire.js'
import type { SubscriptionStore } from './subscriptions.js'

export interface GatewaySession {
  readonly id: string
  readonly oauthSessionId: string
  readonly creationTime: number
  wsc: { token: string; sequence: number }
  subscriptionId: string | undefined
  connected: boolean
  disconnectedAt: number | undefined
  buffer: Envelope[]
}

export type Recovery =
  | { readonly _tag: 'Recovered'; readonly session: GatewaySession }
  | { readonly _tag: 'Failed'; readonly code: string }
  | { readonly _tag: 'Forged' }

export interface SessionOptions {
  readonly recoveryTimeoutS: number
  readonly recoveryBufferSize: number
}

export class GatewaySessions {
  private readonly sessions = new Map<string, GatewaySession>()
  private readonly byWsc = new Map<string, string>()
  private readonly issued = new Set<string>()
  private readonly failNext: string[] = []

  constructor(
    private readonly options: SessionOptions,
    private readonly store: SubscriptionStore
  ) {}

  create(oauthSessionId: string, now: number): GatewaySession {
    const session: GatewaySession = {
      id: newId(),
      oauthSessionId,
      creationTime: now,
      wsc: { token: '', sequence: 0 },
      subscriptionId: undefined,
      connected: false,
      disconnectedAt: now,
      buffer: []
    }
    this.sessions.set(session.id, session)
    this.reissueWsc(session)
    return session
  }

  /** Decides what a connection carrying `wsc` gets. On `Recovered` the session is attached and has a fresh wsc. */
  recover(wscToken: string, oauthSessionId: string, now: number): Recovery {
    if (!this.issued.has(wscToken)) return { _tag: 'Forged' }
    this.sweep(now)
    const session = this.sessions.get(this.byWsc.get(wscToken) ?? '')
    const forced = this.failNext.shift()
    if (session === undefined) return { _tag: 'Failed', code: forced ?? 'WSG-1005' }
    if (forced !== undefined) {
      this.discard(session)
      return { _tag: 'Failed', code: forced }
    }
    if (session.oauthSessionId !== oauthSessionId) return { _tag: 'Failed', code: 'WSG-1003' }
    if (session.subscriptionId === undefined) {
      this.discard(session)
      return { _tag: 'Failed', code: 'WSG-1005' }
    }
    this.reissueWsc(session)
    return { _tag: 'Recovered', session }
  }

  /** Marks the session as having a live socket again. */
  attach(session: GatewaySession): void {
    session.connected = true
    session.disconnectedAt = undefined
  }

  failNextRecovery(code: string): void {
    this.failNext.push(code)
  }

  disconnect(session: GatewaySession, now: number): void {
    if (!session.connected) return
    session.connected = false
    session.disconnectedAt = now
  }

  /** Keeps a notification for a disconnected session; false when the session is beyond recovery. */
  keep(session: GatewaySession, envelope: Envelope, now: number): boolean {
    this.sweep(now)
    if (!this.sessions.has(session.id)) return false
    session.buffer.push(envelope)
    session.buffer.splice(0, Math.max(0, session.buffer.length - this.options.recoveryBufferSize))
    return true
  }

  /** Forgets sessions disconnected for longer than `recoveryTimeout`, with their subscriptions. */
  sweep(now: number): void {
    for (const session of this.sessions.values()) {
      const since = session.disconnectedAt
      if (!session.connected && since !== undefined && now - since > this.options.recoveryTimeoutS * 1000)
        this.discard(session)
    }
  }

  discard(session: GatewaySession): void {
    if (session.subscriptionId !== undefined) this.store.delete(session.subscriptionId)
    session.subscriptionId = undefined
    session.buffer = []
    this.byWsc.delete(session.wsc.token)
    this.sessions.delete(session.id)
  }

  get(id: string): GatewaySession | undefined {
    return this.sessions.get(id)
  }

  all(): readonly GatewaySession[] {
    return [...this.sessions.values()]
  }

  private reissueWsc(session: GatewaySession): void {
    this.byWsc.delete(session.wsc.token)
    session.wsc = { token: newToken('WSC'), sequence: session.wsc.sequence + 1 }
    this.byWsc.set(session.wsc.token, session.id)
    this.issued.add(session.wsc.token)
  }
}
