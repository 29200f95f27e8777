/**
 * TEST DOUBLE of the RingCentral platform: OAuth (CONNECT.md section 1 and 2.1). JWT bearer and refresh grants
 * with Basic client authentication, single-use refresh tokens (the old pair's access token dies; the old refresh
 * token returns the same new pair for 10 s after the new access token is first used, or 60 min if it never is),
 * OAuth sessions (each JWT login opens one, a refresh keeps it, revoke ends it, the oldest are revoked past
 * `maxSessions`), bearer checks for API calls and WebSocket access tokens bound to the session.
 */
import { newToken, oauthError, apiError, type Reply } from './wire.js'

export interface OAuthOptions {
  readonly clientId: string
  readonly clientSecret: string
  readonly jwts: readonly string[]
  readonly accessTokenTtlS: number
  readonly refreshTokenTtlS: number
  readonly wsTokenTtlS: number
  readonly wsTokenSingleUse: boolean
  readonly scope: string
  readonly accountId: string
  readonly extensionId: string
  readonly maxSessions: number
}

interface Session {
  readonly id: string
  revoked: boolean
}
interface AccessToken {
  readonly sessionId: string
  expiresAt: number
  firstUsedAt: number | undefined
}
interface RefreshToken {
  readonly sessionId: string
  readonly expiresAt: number
  readonly accessToken: string
  rotatedTo: { readonly accessToken: string; readonly refreshToken: string; readonly at: number } | undefined
}
interface WsToken {
  readonly sessionId: string
  readonly expiresAt: number
  used: boolean
}

export type Authorization =
  { readonly _tag: 'Authorized'; readonly sessionId: string } | { readonly _tag: 'Unauthorized'; readonly reply: Reply }

const grantJwt = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const graceUnusedMs = 60 * 60 * 1000
const graceAfterUseMs = 10 * 1000

/** A requested TTL is honoured only if it is a positive integer; the SDK sends `-1` and `NaN` at times. */
const ttl = (requested: string | undefined, max: number): number => {
  const value = requested === undefined ? NaN : Number(requested)
  return Number.isInteger(value) && value > 0 ? Math.min(value, max) : max
}

export class OAuthServer {
  private readonly sessions = new Map<string, Session>()
  private readonly access = new Map<string, AccessToken>()
  private readonly refresh = new Map<string, RefreshToken>()
  private readonly ws = new Map<string, WsToken>()
  private sessionCounter = 2450198100

  constructor(private readonly options: OAuthOptions) {}

  hasScope(scope: string): boolean {
    return this.options.scope.split(' ').includes(scope)
  }

  /** `POST /restapi/oauth/token` */
  token(authorization: string | undefined, form: URLSearchParams, now: number): Reply {
    const client = this.checkClient(authorization)
    if (client !== undefined) return client
    const grant = form.get('grant_type')
    if (grant === grantJwt) {
      const assertion = form.get('assertion') ?? ''
      if (!this.options.jwts.includes(assertion)) return oauthError(400, 'invalid_grant', 'OAU-213', 'Token not found')
      const pair = this.mint(this.openSession(), form, now)
      return this.answer(pair.accessToken, pair.refreshToken, now)
    }
    if (grant === 'refresh_token') return this.refreshGrant(form, now)
    return oauthError(403, 'unauthorized_client', 'OAU-112', 'Grant type is not allowed for this client')
  }

  /** `POST /restapi/oauth/revoke` (form `token=`): ends the whole OAuth session of that token. */
  revoke(authorization: string | undefined, form: URLSearchParams): Reply {
    const client = this.checkClient(authorization)
    if (client !== undefined) return client
    const token = form.get('token') ?? ''
    const sessionId = this.access.get(token)?.sessionId ?? this.refresh.get(token)?.sessionId
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId)
    if (session !== undefined) session.revoked = true
    return { status: 200 }
  }

  /** Checks `Authorization: <scheme> <token>` of an API call; the scheme is matched case-insensitively. */
  authenticate(authorization: string | undefined, now: number): Authorization {
    const unauthorized = (code: string, message: string): Authorization => ({
      _tag: 'Unauthorized',
      reply: apiError(401, code, message)
    })
    const match = /^(\S+)\s+(\S+)$/.exec(authorization ?? '')
    if (match === null || match[1]?.toLowerCase() !== 'bearer')
      return unauthorized('OAU-123', 'Authorization header is not specified')
    const token = this.access.get(match[2] ?? '')
    if (token === undefined || this.sessions.get(token.sessionId)?.revoked !== false)
      return unauthorized('OAU-213', 'Token not found')
    if (token.expiresAt <= now) return unauthorized('OAU-128', 'Access token expired')
    token.firstUsedAt ??= now
    return { _tag: 'Authorized', sessionId: token.sessionId }
  }

  /** `POST /restapi/oauth/wstoken` for an authorized session. */
  wsToken(sessionId: string, uri: string, now: number): Reply {
    const token = newToken('WST')
    this.ws.set(token, { sessionId, expiresAt: now + this.options.wsTokenTtlS * 1000, used: false })
    return { status: 200, body: { uri, ws_access_token: token, expires_in: this.options.wsTokenTtlS } }
  }

  /** The OAuth session of a WebSocket access token, or undefined when it is unknown, expired or spent. */
  useWsToken(token: string, now: number): string | undefined {
    const found = this.ws.get(token)
    if (found === undefined || found.expiresAt <= now) return undefined
    if (found.used && this.options.wsTokenSingleUse) return undefined
    if (this.sessions.get(found.sessionId)?.revoked !== false) return undefined
    found.used = true
    return found.sessionId
  }

  expireAccessTokens(now: number): void {
    for (const token of this.access.values()) token.expiresAt = Math.min(token.expiresAt, now)
  }

  expireWsTokens(now: number): void {
    for (const [token, found] of this.ws) this.ws.set(token, { ...found, expiresAt: Math.min(found.expiresAt, now) })
  }

  private checkClient(authorization: string | undefined): Reply | undefined {
    const match = /^basic\s+(\S+)$/i.exec(authorization ?? '')
    if (match === null) return oauthError(401, 'invalid_client', 'OAU-123', 'Client authentication is required')
    const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
    const expected = `${this.options.clientId}:${this.options.clientSecret}`
    return decoded === expected ? undefined : oauthError(401, 'invalid_client', 'OAU-146', 'Invalid client credentials')
  }

  private openSession(): string {
    this.sessionCounter += 1
    const id = String(this.sessionCounter)
    this.sessions.set(id, { id, revoked: false })
    const live = [...this.sessions.values()].filter((session) => !session.revoked)
    for (const old of live.slice(0, Math.max(0, live.length - this.options.maxSessions))) old.revoked = true
    return id
  }

  private refreshGrant(form: URLSearchParams, now: number): Reply {
    const presented = form.get('refresh_token') ?? ''
    const found = this.refresh.get(presented)
    if (found === undefined || this.sessions.get(found.sessionId)?.revoked !== false)
      return oauthError(400, 'invalid_grant', 'OAU-213', 'Token not found')
    if (found.expiresAt <= now) return oauthError(400, 'invalid_grant', 'OAU-210', 'Token expired')
    if (found.rotatedTo !== undefined) {
      const successor = this.access.get(found.rotatedTo.accessToken)
      const firstUse = successor?.firstUsedAt
      const inGrace =
        firstUse === undefined ? now - found.rotatedTo.at < graceUnusedMs : now - firstUse < graceAfterUseMs
      return inGrace
        ? this.answer(found.rotatedTo.accessToken, found.rotatedTo.refreshToken, now)
        : oauthError(400, 'invalid_grant', 'OAU-211', 'Token is revoked')
    }
    this.access.delete(found.accessToken)
    const pair = this.mint(found.sessionId, form, now)
    found.rotatedTo = { ...pair, at: now }
    return this.answer(pair.accessToken, pair.refreshToken, now)
  }

  private mint(
    sessionId: string,
    form: URLSearchParams,
    now: number
  ): { readonly accessToken: string; readonly refreshToken: string } {
    const accessToken = newToken('AT')
    const refreshToken = newToken('RT')
    const accessTtl = ttl(form.get('access_token_ttl') ?? undefined, this.options.accessTokenTtlS)
    const refreshTtl = ttl(form.get('refresh_token_ttl') ?? undefined, this.options.refreshTokenTtlS)
    this.access.set(accessToken, { sessionId, expiresAt: now + accessTtl * 1000, firstUsedAt: undefined })
    this.refresh.set(refreshToken, {
      sessionId,
      expiresAt: now + refreshTtl * 1000,
      accessToken,
      rotatedTo: undefined
    })
    return { accessToken, refreshToken }
  }

  private answer(accessToken: string, refreshToken: string, now: number): Reply {
    const access = this.access.get(accessToken)
    const refresh = this.refresh.get(refreshToken)
    const left = (at: number | undefined): number => Math.max(0, Math.round(((at ?? now) - now) / 1000))
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: left(access?.expiresAt),
        refresh_token: refreshToken,
        refresh_token_expires_in: left(refresh?.expiresAt),
        scope: this.options.scope,
        owner_id: this.options.extensionId,
        endpoint_id: 'q1W2e3R4t5Y6u7I8o9P0aA',
        session_id: access?.sessionId ?? refresh?.sessionId ?? ''
      }
    }
  }
}
