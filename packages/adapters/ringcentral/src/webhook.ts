/**
 * Webhook subscriptions over the REST API (CONNECT.md 3): create (the platform validates the address first with a
 * `Validation-Token` handshake, which `callstate serve` answers), list, renew, delete. Answers are decoded, not cast:
 * a record without an id or a status is refused with the reason.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { RcFailure } from './failure.js'
import type { Platform, RcAnswer } from './platform.js'

export interface SubscriptionInfo {
  readonly id: string
  /** `Active`, `Blacklisted`, `Suspended`, ... as the platform says. */
  readonly status: string
  readonly transport: string | null
  readonly address: string | null
  readonly eventFilters: ReadonlyArray<string>
  readonly expirationTime: string | null
  readonly blacklistedReason: string | null
}

export type SubscriptionFailure =
  | RcFailure
  /** The platform answered, but no: its status, error code and message. */
  | { readonly _tag: 'Refused'; readonly status: number; readonly message: string }

export const SUBSCRIPTION_PATH = '/restapi/v1.0/subscription'

const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : undefined
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

export const subscriptionInfoOf = (v: unknown): SubscriptionInfo | undefined => {
  const r = rec(v)
  const id = str(r?.['id'])
  const status = str(r?.['status'])
  if (r === undefined || id === null || status === null) return undefined
  const delivery = rec(r['deliveryMode'])
  const filters = Array.isArray(r['eventFilters']) ? r['eventFilters'].filter((f) => typeof f === 'string') : []
  return {
    id,
    status,
    transport: str(delivery?.['transportType']),
    address: str(delivery?.['address']),
    eventFilters: filters,
    expirationTime: str(r['expirationTime']),
    blacklistedReason: str(rec(r['blacklistedData'])?.['reason'])
  }
}

/** The platform's own words for a refusal: `errorCode: message` of its first error, else its message. */
const refusal = (a: RcAnswer): SubscriptionFailure => {
  const body = rec(a.body)
  const first = Array.isArray(body?.['errors']) ? rec(body?.['errors'][0]) : undefined
  const code = str(first?.['errorCode']) ?? str(body?.['errorCode'])
  const message = str(first?.['message']) ?? str(body?.['message']) ?? 'no message'
  return { _tag: 'Refused', status: a.status, message: code === null ? message : `${code}: ${message}` }
}

const one = (a: E.Either<RcFailure, RcAnswer>): E.Either<SubscriptionFailure, SubscriptionInfo> => {
  if (E.isLeft(a)) return a
  if (a.right.status >= 300) return E.left(refusal(a.right))
  const info = subscriptionInfoOf(a.right.body)
  return info === undefined
    ? E.left({ _tag: 'Refused', status: a.right.status, message: 'the answer is not a subscription record' })
    : E.right(info)
}

export interface WebhookRequest {
  readonly address: string
  readonly verificationToken: string
  readonly eventFilters: ReadonlyArray<string>
  /** Seconds; the platform's maximum for webhooks is 10 years. */
  readonly expiresIn: number
}

export const createWebhookSubscription = async (
  platform: Platform,
  r: WebhookRequest
): Promise<E.Either<SubscriptionFailure, SubscriptionInfo>> =>
  one(
    await platform.request('Medium', 'POST', SUBSCRIPTION_PATH, {
      eventFilters: r.eventFilters,
      expiresIn: r.expiresIn,
      deliveryMode: { transportType: 'WebHook', address: r.address, verificationToken: r.verificationToken }
    })
  )

export const listSubscriptions = async (
  platform: Platform
): Promise<E.Either<SubscriptionFailure, SubscriptionInfo[]>> => {
  const a = await platform.request('Light', 'GET', SUBSCRIPTION_PATH)
  if (E.isLeft(a)) return a
  if (a.right.status >= 300) return E.left(refusal(a.right))
  const records = rec(a.right.body)?.['records']
  return E.right(
    (Array.isArray(records) ? records : []).flatMap((v) => {
      const info = subscriptionInfoOf(v)
      return info === undefined ? [] : [info]
    })
  )
}

/** The subscription, or undefined when the platform does not know it (404: unknown or expired). */
export const getSubscription = async (
  platform: Platform,
  id: string
): Promise<E.Either<SubscriptionFailure, SubscriptionInfo | undefined>> => {
  const a = await platform.request('Light', 'GET', `${SUBSCRIPTION_PATH}/${encodeURIComponent(id)}`)
  if (E.isRight(a) && a.right.status === 404) return E.right(undefined)
  return one(a)
}

export const renewSubscription = async (
  platform: Platform,
  id: string
): Promise<E.Either<SubscriptionFailure, SubscriptionInfo>> =>
  one(await platform.request('Light', 'POST', `${SUBSCRIPTION_PATH}/${encodeURIComponent(id)}/renew`))

/** Deleted, or already unknown to the platform (404): either way it is gone. */
export const deleteSubscription = async (
  platform: Platform,
  id: string
): Promise<E.Either<SubscriptionFailure, void>> => {
  const a = await platform.request('Medium', 'DELETE', `${SUBSCRIPTION_PATH}/${encodeURIComponent(id)}`)
  if (E.isLeft(a)) return a
  return a.right.status < 300 || a.right.status === 404 ? E.right(undefined) : E.left(refusal(a.right))
}
