/**
 * TEST DOUBLE of the RingCentral platform: what happens to an event. Every live subscription whose filters match
 * the envelope's `event` gets it, with `subscriptionId` set to its own id (clients drop envelopes for other ids):
 * WebSocket subscriptions on their socket, or into the recovery buffer while their socket is gone; Active
 * webhook subscriptions by POST. Deliveries to one webhook keep their order. After `failuresBeforeBlacklist`
 * failed deliveries in a row a webhook subscription becomes Blacklisted with the platform's wording of the last
 * failure; one success resets the count. There are no retries (the platform's retry policy is undocumented).
 */
import type { SubscriptionRecord, SubscriptionStore } from './subscriptions.js'
import { deliver } from './webhooks.js'
import type { Gateway, WsDelivery } from './ws-gateway.js'
import { iso, type Envelope } from './wire.js'

export interface WebhookDelivery {
  readonly subscriptionId: string
  readonly address: string
  readonly uuid: string
  readonly ok: boolean
  readonly status: number | undefined
  readonly reason: string | undefined
}

export interface PublishReport {
  readonly webSocket: readonly { readonly subscriptionId: string; readonly delivery: WsDelivery }[]
  readonly webhook: readonly WebhookDelivery[]
  /** Matching webhook subscriptions skipped because they are Blacklisted or Suspended. */
  readonly skipped: readonly string[]
}

export interface PublisherOptions {
  readonly timeoutMs: number
  readonly tokenHeader: string
  readonly failuresBeforeBlacklist: number
}

export class Publisher {
  private readonly chains = new Map<string, Promise<WebhookDelivery>>()
  private readonly delivered: WebhookDelivery[] = []

  constructor(
    private readonly store: SubscriptionStore,
    private readonly gateway: Gateway,
    private readonly options: PublisherOptions
  ) {}

  async publish(envelope: Envelope): Promise<PublishReport> {
    const now = Date.now()
    this.gateway.sessions.sweep(now)
    const matching = this.store.matching(envelope.event, now)
    const webSocket = matching.flatMap((record) =>
      record.delivery.kind === 'WebSocket'
        ? [
            {
              subscriptionId: record.id,
              delivery: this.gateway.deliver(record.delivery.gatewaySessionId, {
                ...envelope,
                subscriptionId: record.id
              })
            }
          ]
        : []
    )
    const hooks = matching.filter((record) => record.delivery.kind === 'WebHook')
    const skipped = hooks.filter((record) => record.status !== 'Active').map((record) => record.id)
    const webhook = await Promise.all(
      hooks.filter((record) => record.status === 'Active').map((record) => this.enqueue(record, envelope))
    )
    return { webSocket, webhook, skipped }
  }

  deliveries(): readonly WebhookDelivery[] {
    return [...this.delivered]
  }

  private enqueue(record: SubscriptionRecord, envelope: Envelope): Promise<WebhookDelivery> {
    const previous = this.chains.get(record.id) ?? Promise.resolve(undefined)
    const next = previous.then(() => this.deliverOne(record, envelope))
    this.chains.set(record.id, next)
    return next
  }

  private async deliverOne(record: SubscriptionRecord, envelope: Envelope): Promise<WebhookDelivery> {
    if (record.delivery.kind !== 'WebHook') throw new Error('only webhook subscriptions are delivered by POST')
    const { address, verificationToken } = record.delivery
    const result = await deliver(
      address,
      this.options.tokenHeader,
      verificationToken,
      { ...envelope, subscriptionId: record.id },
      this.options.timeoutMs
    )
    const delivery: WebhookDelivery = { subscriptionId: record.id, address, uuid: envelope.uuid, ...result }
    this.delivered.push(delivery)
    if (result.ok) {
      record.failures = 0
      return delivery
    }
    record.failures += 1
    if (record.failures >= this.options.failuresBeforeBlacklist && record.status === 'Active') {
      record.status = 'Blacklisted'
      record.blacklistedData = { blacklistedAt: iso(Date.now()), reason: result.reason ?? 'delivery failed' }
    }
    return delivery
  }
}
