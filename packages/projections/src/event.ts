/**
 * The event reader: the one way stored events are read back. The log keeps each envelope as received (and each
 * quarantine fact as JSON); the current decoder and codecs read them again here, so a decoder fix reaches every
 * reader (the projections, audit, `log`, the quarantine listing, the feed) through the same path.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type * as t from 'io-ts'
import { decode, type Notification, type TelephonySessionBody } from '@callstate/domain'
import { describeError } from './describe.js'
import type { EventMetadata, EventType, Position, StoredEvent } from './port.js'
import { QuarantinedData, ReconciliationData, ResolvedData } from './vocabulary.js'

interface ProjectedBase {
  readonly position: Position
  readonly id: string
  readonly stream: string
  readonly type: EventType
  readonly receivedAt: string
}

/** A RingCentral notification, decoded. */
export interface ProjectedNotification extends ProjectedBase {
  readonly kind: 'notification'
  readonly notification: Notification
}

/** What callstate itself observed about a session (a reconciliation with the platform). */
export interface ProjectedObservation extends ProjectedBase {
  readonly kind: 'reconciliation'
  readonly observation: ReconciliationData
}

export type ProjectedEvent = ProjectedNotification | ProjectedObservation

/** An event in the log that the current decoder cannot read: reported by its reader, never thrown. */
export interface Undecodable {
  readonly position: Position
  readonly id: string
  readonly reason: string
}

/**
 * What the readers below read of a stored event: a parallel rebuild hands its workers only these fields (a
 * `StoredEvent` is one too).
 */
export type ReadableEvent = Pick<StoredEvent, 'position' | 'id' | 'stream' | 'type' | 'data'> & {
  readonly metadata: Pick<EventMetadata, 'receivedAt'>
}

const undecodable = (e: ReadableEvent, reason: string): Undecodable => ({ position: e.position, id: e.id, reason })

/** The event types the read models fold; quarantine and unknown notifications are skipped without decoding. */
const PROJECTED: ReadonlySet<EventType> = new Set<EventType>([
  'TelephonySessionNotification',
  'PresenceNotification',
  'DetailedPresenceNotification',
  'MessageStoreNotification',
  'ReconciliationObserved'
])

export const isProjected = (e: Pick<StoredEvent, 'type'>): boolean => PROJECTED.has(e.type)

/** The stored data as JSON. callstate writes only JSON; anything else was written by another program. */
export const parseEventData = (e: ReadableEvent): E.Either<Undecodable, unknown> =>
  E.tryCatch(
    (): unknown => JSON.parse(e.data),
    (err) => undecodable(e, `stored data is not JSON: ${describeError(err)}`)
  )

const readFact =
  <A>(codec: t.Decoder<unknown, A>) =>
  (e: ReadableEvent): E.Either<Undecodable, A> =>
    pipe(
      parseEventData(e),
      E.flatMap((json) =>
        pipe(
          codec.decode(json),
          E.mapLeft(() => undecodable(e, 'data does not match its event type'))
        )
      )
    )

/** The data of a `NotificationQuarantined` event. */
export const readQuarantined = readFact(QuarantinedData)
/** The data of a `QuarantineResolved` event. */
export const readResolution = readFact(ResolvedData)

/** The data of a `ReconciliationObserved` event. */
export const readReconciliation = readFact(ReconciliationData)

const base = (e: ReadableEvent) => ({
  position: e.position,
  id: e.id,
  stream: e.stream,
  type: e.type,
  receivedAt: e.metadata.receivedAt
})

/**
 * A projected event: a notification decoded by the current decoder, or callstate's own observation. Written as plain
 * steps: a rebuild runs it for every event of the log.
 */
export const projectEvent = (e: ReadableEvent): E.Either<Undecodable, ProjectedEvent> => {
  if (e.type === 'ReconciliationObserved') {
    const observation = readReconciliation(e)
    return E.isLeft(observation)
      ? observation
      : E.right({ ...base(e), kind: 'reconciliation', observation: observation.right })
  }
  const json = parseEventData(e)
  if (E.isLeft(json)) return json
  const decoded = decode(json.right)
  if (E.isLeft(decoded))
    return E.left(undecodable(e, decoded.left.problems.map((p) => `${p.path}: ${p.reason}`).join('; ')))
  return E.right({
    position: e.position,
    id: e.id,
    stream: e.stream,
    type: e.type,
    receivedAt: e.metadata.receivedAt,
    kind: 'notification',
    notification: decoded.right.notification
  })
}

/** The notification of a stored event; undefined for callstate's own events, or one that no longer decodes. */
export const notificationOf = (e: StoredEvent): Notification | undefined => {
  const p = projectEvent(e)
  return E.isRight(p) && p.right.kind === 'notification' ? p.right.notification : undefined
}

/** The telephony session body of a stored event; undefined for any other event, or one that no longer decodes. */
export const telephonyBodyOf = (e: StoredEvent): TelephonySessionBody | undefined => {
  if (e.type !== 'TelephonySessionNotification') return undefined
  const n = notificationOf(e)
  return n?.kind === 'telephony-session' ? n.body : undefined
}
