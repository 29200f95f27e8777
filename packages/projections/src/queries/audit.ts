/**
 * The audit of one telephony session: its raw notifications in log order, each with its log position and
 * receive time, what the decoder reads in it (sequence, event time, party statuses), and the session state after
 * it. Folding in log order (the order they were received in) lets a reader see how each arrival changed the
 * answer. The presence notifications that ended parties of the session (its end facts, domain session/ends.ts)
 * are part of its audit too, in their place in the log: a closure is shown as coming from presence. The CLI
 * (`callstate audit`) and the HTTP API (`GET /sessions/:id/audit`) both answer with this.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { pipe } from 'fp-ts/lib/function.js'
import { emptySession, evolveSessionWith, type SessionState } from '@callstate/domain'
import { parseEventData, projectEvent, telephonyBodyOf } from '../event.js'
import { streams, type EventStore, type StoredEvent } from '../port.js'
import type { ReadModelStore } from '../readmodel-port.js'
import { notFound, type QueryFailure } from './failure.js'
import { readWholeStream } from './known-at.js'
import { closingEvents, endsFor } from './session-ends.js'
import { sessionView, type SessionView } from './view.js'

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
  /**
   * `party-id: StatusCode[/reason]` for each party the notification carries; for a presence notification, the
   * parties of this session it says ended (`party-id: final (presence)`, or the extension's when it names none).
   */
  readonly parties?: ReadonlyArray<string>
  readonly problem?: string
  /** The notification as stored (parsed JSON; the text itself when it is not JSON). */
  readonly data: unknown
  /** The session state after applying this notification (and every earlier one, in log order). */
  readonly state?: SessionView
}

/** The end facts a stored event gives about one session (none unless it is detailed presence saying `final`). */
/** What one stored event says, read through the event reader; `telephonySessionId`: the session audited. */
export const auditEntry = (e: StoredEvent, telephonySessionId?: string): AuditEntry => {
  const base = {
    position: e.position,
    revision: e.revision,
    id: e.id,
    type: e.type,
    receivedAt: e.metadata.receivedAt,
    source: e.metadata.source,
    ...(e.metadata.sourceRef !== undefined ? { sourceRef: e.metadata.sourceRef } : {})
  }
  const data = parseEventData(e)
  if (E.isLeft(data)) return { ...base, problem: data.left.reason, data: e.data }
  const projected = projectEvent(e)
  if (E.isLeft(projected))
    return { ...base, problem: 'stored data no longer decodes as a notification', data: data.right }
  if (projected.right.kind === 'reconciliation') {
    const o = projected.right.observation
    return {
      ...base,
      eventTime: o.askedAt,
      parties: [o.conclusion === 'gone' ? 'every live party: gone (reconciliation)' : 'still live (reconciliation)'],
      data: data.right
    }
  }
  const n = projected.right.notification
  const ends = telephonySessionId === undefined ? [] : endsFor(e, telephonySessionId)
  if (ends.length > 0)
    return {
      ...base,
      ...(n.kind === 'detailed-presence' && n.envelope.timestamp !== undefined
        ? { eventTime: n.envelope.timestamp }
        : {}),
      parties: ends.map((f) => `${f.partyId ?? `extension ${f.extensionId ?? '?'}`}: final (presence)`),
      data: data.right
    }
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

/**
 * One entry per event, in the order given: the session view after applying it (status as stored: no clock
 * here, so never `stale`). An event that does not decode leaves the state as it was.
 */
export const statesAfterEach = (
  telephonySessionId: string,
  events: ReadonlyArray<StoredEvent>
): ReadonlyArray<SessionView> => {
  let state: SessionState = emptySession(telephonySessionId)
  return events.map((e) => {
    const body = telephonyBodyOf(e)
    state =
      body !== undefined
        ? evolveSessionWith(state, [body])
        : evolveSessionWith(state, [], endsFor(e, telephonySessionId))
    return sessionView(state, state.status)
  })
}

/**
 * The session's audit: its own stream and the presence notifications that ended parties of it, in log order;
 * `NotFound` when the log holds no notification of it.
 */
export const auditTrail = (
  deps: { readonly store: EventStore; readonly readModels: ReadModelStore },
  telephonySessionId: string
): TE.TaskEither<QueryFailure, ReadonlyArray<AuditEntry>> =>
  pipe(
    readWholeStream(deps.store, streams.session(telephonySessionId)),
    TE.mapLeft((f): QueryFailure => f),
    TE.flatMap((own) =>
      own.length === 0
        ? TE.left(notFound(`no notification of telephony session ${telephonySessionId}`))
        : pipe(
            closingEvents(deps.store, deps.readModels, telephonySessionId),
            TE.map((closing) => [...own, ...closing].sort((a, b) => a.position - b.position))
          )
    ),
    TE.map((events) => {
      const states = statesAfterEach(telephonySessionId, events)
      return events.map((e, i) => {
        const state = states[i]
        const entry = auditEntry(e, telephonySessionId)
        return state === undefined ? entry : { ...entry, state }
      })
    })
  )
