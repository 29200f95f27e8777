/**
 * Keeping a webhook subscription alive for `serve --public-url`: the subscription's id and the verification token
 * chosen for it are kept in a file in the data directory (mode 0600: the token is a secret), so a restart goes on
 * with the same subscription. Every `checkMs` it is read back: renewed when it expires within `renewBeforeMs`,
 * re-created (deleted, then created again for the same address) when the platform says `Blacklisted` or
 * `Suspended` (RingCentral never says so by itself: only a read finds it) or no longer knows it.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { describeError } from '@callstate/projections'
import { describeRcFailure } from './failure.js'
import type { ConnectorLog } from './log.js'
import type { Platform } from './platform.js'
import { secret, type Secret } from './secret.js'
import {
  createWebhookSubscription,
  deleteSubscription,
  getSubscription,
  renewSubscription,
  type SubscriptionFailure,
  type SubscriptionInfo
} from './webhook.js'

export interface WebhookKeeperOptions {
  readonly platform: Platform
  readonly address: string
  readonly eventFilters: ReadonlyArray<string>
  /** The file keeping `{id, address, verificationToken}` (in the data directory). */
  readonly stateFile: string
  readonly log: ConnectorLog
  readonly now?: () => number
  /** Lifetime asked for (default 10 years, the platform's maximum for webhooks; renewals keep it). */
  readonly expiresInS?: number
  /** Renew when it expires within this (default 7 days). */
  readonly renewBeforeMs?: number
  /** How often it is read back (default 5 min). */
  readonly checkMs?: number
}

export interface WebhookKeeperStatus {
  readonly subscriptionId: string | null
  readonly status: string | null
  readonly expirationTime: string | null
  readonly renewals: number
  readonly recreations: number
  readonly lastError: string | null
}

export interface WebhookKeeper {
  /** The token RingCentral will send with every notification: the server checks it. */
  readonly verificationToken: Secret
  /** Makes sure a subscription exists and is Active (creating it: the server must already listen). */
  readonly ensure: () => Promise<E.Either<string, SubscriptionInfo>>
  readonly status: () => WebhookKeeperStatus
  readonly stop: () => void
}

interface Kept {
  readonly id?: string
  readonly address: string
  readonly verificationToken: string
}

const readKept = (file: string): Kept | undefined => {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (typeof v !== 'object' || v === null) return undefined
    const id = Reflect.get(v, 'id')
    const address = Reflect.get(v, 'address')
    const token = Reflect.get(v, 'verificationToken')
    return typeof address === 'string' && typeof token === 'string'
      ? { ...(typeof id === 'string' ? { id } : {}), address, verificationToken: token }
      : undefined
  } catch {
    return undefined
  }
}

const writeKept = (file: string, kept: Kept): void => {
  const temp = `${file}.tmp`
  writeFileSync(temp, JSON.stringify(kept, null, 2), { mode: 0o600 })
  chmodSync(temp, 0o600)
  renameSync(temp, file)
}

/** Keeps a subscription's id, address and verification token in the file (mode 0600), as the keeper reads them. */
export const keepWebhookState = (
  file: string,
  kept: { readonly id: string; readonly address: string; readonly verificationToken: string }
): E.Either<string, void> =>
  E.tryCatch(
    () => writeKept(file, kept),
    (e) => describeError(e)
  )

const words = (f: SubscriptionFailure): string =>
  f._tag === 'Refused' ? `RingCentral answered ${f.status}: ${f.message}` : describeRcFailure(f)

export const keepWebhookSubscription = (options: WebhookKeeperOptions): WebhookKeeper => {
  const { platform, log, stateFile, address } = options
  const now = options.now ?? Date.now
  const previous = readKept(stateFile)
  // The same address keeps its token (the subscription still sends it); a new address starts afresh.
  const token = previous?.address === address ? previous.verificationToken : randomBytes(24).toString('base64url')
  let kept: Kept = previous?.address === address ? previous : { address, verificationToken: token }
  let info: SubscriptionInfo | undefined
  const counts = { renewals: 0, recreations: 0 }
  let lastError: string | null = null

  const save = (next: Kept): void => {
    kept = next
    try {
      writeKept(stateFile, next)
    } catch (e) {
      log.warn({ file: stateFile, error: describeError(e) }, 'cannot keep the webhook subscription id')
    }
  }

  const create = async (): Promise<E.Either<string, SubscriptionInfo>> => {
    const created = await createWebhookSubscription(platform, {
      address,
      verificationToken: token,
      eventFilters: options.eventFilters,
      expiresIn: options.expiresInS ?? 315_360_000
    })
    if (E.isLeft(created)) return E.left(words(created.left))
    save({ id: created.right.id, address, verificationToken: token })
    log.info({ subscriptionId: created.right.id, address }, 'RingCentral webhook subscription created')
    return E.right(created.right)
  }

  const check = async (): Promise<E.Either<string, SubscriptionInfo>> => {
    const id = kept.id
    const current = id === undefined ? E.right(undefined) : await getSubscription(platform, id)
    if (E.isLeft(current)) return E.left(words(current.left))
    const sub = current.right
    let result: E.Either<string, SubscriptionInfo>
    if (sub === undefined) result = await create()
    else if (sub.status !== 'Active') {
      log.warn(
        { subscriptionId: sub.id, status: sub.status, reason: sub.blacklistedReason },
        'webhook subscription is not active: re-creating it'
      )
      const gone = await deleteSubscription(platform, sub.id)
      if (E.isLeft(gone)) log.warn({ error: words(gone.left) }, 'cannot delete the inactive subscription')
      result = await create()
      if (E.isRight(result)) counts.recreations++
    } else {
      const expires = sub.expirationTime === null ? Infinity : Date.parse(sub.expirationTime)
      if (expires - now() <= (options.renewBeforeMs ?? 7 * 86_400_000)) {
        const renewed = await renewSubscription(platform, sub.id)
        result = E.isLeft(renewed) ? E.left(words(renewed.left)) : E.right(renewed.right)
        if (E.isRight(result)) counts.renewals++
      } else result = E.right(sub)
    }
    if (E.isRight(result)) {
      info = result.right
      lastError = null
    } else lastError = result.left
    return result
  }

  // One check at a time: a timer tick during a slow create must not create a second subscription.
  let inFlight: Promise<E.Either<string, SubscriptionInfo>> | undefined
  const ensure = (): Promise<E.Either<string, SubscriptionInfo>> =>
    (inFlight ??= check().finally(() => {
      inFlight = undefined
    }))

  const timer = setInterval(() => {
    void ensure().then((r) => {
      if (E.isLeft(r)) log.warn({ error: r.left }, 'webhook subscription check failed')
    })
  }, options.checkMs ?? 300_000)

  return {
    verificationToken: secret(token),
    ensure,
    status: () => ({
      subscriptionId: info?.id ?? kept.id ?? null,
      status: info?.status ?? null,
      expirationTime: info?.expirationTime ?? null,
      ...counts,
      lastError
    }),
    stop: () => clearInterval(timer)
  }
}
