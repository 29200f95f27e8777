/**
 * Deterministic event ids: the same input always gets the same id, so the store's id uniqueness makes every
 * append idempotent (a re-import, a crash-and-rerun, a webhook retry and a WebSocket copy all collapse).
 */
import { createHash } from 'node:crypto'
import { v5 } from 'uuid'

/**
 * The callstate namespace for UUIDv5 ids. Fixed for ever: changing it would give every notification a new id
 * and break deduplication against logs written before.
 */
export const CALLSTATE_NAMESPACE = '522bbcbb-a8f2-4795-84a7-e9ab8a611adf'

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Id of a notification event: UUIDv5 of the notification `uuid` as received. */
export const notificationEventId = (uuid: string): string => v5(uuid, CALLSTATE_NAMESPACE)

/** Id of a `NotificationQuarantined` event: UUIDv5 of `quarantine:` + sha256 of the raw text. */
export const quarantineEventId = (rawHash: string): string => v5(`quarantine:${rawHash}`, CALLSTATE_NAMESPACE)

/** Id of the `QuarantineResolved` event for one quarantine entry: at most one resolution per entry. */
export const resolutionEventId = (quarantineId: string): string => v5(`resolved:${quarantineId}`, CALLSTATE_NAMESPACE)
