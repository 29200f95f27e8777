/**
 * Ends that the telephony stream never sends. A call whose last telephony notification was lost stays "ringing" or
 * "connected" for ever. Two facts can end it: the platform, asked about the session (reconciliation), no longer knows
 * it; or the extension's detailed presence says it ended (`activeCalls[]` with
 * `terminationType: final`, naming the `telephonySessionId`, and the `partyId` in newer payloads). Such a fact is
 * an `EndFact` of that session, kept beside its own facts. The rule, applied whenever a session is derived, so it
 * does not matter which stream arrived first:
 *
 * - an end fact applies to the party it names, or, when it names none, to the parties of its extension in the
 *   session;
 * - it ends a party only when the party has not ended by its own events (own ends always win) and has not moved to
 *   another device, and only when it is not older than the party's last own event (presence that predates what the
 *   telephony stream says since is old news);
 * - it never ends a party in VoiceMail, VoiceMailScreening or Parked: the call has left the user's device but goes
 *   on (the caller records a message, the parked call waits for a pickup), and the user's presence says NoCall,
 *   `final`, as soon as it leaves (capture 09). Such a call, if its own end never comes, is closed by the stale rule;
 * - the party then ends at the fact's time with a `Disconnected` entry marked `source: 'presence'`; with several,
 *   the earliest that qualifies;
 * - presence is per extension, so it never names a party without an extension (a PSTN caller). When end facts
 *   have ended a party and no party with an extension is live any more, the live parties without an extension end
 *   at the latest of those ends, marked the same way: the call they were on is over.
 * - a reconciliation end is about the whole session: it ends every party still live (also one in voicemail or
 *   parked: the platform says the call is over), not older than the party's last own event.
 */
import { canonicalJson } from '../canonical.js'
import type { HistoryEntry } from '../party/history.js'
import { currentEntry, isFinal, isMoved, knownStatus } from '../party/transitions.js'
import { endedCalls, type PresenceUpdate } from '../presence/update.js'
import type { ReconciliationObservation } from './reconciliation.js'
import { instant } from './time.js'
import type { EndFact } from './types.js'

/** The end facts one presence update carries, with the session each belongs to. */
export const presenceEnds = (
  update: PresenceUpdate,
  eventId: string
): Array<{ readonly telephonySessionId: string; readonly fact: EndFact }> => {
  const at = update.at
  if (at === null || instant(at) === null) return []
  return endedCalls(update).flatMap((c) =>
    c.telephonySessionId === null
      ? []
      : [
          {
            telephonySessionId: c.telephonySessionId,
            fact: { source: 'presence', eventId, at, extensionId: update.extensionId, partyId: c.partyId }
          }
        ]
  )
}

/** The end fact of a reconciliation that found the session gone: every party still live ended when it was asked. */
export const reconciliationEnds = (observation: ReconciliationObservation, eventId: string): EndFact[] => {
  const at = observation.endAt ?? observation.askedAt
  return observation.conclusion === 'gone' && instant(at) !== null
    ? [{ source: 'reconciliation', eventId, at, extensionId: null, partyId: null }]
    : []
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Insert end facts into a sorted, deduplicated list (by canonical content): order independent. */
export const insertEnds = (ends: ReadonlyArray<EndFact>, incoming: ReadonlyArray<EndFact>): EndFact[] => {
  const keyed = [...ends, ...incoming].map((f) => ({ f, key: canonicalJson(f) }))
  keyed.sort((a, b) => compareText(a.key, b.key))
  return keyed.filter((k, i) => k.key !== keyed[i - 1]?.key).map((k) => k.f)
}

/** What the rule needs to know of a party: its own history and extension. */
export interface OwnParty {
  readonly id: string
  readonly extensionId: string | null
  readonly history: ReadonlyArray<HistoryEntry>
}

const isLive = (history: ReadonlyArray<HistoryEntry>): boolean => {
  const last = currentEntry(history)
  return last !== null && !isFinal(last) && !isMoved(last)
}

/** Off the user's device but still going: presence saying the call left the device does not end it. */
const OFF_DEVICE = new Set(['VoiceMail', 'VoiceMailScreening', 'Parked'])
const offDevice = (history: ReadonlyArray<HistoryEntry>): boolean => {
  for (let i = history.length - 1; i >= 0; i--) {
    const code = knownStatus(history[i]?.status ?? '')
    if (code !== null) return OFF_DEVICE.has(code)
  }
  return false
}

const closing = (last: HistoryEntry, fact: EndFact): HistoryEntry => ({
  status: 'Disconnected',
  reason: null,
  at: fact.at,
  sequence: last.sequence,
  source: fact.source
})

/** The first end fact that applies to a live party, by the rule above. */
const endOf = (party: OwnParty, ends: ReadonlyArray<EndFact>): EndFact | undefined => {
  const last = currentEntry(party.history)
  if (last === null || !isLive(party.history)) return undefined
  const lastAt = instant(last.at)
  const names = (f: EndFact): boolean =>
    f.source === 'reconciliation'
      ? true
      : !offDevice(party.history) && (f.partyId !== null ? f.partyId === party.id : f.extensionId === party.extensionId)
  const applies = ends.filter((f) => names(f) && (lastAt === null || (instant(f.at) ?? -Infinity) >= lastAt))
  return applies.sort((a, b) => (instant(a.at) ?? 0) - (instant(b.at) ?? 0) || compareText(a.eventId, b.eventId))[0]
}

/** The closing entry each party gets from the end facts (none for most: their own events ended them). */
export const closingEntries = (
  parties: ReadonlyArray<OwnParty>,
  ends: ReadonlyArray<EndFact>
): ReadonlyMap<string, HistoryEntry> => {
  const closed = new Map<string, HistoryEntry>()
  if (ends.length === 0) return closed
  const used: EndFact[] = []
  for (const p of parties) {
    const fact = endOf(p, ends)
    const last = currentEntry(p.history)
    if (fact === undefined || last === null) continue
    closed.set(p.id, closing(last, fact))
    used.push(fact)
  }
  if (used.length === 0) return closed
  const liveWithExtension = parties.some((p) => p.extensionId !== null && isLive(p.history) && !closed.has(p.id))
  if (liveWithExtension) return closed
  const latest = used.reduce((a, b) => ((instant(b.at) ?? 0) > (instant(a.at) ?? 0) ? b : a))
  for (const p of parties) {
    const last = currentEntry(p.history)
    if (p.extensionId !== null || last === null || !isLive(p.history)) continue
    if ((instant(last.at) ?? -Infinity) <= (instant(latest.at) ?? -Infinity)) closed.set(p.id, closing(last, latest))
  }
  return closed
}
