/**
 * From a stored event to what the projections fold: the decoded notification plus where and when it was
 * recorded. The log keeps the envelope as received; the current decoder reads it again here, so a decoder
 * fix reaches the read models through a rebuild.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { decode, type Notification } from '@callstate/domain'
import type { EventType, Position, StoredEvent } from './port.js'

export interface ProjectedEvent {
  readonly position: Position
  readonly id: string
  readonly stream: string
  readonly type: EventType
  readonly receivedAt: string
  readonly notification: Notification
}

/** An event in the log that the current decoder cannot read: reported by the runner, never thrown. */
export interface Undecodable {
  readonly position: Position
  readonly id: string
  readonly reason: string
}

/** The event types the read models fold; quarantine and unknown notifications are skipped without decoding. */
const PROJECTED: ReadonlySet<EventType> = new Set<EventType>([
  'TelephonySessionNotification',
  'PresenceNotification',
  'DetailedPresenceNotification',
  'MessageStoreNotification'
])

export const isProjected = (e: StoredEvent): boolean => PROJECTED.has(e.type)

export const projectEvent = (e: StoredEvent): E.Either<Undecodable, ProjectedEvent> =>
  pipe(
    E.tryCatch(
      (): unknown => JSON.parse(e.data),
      (err): Undecodable => ({ position: e.position, id: e.id, reason: `not JSON: ${String(err)}` })
    ),
    E.flatMap((json) =>
      pipe(
        decode(json),
        E.mapLeft((failure): Undecodable => ({
          position: e.position,
          id: e.id,
          reason: failure.problems.map((p) => `${p.path}: ${p.reason}`).join('; ')
        }))
      )
    ),
    E.map((decoded): ProjectedEvent => ({
      position: e.position,
      id: e.id,
      stream: e.stream,
      type: e.type,
      receivedAt: e.metadata.receivedAt,
      notification: decoded.notification
    }))
  )
