/**
 * TEST DOUBLE of the RingCentral platform: the subscription records behind both transports (CONNECT.md 2.3
 * and 3). WebSocket subscriptions belong to a gateway session and never expire while it lives (their
 * `expiresIn` is shown as 86399 and renewed on every read); WebHook ones expire at `expirationTime` and can be
 * Blacklisted or Suspended. At most `maxSubscriptions` live at once (403 SUB-505 past it).
 */
import * as E from 'fp-ts/Either'
import { expandIds, filterMatches, filterProblem, type Identity } from './filters.js'
import { apiError, iso, isRecord, newId, numberAt, recordAt, stringAt, stringsAt, type Reply } from './wire.js'

export type SubscriptionStatus = 'Active' | 'Blacklisted' | 'Suspended'

export type Delivery =
  | { readonly kind: 'WebSocket'; readonly gatewaySessionId: string }
  | { readonly kind: 'WebHook'; readonly address: string; readonly verificationToken: string | undefined }

export interface SubscriptionRecord {
  readonly id: string
  readonly creationTime: number
  eventFilters: readonly string[]
  /** The lifetime asked for at creation or by the last PUT, used again by renew. */
  lifetimeS: number
  expiresAt: number
  status: SubscriptionStatus
  blacklistedData: { readonly blacklistedAt: string; readonly reason: string } | undefined
  readonly delivery: Delivery
  /** Consecutive failed webhook deliveries. */
  failures: number
}

export interface SubscriptionRequest {
  readonly eventFilters: readonly string[]
  readonly expiresIn: number | undefined
  readonly transportType: string
  readonly address: string | undefined
  readonly verificationToken: string | undefined
}

const webSocketLifetimeS = 86399
const maxWebhookLifetimeS = 315360000

const invalid = (parameterName: string, message = `Parameter [${parameterName}] value is invalid`): Reply =>
  apiError(400, 'CMN-101', message, { parameterName })

/** Reads a POST/PUT body; `eventFilters` is required for a POST only. */
export const readSubscriptionRequest = (body: unknown, creating: boolean): E.Either<Reply, SubscriptionRequest> => {
  if (body !== undefined && !isRecord(body)) return E.left(invalid('body', 'Request body is not a JSON object'))
  const eventFilters = stringsAt(body, 'eventFilters')
  if (eventFilters === undefined ? creating : eventFilters.length === 0) return E.left(invalid('eventFilters'))
  for (const filter of eventFilters ?? []) {
    const problem = filterProblem(filter)
    if (problem !== undefined) return E.left(invalid('eventFilters', problem))
  }
  const deliveryMode = recordAt(body, 'deliveryMode')
  return E.right({
    eventFilters: eventFilters ?? [],
    expiresIn: numberAt(body, 'expiresIn'),
    transportType: stringAt(deliveryMode, 'transportType') ?? '',
    address: stringAt(deliveryMode, 'address'),
    verificationToken: stringAt(deliveryMode, 'verificationToken')
  })
}

export class SubscriptionStore {
  private readonly records = new Map<string, SubscriptionRecord>()

  constructor(
    private readonly identity: Identity,
    private readonly baseUrl: () => string,
    private readonly options: { readonly maxSubscriptions: number; readonly webhookDefaultExpiresInS: number }
  ) {}

  create(request: SubscriptionRequest, delivery: Delivery, now: number): E.Either<Reply, SubscriptionRecord> {
    if (this.list(now).length >= this.options.maxSubscriptions)
      return E.left(apiError(403, 'SUB-505', 'Max number of subscriptions is exceeded'))
    const lifetimeS = this.lifetimeS(delivery, request.expiresIn)
    const record: SubscriptionRecord = {
      id: newId(),
      creationTime: now,
      eventFilters: request.eventFilters.map((filter) => expandIds(filter, this.identity)),
      lifetimeS,
      expiresAt: now + lifetimeS * 1000,
      status: 'Active',
      blacklistedData: undefined,
      delivery,
      failures: 0
    }
    this.records.set(record.id, record)
    return E.right(record)
  }

  /** The record, unless unknown or expired (an expired webhook subscription is gone). */
  get(id: string, now: number): SubscriptionRecord | undefined {
    const record = this.records.get(id)
    if (record === undefined) return undefined
    if (record.delivery.kind === 'WebSocket') {
      record.expiresAt = now + webSocketLifetimeS * 1000
      return record
    }
    if (record.expiresAt > now) return record
    this.records.delete(id)
    return undefined
  }

  list(now: number): readonly SubscriptionRecord[] {
    return [...this.records.keys()].flatMap((id) => this.get(id, now) ?? [])
  }

  update(record: SubscriptionRecord, request: SubscriptionRequest, now: number): void {
    if (request.eventFilters.length > 0)
      record.eventFilters = request.eventFilters.map((filter) => expandIds(filter, this.identity))
    record.lifetimeS = this.lifetimeS(record.delivery, request.expiresIn)
    record.expiresAt = now + record.lifetimeS * 1000
  }

  renew(record: SubscriptionRecord, now: number): void {
    record.expiresAt = now + record.lifetimeS * 1000
  }

  delete(id: string): boolean {
    return this.records.delete(id)
  }

  /** Live records whose filters match `event`. */
  matching(event: string, now: number): readonly SubscriptionRecord[] {
    return this.list(now).filter((record) =>
      record.eventFilters.some((filter) => filterMatches(filter, event, this.identity))
    )
  }

  /** The SubscriptionInfo body of CONNECT.md 2.3 / 3. */
  info(record: SubscriptionRecord, now: number): Record<string, unknown> {
    const deliveryMode =
      record.delivery.kind === 'WebSocket'
        ? { transportType: 'WebSocket', encryption: false }
        : { transportType: 'WebHook', encryption: false, address: record.delivery.address }
    return {
      uri: `${this.baseUrl()}/restapi/v1.0/subscription/${record.id}`,
      id: record.id,
      creationTime: iso(record.creationTime),
      status: record.status,
      eventFilters: [...record.eventFilters],
      expirationTime: iso(record.expiresAt),
      expiresIn: Math.max(0, Math.floor((record.expiresAt - now) / 1000)),
      deliveryMode,
      ...(record.blacklistedData === undefined ? {} : { blacklistedData: { ...record.blacklistedData } })
    }
  }

  private lifetimeS(delivery: Delivery, requested: number | undefined): number {
    if (delivery.kind === 'WebSocket') return webSocketLifetimeS
    if (requested === undefined || requested <= 0) return this.options.webhookDefaultExpiresInS
    return Math.min(Math.floor(requested), maxWebhookLifetimeS)
  }
}
