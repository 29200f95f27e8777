/**
 * What the sessions projection (./projection.ts) and the write-behind fold of a rebuild shard (./write-behind.ts)
 * share: what a batch of events says about each session it touches, a session's stored entry, and the entry that
 * saving a new state gives.
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  emptySession,
  presenceEnds,
  presenceUpdate,
  reconciliationEnds,
  type EndFact,
  type SessionState,
  type TelephonySessionBody
} from '@callstate/domain'
import { streams } from '../port.js'
import { instantMs } from '../time.js'
import type { ProjectedEvent } from '../event.js'
import type { ReadModelTx } from '../readmodel-port.js'
import { parseStoredState } from './stored-state.js'

export interface Entry {
  readonly state: SessionState
  readonly position: number
  readonly endedPositions: ReadonlyMap<string, number>
  /** The earliest receipt (ms) of the session's telephony notifications: when it became known (`--known-at`). */
  readonly knownSinceMs: number | null
}

/** A read-model state the current code cannot read: thrown inside the transaction, so nothing of the batch commits. */
export class UnreadableSession extends Error {
  constructor(
    readonly telephonySessionId: string,
    reason: string
  ) {
    super(`read model of session ${telephonySessionId} is unreadable (${reason}): run \`callstate rebuild\``)
    this.name = 'UnreadableSession'
  }
}

/** The session as stored, or an empty one. */
export const loadEntry = (tx: ReadModelTx, id: string): Entry => {
  const stored = tx.loadSession(id)
  if (stored === undefined)
    return { state: emptySession(id), position: 0, endedPositions: new Map(), knownSinceMs: null }
  const state = parseStoredState(id, stored.row.state)
  if (E.isLeft(state)) throw new UnreadableSession(id, state.left.reason)
  const endedPositions = new Map<string, number>()
  for (const c of stored.calls) if (c.endedPosition !== null) endedPositions.set(c.partyId, c.endedPosition)
  return { state: state.right, position: stored.row.position, endedPositions, knownSinceMs: stored.row.knownSinceMs }
}

/** The earlier of two receipts (null: none). */
export const earliest = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.min(a, b)

/**
 * The entry after `state` was folded from `before` with events up to position `last`. A party's ended position is
 * the position at which its end became visible: kept once known, `last` when it ends now, and `last` for every
 * ended party when the session itself ends now (the last live party may move after the others ended).
 */
export const nextEntry = (
  before: Entry,
  state: SessionState,
  last: number,
  knownSinceMs: number | null = null
): Entry => {
  const endedPositions = new Map<string, number>()
  const sessionJustEnded = state.status === 'ended' && before.state.status !== 'ended'
  for (const p of state.parties) {
    if (!p.ended) continue
    endedPositions.set(p.id, sessionJustEnded ? last : (before.endedPositions.get(p.id) ?? last))
  }
  return {
    state,
    position: Math.max(before.position, last),
    endedPositions,
    knownSinceMs: earliest(before.knownSinceMs, knownSinceMs)
  }
}

export interface Touched {
  readonly bodies: TelephonySessionBody[]
  readonly ends: EndFact[]
  last: number
  /** The earliest receipt (ms) of the telephony notifications among them. */
  knownSinceMs: number | null
}

/** An end fact about a session another fold owns (a parallel rebuild's other shard), with the event's position. */
export interface SessionEnd {
  readonly telephonySessionId: string
  readonly position: number
  readonly fact: EndFact
}

/** Where the session facts of an event go. */
export interface SessionSink {
  /** The streams whose sessions this fold owns. */
  readonly owns: (stream: string) => boolean
  /** The record of one of them, touched at `position`. */
  readonly entry: (telephonySessionId: string, position: number) => Touched
  /** An end fact about a session of another fold. */
  readonly foreign: (end: SessionEnd) => void
}

/**
 * What one event says about sessions: a telephony body, the end facts presence and reconciliation give. End facts
 * about sessions `owns` refuses go to `foreign`.
 */
export const addSessionFacts = (e: ProjectedEvent, sink: SessionSink): void => {
  if (e.kind === 'reconciliation') {
    const id = e.observation.telephonySessionId
    const facts = reconciliationEnds(e.observation, e.id)
    // An observation that ends nothing still touches its session (its position moves).
    if (sink.owns(streams.session(id))) sink.entry(id, e.position).ends.push(...facts)
    else for (const fact of facts) sink.foreign({ telephonySessionId: id, position: e.position, fact })
    return
  }
  const n = e.notification
  if (n.kind === 'telephony-session') {
    const t = sink.entry(n.body.telephonySessionId, e.position)
    t.bodies.push(n.body)
    t.knownSinceMs = earliest(t.knownSinceMs, instantMs(e.receivedAt))
  } else if (n.kind === 'detailed-presence')
    for (const { telephonySessionId, fact } of presenceEnds(presenceUpdate(n), e.id)) {
      if (sink.owns(streams.session(telephonySessionId))) sink.entry(telephonySessionId, e.position).ends.push(fact)
      else sink.foreign({ telephonySessionId, position: e.position, fact })
    }
}

/** What a batch says about each session it touches (`addSessionFacts` of each event). */
export const touchedSessions = (
  events: ReadonlyArray<ProjectedEvent>,
  owns: (stream: string) => boolean,
  foreign: (end: SessionEnd) => void = () => undefined
): Map<string, Touched> => {
  const touched = new Map<string, Touched>()
  const entry = (id: string, position: number): Touched => {
    const t = touched.get(id)
    if (t !== undefined) {
      t.last = position
      return t
    }
    const created: Touched = { bodies: [], ends: [], last: position, knownSinceMs: null }
    touched.set(id, created)
    return created
  }
  const sink: SessionSink = { owns, entry, foreign }
  for (const e of events) addSessionFacts(e, sink)
  return touched
}
