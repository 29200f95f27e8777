/**
 * The audit trail of one telephony session: its raw notifications in log order, each with its log position
 * and receive time, and what the decoder reads in it (sequence, event time, party statuses).
 *
 * Entries are plain records so that a later step can add a `state` field (the session state after each
 * notification, from the projections fold) without changing how the trail is read.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { decode } from '@callstate/domain'
import { streams, type EventStore, type StoredEvent, type StoreFailure } from '../port.js'
import { readWholeStream } from './known-at.js'
import { statesAfterEach } from './audit.js'
import type { SessionView } from './view.js'
import { describeError } from '../describe.js'

export interface AuditEntry {
  readonly position: number
  readonly revision: number
  readonly id: string
  readonly type: string
  readonly receivedAt: string
  readonly source: string
  readonly sourceRef?: string
  /** From the decoded notification; absent when the stored data no longer decodes (see `problem`). */
  readonly sequence?: number
  readonly eventTime?: string
  /** `party-id: StatusCode[/reason]` for each party the notification carries. */
  readonly parties?: ReadonlyArray<string>
  readonly problem?: string
  /** The notification as stored (parsed JSON). */
  readonly data: unknown
  /** The session state after applying this notification (and every earlier one, in log order). */
  readonly state?: SessionView
}

const parse = (text: string): E.Either<string, unknown> =>
  E.tryCatch(
    () => JSON.parse(text),
    (e) => `stored data is not JSON: ${describeError(e)}`
  )

export const auditEntry = (e: StoredEvent): AuditEntry => {
  const base = {
    position: e.position,
    revision: e.revision,
    id: e.id,
    type: e.type,
    receivedAt: e.metadata.receivedAt,
    source: e.metadata.source,
    ...(e.metadata.sourceRef !== undefined ? { sourceRef: e.metadata.sourceRef } : {})
  }
  const data = parse(e.data)
  if (E.isLeft(data)) return { ...base, problem: data.left, data: e.data }
  const decoded = decode(data.right)
  if (E.isLeft(decoded))
    return { ...base, problem: 'stored data no longer decodes as a notification', data: data.right }
  const n = decoded.right.notification
  if (n.kind !== 'telephony-session')
    return { ...base, problem: `stored data decodes as ${n.kind}, not a telephony session`, data: data.right }
  return {
    ...base,
    sequence: n.body.sequence,
    ...(n.body.eventTime !== undefined ? { eventTime: n.body.eventTime } : {}),
    parties: n.body.parties.map((p) => `${p.id}: ${p.status.code}${p.status.reason ? `/${p.status.reason}` : ''}`),
    data: data.right
  }
}

/** The session's trail; an unknown session reads as an empty trail. */
export const auditTrail = (
  store: EventStore,
  telephonySessionId: string
): TE.TaskEither<StoreFailure, ReadonlyArray<AuditEntry>> =>
  pipe(
    readWholeStream(store, streams.session(telephonySessionId)),
    TE.map((events) => {
      const states = statesAfterEach(telephonySessionId, events)
      return events.map((e, i) => {
        const state = states[i]
        return state === undefined ? auditEntry(e) : { ...auditEntry(e), state }
      })
    })
  )
