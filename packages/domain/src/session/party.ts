import type { Anomaly } from '../anomaly.js'
import { partyMetrics, partyOutcome, type Outcome, type TalkFrom } from '../metrics.js'
import type { Party } from '../notification.js'
import type { HistoryEntry } from '../party/history.js'
import { currentEntry, isFinal, judgeHistory, knownStatus } from '../party/transitions.js'
import type { OwnParty } from './ends.js'
import { instant } from './time.js'
import type { EndedBy, PartyState, PartyUpdate, QueueRef } from './types.js'

/**
 * One party's state from its facts (sequence-ordered, all with the same party id). A notification usually carries
 * the whole party object, but fields can be missing from one event (the PSTN party gains a name later), so each
 * field is the latest value present, carried forward in sequence order (facts are already plain: see facts.ts).
 */
const latest = <T>(facts: ReadonlyArray<PartyUpdate>, field: (p: Party) => T | undefined): T | null => {
  for (let i = facts.length - 1; i >= 0; i--) {
    const fact = facts[i]
    const value = fact === undefined ? undefined : field(fact.party)
    if (value !== undefined) return value
  }
  return null
}

export const historyEntry = (fact: PartyUpdate): HistoryEntry => ({
  status: fact.party.status.code,
  reason: fact.party.status.reason ?? null,
  at: fact.eventTime,
  sequence: fact.sequence
})

/** A party's own side: its facts, as the telephony stream told them. */
export interface PartyFacts extends OwnParty {
  readonly facts: ReadonlyArray<PartyUpdate>
}

export const partyFacts = (id: string, facts: ReadonlyArray<PartyUpdate>): PartyFacts => ({
  id,
  extensionId: latest(facts, (p) => p.extensionId),
  history: facts.map(historyEntry),
  facts
})

const queueOf = (facts: ReadonlyArray<PartyUpdate>, queueCall: boolean): QueueRef | null => {
  if (!queueCall) return null
  const to = latest(facts, (p) => p.to)
  return { extensionId: to?.extensionId ?? null, name: to?.name ?? latest(facts, (p) => p.queueName) }
}

const endedByOf = (last: HistoryEntry | null): EndedBy | null =>
  last === null || !isFinal(last) ? null : (last.source ?? 'event')

export interface DerivedParty {
  readonly state: PartyState
  readonly anomalies: ReadonlyArray<Anomaly>
}

/**
 * `history`: the own history, with the closing entry an end fact gave it, if any. `asOf`: the instant open spans
 * are counted up to (null: not counted). `talkFrom`: when the call connected for this party (see `partyMetrics`).
 */
export const deriveParty = (
  own: PartyFacts,
  history: ReadonlyArray<HistoryEntry>,
  asOf: string | null,
  talkFrom: TalkFrom
): DerivedParty => {
  const { facts } = own
  const last = currentEntry(history)
  const direction = latest(facts, (p) => p.direction)
  const queueCall = latest(facts, (p) => p.queueCall) ?? false
  const state: PartyState = {
    id: own.id,
    extensionId: own.extensionId,
    direction,
    from: latest(facts, (p) => p.from),
    to: latest(facts, (p) => p.to),
    status: last?.status ?? '',
    reason: last?.reason ?? null,
    queueCall,
    ringOutRole: latest(facts, (p) => p.ringOutRole),
    history,
    metrics: partyMetrics(history, asOf, talkFrom),
    outcome: partyOutcome(history, direction),
    ended: last !== null && isFinal(last),
    endedBy: endedByOf(last),
    missedCall: latest(facts, (p) => p.missedCall),
    parkId: latest(facts, (p) => p.parkId),
    queue: queueOf(facts, queueCall)
  }
  // Anomalies are judged on the party's own events: an end fact is not a transition the platform reported.
  return { state, anomalies: judgeHistory(own.id, own.history) }
}

const answeredAt = (history: ReadonlyArray<HistoryEntry>): number | null => {
  for (const h of history) if (knownStatus(h.status) === 'Answered' && instant(h.at) !== null) return instant(h.at)
  return null
}

/**
 * When the call connected for each party: the first Answered of another party of the session. With no other party
 * known (an extension-level subscription sees only its own), the party's own Answered stands (`null`); with other
 * parties known and none answered, it never connected.
 */
export const talkStarts = (parties: ReadonlyArray<OwnParty>): ReadonlyMap<string, TalkFrom> => {
  const answered = parties.map((p) => ({ id: p.id, at: answeredAt(p.history) }))
  return new Map(
    parties.map((p): [string, TalkFrom] => {
      if (parties.length === 1) return [p.id, null]
      const others = answered.filter((a) => a.id !== p.id && a.at !== null).map((a) => a.at ?? 0)
      return [p.id, others.length === 0 ? 'never' : new Date(Math.min(...others)).toISOString()]
    })
  )
}

const everAnswered = (p: PartyState): boolean => p.history.some((h) => knownStatus(h.status) === 'Answered')
const everRang = (p: PartyState): boolean => p.history.some((h) => knownStatus(h.status) === 'Proceeding')

/** The time of the party's end, or null while it lives. */
const endTime = (p: PartyState): number | null => {
  const last = currentEntry(p.history)
  return last !== null && isFinal(last) ? instant(last.at) : null
}

/**
 * Outcomes that need the rest of the session:
 * - `not-picked-up`: a leg rung for a call queue (`queueCall`) that its member never answered. It is not the
 *   member's missed call: the queue call is missed only when nobody answered it (analytics count that per queue).
 * - `routed`: an IVR or auto-receptionist leg that passed the call on (capture 01, party -2): an inbound leg of an
 *   extension that neither rang nor answered, and ended as another party of the session began at or after its end.
 *   It is routing, not a call of that extension, and the extension's call counts leave it out.
 */
export const inContext = (p: PartyState, parties: ReadonlyArray<PartyState>): Outcome => {
  if (p.queueCall && !everAnswered(p) && (p.outcome === 'missed' || p.outcome === 'cancelled')) return 'not-picked-up'
  if (p.outcome !== 'cancelled' || p.queueCall || p.extensionId === null) return p.outcome
  if (p.direction?.toLowerCase() !== 'inbound' || everAnswered(p) || everRang(p)) return p.outcome
  const ended = endTime(p)
  if (ended === null) return p.outcome
  const passedOn = parties.some((q) => {
    const began = instant(q.history[0]?.at ?? '')
    return q.id !== p.id && began !== null && began >= ended
  })
  return passedOn ? 'routed' : p.outcome
}
