/**
 * TEST DOUBLE of the RingCentral platform: the REST endpoints, with their rate-limit group and app scope
 * (CONNECT.md sections 1, 3, 4 and 5). Token endpoints authenticate the client (Basic) and count in Auth before
 * anything else; API calls check the bearer token first (401 OAU-123/OAU-128/OAU-213), then the group's
 * window (429 CMN-301), then the app scope (403 CMN-401).
 */
import * as E from 'fp-ts/Either'
import type { OAuthServer } from './oauth.js'
import type { RateGroup, RateLimiter } from './rate-limits.js'
import {
  readSubscriptionRequest,
  type Delivery,
  type SubscriptionRecord,
  type SubscriptionStore
} from './subscriptions.js'
import type { Telephony } from './telephony.js'
import { validateAddress } from './webhooks.js'
import { apiError, parseJson, type Reply } from './wire.js'

export interface RestRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly authorization: string | undefined
  readonly body: string
}

export interface RestDeps {
  readonly oauth: OAuthServer
  readonly limiter: RateLimiter
  readonly store: SubscriptionStore
  readonly telephony: Telephony
  readonly baseUrl: () => string
  readonly webhookTimeoutMs: number
  /** Called when a WebSocket subscription is deleted over HTTP, so its gateway session forgets it. */
  readonly onDeleted: (record: SubscriptionRecord) => void
}

const subscriptionPath = /^\/restapi\/v1\.0\/subscription\/?$/
const onePath = /^\/restapi\/v1\.0\/subscription\/([^/]+)$/
const renewPath = /^\/restapi\/v1\.0\/subscription\/([^/]+)\/renew$/

/** The rate-limit group of a request, or undefined for paths the double does not limit. */
export const groupOf = (method: string, path: string): RateGroup | undefined => {
  if (path.startsWith('/restapi/oauth/')) return 'Auth'
  if (subscriptionPath.test(path)) return method === 'GET' ? 'Light' : 'Medium'
  if (renewPath.test(path)) return 'Light'
  if (onePath.test(path)) return method === 'GET' ? 'Light' : 'Medium'
  if (/\/telephony\/sessions\/[^/]+$/.test(path) || /\/extension\/[^/]+\/presence$/.test(path)) return 'Light'
  return undefined
}

const scopeOf = (path: string): string | undefined => {
  if (path === '/restapi/oauth/wstoken') return 'WebSocketsSubscription'
  if (/\/telephony\/sessions\//.test(path)) return 'CallControl'
  if (/\/presence$/.test(path)) return 'ReadPresence'
  return undefined
}

const notFound = (): Reply => apiError(404, 'CMN-102', 'Resource for parameter [path] is not found')
const expired = (id: string): Reply => apiError(404, 'SUB-507', `Subscription [${id}] was expired`)
const missingScope = (scope: string): Reply =>
  apiError(403, 'CMN-401', `In order to call this API endpoint, application needs to have [${scope}] permission`)

export const handleRest = async (deps: RestDeps, request: RestRequest, now: number): Promise<Reply> => {
  const { method, path } = request
  const group = groupOf(method, path)
  const withLimit = (reply: Reply, headers: Readonly<Record<string, string>>): Reply => ({
    ...reply,
    headers: { ...headers, ...reply.headers }
  })
  if (method === 'POST' && (path === '/restapi/oauth/token' || path === '/restapi/oauth/revoke')) {
    const admission = deps.limiter.admit('Auth', now)
    if (admission._tag === 'Limited') return admission.reply
    const form = new URLSearchParams(request.body)
    const reply =
      path === '/restapi/oauth/token'
        ? deps.oauth.token(request.authorization, form, now)
        : deps.oauth.revoke(request.authorization, form)
    return withLimit(reply, admission.headers)
  }
  const auth = deps.oauth.authenticate(request.authorization, now)
  if (auth._tag === 'Unauthorized') return auth.reply
  const admission = group === undefined ? undefined : deps.limiter.admit(group, now)
  if (admission?._tag === 'Limited') return admission.reply
  const scope = scopeOf(path)
  const reply =
    scope !== undefined && !deps.oauth.hasScope(scope)
      ? missingScope(scope)
      : await route(deps, request, auth.sessionId, now)
  return admission === undefined ? reply : withLimit(reply, admission.headers)
}

const route = async (deps: RestDeps, request: RestRequest, sessionId: string, now: number): Promise<Reply> => {
  const { method, path } = request
  const store = deps.store
  if (method === 'POST' && path === '/restapi/oauth/wstoken') {
    const wsUri = deps.baseUrl().replace(/^http/, 'ws') + '/ws'
    return deps.oauth.wsToken(sessionId, wsUri, now)
  }
  if (subscriptionPath.test(path)) {
    if (method === 'GET')
      return {
        status: 200,
        body: { uri: `${deps.baseUrl()}${path}`, records: store.list(now).map((r) => store.info(r, now)) }
      }
    if (method === 'POST') return createWebhook(deps, request.body)
  }
  const renew = renewPath.exec(path)
  const one = onePath.exec(path)
  const id = renew?.[1] ?? one?.[1]
  if (id !== undefined) {
    const record = store.get(id, now)
    if (record === undefined) return expired(id)
    if (method === 'GET' && one !== null) return { status: 200, body: store.info(record, now) }
    if (method === 'DELETE' && one !== null) {
      store.delete(record.id)
      deps.onDeleted(record)
      return { status: 204 }
    }
    if (record.delivery.kind === 'WebSocket' && (method === 'PUT' || renew !== null))
      return apiError(400, 'CMN-101', 'WebSocket subscriptions cannot be updated over HTTP')
    if (method === 'POST' && renew !== null) {
      store.renew(record, now)
      return { status: 200, body: store.info(record, now) }
    }
    if (method === 'PUT' && one !== null) {
      const body = request.body.trim() === '' ? E.right(undefined) : parseJson(request.body)
      if (E.isLeft(body)) return apiError(400, 'CMN-101', body.left)
      const update = readSubscriptionRequest(body.right, false)
      if (E.isLeft(update)) return update.left
      store.update(record, update.right, now)
      return { status: 200, body: store.info(record, now) }
    }
  }
  if (method === 'GET') {
    const telephony = deps.telephony.get(path, request.query, deps.baseUrl())
    if (telephony !== undefined) return telephony
  }
  return notFound()
}

const createWebhook = async (deps: RestDeps, text: string): Promise<Reply> => {
  const body = parseJson(text)
  if (E.isLeft(body)) return apiError(400, 'CMN-101', body.left)
  const request = readSubscriptionRequest(body.right, true)
  if (E.isLeft(request)) return request.left
  const { transportType, address } = request.right
  if (transportType === 'WebSocket')
    return apiError(400, 'CMN-101', 'WebSocket subscriptions are created over the WebSocket gateway', {
      parameterName: 'deliveryMode.transportType'
    })
  if (transportType !== 'WebHook')
    return apiError(400, 'CMN-101', 'Parameter [deliveryMode.transportType] value is invalid', {
      parameterName: 'deliveryMode.transportType'
    })
  if (!deps.oauth.hasScope('SubscriptionWebhook')) return missingScope('SubscriptionWebhook')
  if (address === undefined)
    return apiError(400, 'CMN-101', 'Parameter [deliveryMode.address] value is invalid', {
      parameterName: 'deliveryMode.address'
    })
  const refused = await validateAddress(address, deps.webhookTimeoutMs)
  if (refused !== undefined) return refused
  const delivery: Delivery = { kind: 'WebHook', address, verificationToken: request.right.verificationToken }
  // The handshake took time: the subscription starts when it is stored.
  const at = Date.now()
  const created = deps.store.create(request.right, delivery, at)
  if (E.isLeft(created)) return created.left
  return { status: 200, body: deps.store.info(created.right, at) }
}
