import type { Anomaly } from '../anomaly.js'
import { partyMetrics, partyOutcome } from '../metrics.js'
import type { Party } from '../notification.js'
import type { HistoryEntry } from '../party/history.js'
import { currentEntry, isFinal, judgeHistory } from '../party/transitions.js'
import type { PartyState, PartyUpdate } from './types.js'

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

export interface DerivedParty {
  readonly state: PartyState
  readonly anomalies: ReadonlyArray<Anomaly>
}

/** `asOf`: the instant open spans are counted up to (null: not counted). */
export const deriveParty = (id: string, facts: ReadonlyArray<PartyUpdate>, asOf: string | null): DerivedParty => {
  const history = facts.map(historyEntry)
  const last = currentEntry(history)
  const direction = latest(facts, (p) => p.direction)
  const state: PartyState = {
    id,
    extensionId: latest(facts, (p) => p.extensionId),
    direction,
    from: latest(facts, (p) => p.from),
    to: latest(facts, (p) => p.to),
    status: last?.status ?? '',
    reason: last?.reason ?? null,
    queueCall: latest(facts, (p) => p.queueCall) ?? false,
    ringOutRole: latest(facts, (p) => p.ringOutRole),
    history,
    metrics: partyMetrics(history, asOf),
    outcome: partyOutcome(history, direction),
    ended: last !== null && isFinal(last)
  }
  return { state, anomalies: judgeHistory(id, history) }
}
