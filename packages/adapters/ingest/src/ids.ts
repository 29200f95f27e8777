/**
 * Deterministic event ids: the same input always gets the same id, so the store's id uniqueness makes every
 * append idempotent (a re-import, a crashed import run again, a webhook retry and a WebSocket copy all collapse).
 */
import { hash } from 'node:crypto'

/**
 * The callstate namespace for UUIDv5 ids. Fixed for ever: changing it would give every notification a new id
 * and break deduplication against logs written before.
 */
export const CALLSTATE_NAMESPACE = '522bbcbb-a8f2-4795-84a7-e9ab8a611adf'

const NAMESPACE_BYTES = Buffer.from(CALLSTATE_NAMESPACE.replace(/-/g, ''), 'hex')

/** One-shot hashing: several times faster than createHash().update().digest() for inputs this small. */
export const sha256Hex = (text: string): string => hash('sha256', text)

/**
 * UUIDv5 (RFC 9562) of `name` in the callstate namespace: sha1(namespace bytes + UTF-8 name), first 16 bytes,
 * version 5, RFC variant. The same as `v5(name, CALLSTATE_NAMESPACE)` from `uuid` (a property test holds them
 * together), written out because the import computes one per notification and the library's is 5x slower.
 */
export const uuidV5 = (name: string): string => {
  const h = hash('sha1', Buffer.concat([NAMESPACE_BYTES, Buffer.from(name, 'utf8')]))
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** Id of a notification event: UUIDv5 of the notification `uuid` as received. */
export const notificationEventId = (uuid: string): string => uuidV5(uuid)

/** Id of a `NotificationQuarantined` event: UUIDv5 of `quarantine:` + sha256 of the raw text. */
export const quarantineEventId = (rawHash: string): string => uuidV5(`quarantine:${rawHash}`)

/** Id of the `QuarantineResolved` event for one quarantine entry: at most one resolution per entry. */
export const resolutionEventId = (quarantineId: string): string => uuidV5(`resolved:${quarantineId}`)

/** Id of a `ReconciliationObserved` event: one per session and moment the platform was asked. */
export const reconciliationEventId = (telephonySessionId: string, askedAt: string): string =>
  uuidV5(`reconciliation:${telephonySessionId}:${askedAt}`)
