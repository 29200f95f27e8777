import type { Anomaly } from '../anomaly.js'
import { canonicalJson } from '../canonical.js'
import type { HistoryEntry } from '../party/history.js'
import { currentEntry } from '../party/transitions.js'
import { sameSlot } from './facts.js'
import { sequenceGaps } from './gaps.js'
import { sessionLinks } from './links.js'
import { closingEntries } from './ends.js'
import { deriveParty, inContext, partyFacts, talkStarts } from './party.js'
import { sessionEnded, sessionStatus } from './status.js'
import { extremeTime, instant } from './time.js'
import type { EndFact, PartyState, PartyUpdate, SessionState } from './types.js'

/** What a session knows besides its facts: body-level fields, merged order-independently by the fold. */
export interface SessionHeader {
  readonly telephonySessionId: string
  readonly sessionId: string | null
  readonly origin: string | null
}

const groupByParty = (updates: ReadonlyArray<PartyUpdate>): Map<string, PartyUpdate[]> => {
  const groups = new Map<string, PartyUpdate[]>()
  for (const u of updates) {
    const group = groups.get(u.party.id)
    if (group === undefined) groups.set(u.party.id, [u])
    else group.push(u)
  }
  return groups
}

/** Anomalies visible in the facts themselves, before any party is judged. */
const factAnomalies = (updates: ReadonlyArray<PartyUpdate>): Anomaly[] =>
  updates.flatMap((u, i): Anomaly[] => {
    const before = updates[i - 1]
    const twoBefore = updates[i - 2]
    // one anomaly per slot: at the second fact of a (sequence, party id), not again at a third
    const secondInSlot =
      before !== undefined && sameSlot(before, u) && (twoBefore === undefined || !sameSlot(twoBefore, u))
    const conflict: Anomaly[] = secondInSlot
      ? [{ kind: 'conflicting-update', partyId: u.party.id, sequence: u.sequence }]
      : []
    const untimed: Anomaly[] =
      instant(u.eventTime) === null ? [{ kind: 'missing-event-time', partyId: u.party.id, sequence: u.sequence }] : []
    return [...conflict, ...untimed]
  })

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A fixed, readable order: by sequence, then party, then the anomaly's own content. */
const sortAnomalies = (anomalies: ReadonlyArray<Anomaly>): Anomaly[] =>
  [...anomalies].sort(
    (a, b) =>
      a.sequence - b.sequence || compareText(a.partyId, b.partyId) || compareText(canonicalJson(a), canonicalJson(b))
  )

/**
 * When the session ended: the eventTime of the fact that ended it, i.e. of the latest (by sequence, the platform's
 * chronology) final entry among the parties. An end taken from an end fact (presence) came after everything the
 * telephony stream said, so it wins, the latest of them by time. Null while not ended, or when that fact has no
 * time. A session known only from end facts (presence said the call ended; none of its telephony events arrived)
 * ended at the latest of them.
 */
const endTime = (parties: ReadonlyArray<PartyState>, ends: ReadonlyArray<EndFact>): string | null => {
  if (parties.length === 0)
    return extremeTime(
      ends.map((f) => f.at),
      1
    )
  if (!sessionEnded(parties)) return null
  const finals = parties.flatMap((p) => {
    const last = currentEntry(p.history)
    return last === null ? [] : [last]
  })
  const later = (e: HistoryEntry, best: HistoryEntry): boolean => {
    // An end from presence or reconciliation against a party's own last event: the later instant, so a session
    // whose last party hung up after another party was closed by an end fact ends at that hang-up.
    if ((e.source !== undefined) !== (best.source !== undefined)) {
      const a = instant(e.at) ?? 0
      const b = instant(best.at) ?? 0
      return a !== b ? a > b : e.source !== undefined
    }
    if (e.source !== undefined) return (instant(e.at) ?? 0) > (instant(best.at) ?? 0)
    return e.sequence > best.sequence || (e.sequence === best.sequence && e.at > best.at)
  }
  const ending = finals.reduce<HistoryEntry | null>((best, e) => (best === null || later(e, best) ? e : best), null)
  return ending === null || instant(ending.at) === null ? null : ending.at
}

/**
 * The parties: own facts grouped by party, the end facts applied (ends.ts), metrics with the instant the call
 * connected for each (party.ts), then the outcomes that depend on the other parties.
 */
const deriveParties = (
  updates: ReadonlyArray<PartyUpdate>,
  ends: ReadonlyArray<EndFact>,
  asOf: string | null
): { readonly parties: PartyState[]; readonly anomalies: Anomaly[] } => {
  const own = [...groupByParty(updates).entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([id, facts]) => partyFacts(id, facts))
  const closing = closingEntries(own, ends)
  const talk = talkStarts(own)
  const derived = own.map((p) => {
    const close = closing.get(p.id)
    return deriveParty(p, close === undefined ? p.history : [...p.history, close], asOf, talk.get(p.id) ?? null)
  })
  const states = derived.map((d) => d.state)
  return {
    parties: states.map((p) => {
      const outcome = inContext(p, states)
      return outcome === p.outcome ? p : { ...p, outcome }
    }),
    anomalies: derived.flatMap((d) => d.anomalies)
  }
}

/**
 * Everything a session state says, derived from its sorted, deduplicated facts and end facts. `asOf` is the
 * instant open spans are counted up to; `undefined` means the session's own lastEventAt (what the stored state
 * uses: clock-free).
 */
export const deriveSession = (
  header: SessionHeader,
  updates: ReadonlyArray<PartyUpdate>,
  ends: ReadonlyArray<EndFact> = [],
  asOf?: string
): SessionState => {
  const times = updates.map((u) => u.eventTime)
  const lastEventAt = extremeTime(times, 1)
  const derived = deriveParties(updates, ends, asOf ?? lastEventAt)
  const parties = derived.parties
  return {
    telephonySessionId: header.telephonySessionId,
    sessionId: header.sessionId,
    origin: header.origin,
    updates,
    ends,
    status: parties.length === 0 && ends.length > 0 ? 'ended' : sessionStatus(parties),
    startedAt: extremeTime(times, -1),
    endedAt: endTime(parties, ends),
    lastEventAt,
    parties,
    gaps: sequenceGaps(updates.map((u) => u.sequence)),
    anomalies: sortAnomalies([...factAnomalies(updates), ...derived.anomalies]),
    links: sessionLinks(updates)
  }
}
