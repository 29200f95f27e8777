/**
 * TEST DOUBLE of the RingCentral platform. No RingCentral account is reachable from this repository's tests, so
 * this stands in for the platform: an HTTP server on 127.0.0.1 (random port) with the WebSocket gateway on the
 * same server, speaking the real wire protocol that the official `@ringcentral/sdk` 5.0.11 and
 * `@ringcentral/subscriptions` 5.0.11 (`@rc-ex/ws` 1.3.17) use, unmodified. It implements what
 * /work/shared/spec/CONNECT.md documents and nothing more; where the documentation is silent the double's
 * choice is written down in ./README.md. Test controls are plain methods on the returned object.
 * Never use this outside tests.
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { OAuthServer } from './oauth.js'
import { RateLimiter, type GroupLimit, type RateGroup } from './rate-limits.js'
import { RequestLog, headersOf, type LoggedRequest, type RequestFilter } from './request-log.js'
import { groupOf, handleRest } from './rest-api.js'
import { SubscriptionStore, type SubscriptionRecord } from './subscriptions.js'
import { Telephony, type SessionExtra } from './telephony.js'
import { Gateway, type Refusal, type Replay } from './ws-gateway.js'
import type { GatewayErrorCode } from './ws-frames.js'
import { Publisher, type PublishReport, type WebhookDelivery } from './publish.js'
import { newId, type Envelope } from './wire.js'

export interface RingCentralDoubleOptions {
  readonly clientId?: string
  readonly clientSecret?: string
  /** JWT credentials the double accepts (any other assertion gets 400 invalid_grant). */
  readonly jwts?: readonly string[]
  readonly accountId?: string
  readonly extensionId?: string
  /** App scopes, space-separated, as the token response shows them. */
  readonly scope?: string
  readonly accessTokenTtlS?: number
  readonly refreshTokenTtlS?: number
  readonly wsTokenTtlS?: number
  /** The guide calls ws tokens single-use; rc-ex reuses them (CONNECT.md open question 2). Default false. */
  readonly wsTokenSingleUse?: boolean
  readonly maxOAuthSessions?: number
  readonly recoveryTimeoutS?: number
  readonly recoveryBufferSize?: number
  /** How a bad ws token is refused at the upgrade (CONNECT.md open question 5). Default 'http' (401). */
  readonly wsRefusal?: Refusal
  readonly replay?: Replay
  readonly replayDelayMs?: number
  readonly rateLimits?: Partial<Record<RateGroup, GroupLimit>>
  readonly ratePenaltyS?: number
  readonly webhookTimeoutMs?: number
  /** Header carrying the verification token on deliveries (CONNECT.md open question 1). */
  readonly webhookTokenHeader?: string
  readonly webhookFailuresBeforeBlacklist?: number
  readonly webhookDefaultExpiresInS?: number
  readonly maxSubscriptions?: number
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number
}

export interface SubscriptionView {
  readonly id: string
  readonly transportType: 'WebSocket' | 'WebHook'
  readonly status: string
  readonly eventFilters: readonly string[]
}

export interface GatewaySessionView {
  readonly id: string
  readonly oauthSessionId: string
  readonly connected: boolean
  readonly subscriptionId: string | undefined
  readonly buffered: number
}

export interface RingCentralDouble {
  /** `http://127.0.0.1:PORT`, the SDK's `server`. */
  readonly url: string
  readonly clientId: string
  readonly clientSecret: string
  /** The first accepted JWT. */
  readonly jwt: string
  readonly accountId: string
  readonly extensionId: string
  readonly requests: (filter?: RequestFilter) => readonly LoggedRequest[]
  readonly countRequests: (filter?: RequestFilter) => number
  readonly webhookDeliveries: () => readonly WebhookDelivery[]
  readonly publish: (envelope: Envelope) => Promise<PublishReport>
  readonly dropConnections: () => number
  readonly failNextRecovery: (code: string) => void
  readonly sendErrorFrame: (code: GatewayErrorCode, options?: { readonly recoverable?: boolean }) => number
  readonly refuseNextUpgrades: (count: number, how: Refusal) => void
  readonly coalesceNextSubscribeReply: (envelopes: readonly Envelope[]) => void
  readonly expireAccessTokens: () => void
  readonly expireWsTokens: () => void
  readonly setSession: (id: string, parties: readonly unknown[], extra?: SessionExtra) => void
  readonly endSession: (id: string) => void
  readonly setPresence: (extensionId: string, body: Record<string, unknown>) => void
  readonly rateLimit: (group: RateGroup, limit: GroupLimit) => void
  readonly force429: (group: RateGroup, count: number, retryAfterS: number) => void
  readonly blacklist: (subscriptionId: string, reason: string) => boolean
  readonly suspend: (subscriptionId: string) => boolean
  readonly expire: (subscriptionId: string) => boolean
  readonly subscriptions: () => readonly SubscriptionView[]
  readonly gatewaySessions: () => readonly GatewaySessionView[]
  readonly openConnections: () => number
  readonly socketErrors: () => readonly Error[]
  readonly close: () => Promise<void>
}

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

export const startRingCentralDouble = async (options: RingCentralDoubleOptions = {}): Promise<RingCentralDouble> => {
  const identity = { accountId: options.accountId ?? '809646016', extensionId: options.extensionId ?? '62264425016' }
  const jwts = options.jwts ?? ['double-jwt-credential']
  const clientId = options.clientId ?? 'double-client-id'
  const clientSecret = options.clientSecret ?? 'double-client-secret'
  let url = ''
  const log = new RequestLog()
  const oauth = new OAuthServer({
    clientId,
    clientSecret,
    jwts,
    accessTokenTtlS: options.accessTokenTtlS ?? 3600,
    refreshTokenTtlS: options.refreshTokenTtlS ?? 604800,
    wsTokenTtlS: options.wsTokenTtlS ?? 600,
    wsTokenSingleUse: options.wsTokenSingleUse ?? false,
    scope:
      options.scope ?? 'CallControl ReadAccounts ReadCallLog ReadPresence SubscriptionWebhook WebSocketsSubscription',
    maxSessions: options.maxOAuthSessions ?? 5,
    ...identity
  })
  const limiter = new RateLimiter(options.rateLimits ?? {}, options.ratePenaltyS ?? 60)
  const store = new SubscriptionStore(identity, () => url, {
    maxSubscriptions: options.maxSubscriptions ?? 30,
    webhookDefaultExpiresInS: options.webhookDefaultExpiresInS ?? 604800
  })
  const telephony = new Telephony(identity)
  const gateway = new Gateway(
    {
      recoveryTimeoutS: options.recoveryTimeoutS ?? 180,
      recoveryBufferSize: options.recoveryBufferSize ?? 100,
      wsRefusal: options.wsRefusal ?? 'http',
      replay: options.replay ?? 'separate-read',
      replayDelayMs: options.replayDelayMs ?? 50,
      idleTimeoutS: 1800,
      absoluteTimeoutS: 86400
    },
    oauth,
    store,
    log
  )
  const publisher = new Publisher(store, gateway, {
    timeoutMs: options.webhookTimeoutMs ?? 3000,
    tokenHeader: options.webhookTokenHeader ?? 'Verification-Token',
    failuresBeforeBlacklist: options.webhookFailuresBeforeBlacklist ?? 3
  })
  const deps = {
    oauth,
    limiter,
    store,
    telephony,
    baseUrl: () => url,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 3000,
    onDeleted: (record: { readonly id: string }) => {
      for (const session of gateway.sessions.all())
        if (session.subscriptionId === record.id) session.subscriptionId = undefined
    }
  }

  const server = http.createServer((req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://double.invalid')
    const method = (req.method ?? 'GET').toUpperCase()
    readBody(req)
      .then(async (body) => {
        const answered = log.add({
          transport: 'http',
          method,
          path: req.url ?? '',
          headers: headersOf(req),
          body,
          rateLimitGroup: groupOf(method, parsed.pathname)
        })
        gateway.sessions.sweep(Date.now())
        const reply = await handleRest(
          deps,
          {
            method,
            path: parsed.pathname,
            query: parsed.searchParams,
            authorization: req.headers.authorization,
            body
          },
          Date.now()
        )
        answered(reply.status)
        const text = reply.body === undefined ? '' : JSON.stringify(reply.body)
        res.writeHead(reply.status, {
          ...(text === '' ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
          RCRequestId: newId(),
          ...reply.headers
        })
        res.end(text)
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' })
        res.end(JSON.stringify({ errorCode: 'CMN-500', message: `double failure: ${String(error)}` }))
      })
  })
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address: AddressInfo | string | null = server.address()
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`

  const setStatus = (id: string, update: (record: SubscriptionRecord) => void): boolean => {
    const record = store.get(id, Date.now())
    if (record === undefined) return false
    update(record)
    return true
  }

  return {
    url,
    clientId,
    clientSecret,
    jwt: jwts[0] ?? '',
    ...identity,
    requests: (filter) => log.list(filter),
    countRequests: (filter) => log.count(filter),
    webhookDeliveries: () => publisher.deliveries(),
    publish: (envelope) => publisher.publish(envelope),
    dropConnections: () => gateway.dropConnections(),
    failNextRecovery: (code) => gateway.sessions.failNextRecovery(code),
    sendErrorFrame: (code, opts = {}) => gateway.errorFrame(code, opts.recoverable ?? true),
    refuseNextUpgrades: (count, how) => gateway.refuseNextUpgrades(count, how),
    coalesceNextSubscribeReply: (envelopes) => gateway.coalesceNextSubscribeReply(envelopes),
    expireAccessTokens: () => oauth.expireAccessTokens(Date.now()),
    expireWsTokens: () => oauth.expireWsTokens(Date.now()),
    setSession: (id, parties, extra) => telephony.setSession(id, parties, extra),
    endSession: (id) => telephony.endSession(id),
    setPresence: (extensionId, body) => telephony.setPresence(extensionId, body),
    rateLimit: (group, limit) => limiter.setLimit(group, limit),
    force429: (group, count, retryAfterS) => limiter.force(group, count, retryAfterS),
    blacklist: (id, reason) =>
      setStatus(id, (record) => {
        record.status = 'Blacklisted'
        record.blacklistedData = { blacklistedAt: new Date().toISOString(), reason }
      }),
    suspend: (id) =>
      setStatus(id, (record) => {
        record.status = 'Suspended'
      }),
    expire: (id) =>
      setStatus(id, (record) => {
        // WebSocket subscriptions live as long as their gateway session: only webhooks expire.
        if (record.delivery.kind === 'WebHook') record.expiresAt = Date.now()
      }),
    subscriptions: () =>
      store.list(Date.now()).map((record) => ({
        id: record.id,
        transportType: record.delivery.kind,
        status: record.status,
        eventFilters: [...record.eventFilters]
      })),
    gatewaySessions: () =>
      gateway.sessions.all().map((session) => ({
        id: session.id,
        oauthSessionId: session.oauthSessionId,
        connected: session.connected,
        subscriptionId: session.subscriptionId,
        buffered: session.buffer.length
      })),
    openConnections: () => gateway.openConnections(),
    socketErrors: () => [...gateway.socketErrors],
    close: async () => {
      await gateway.close()
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    }
  }
}
