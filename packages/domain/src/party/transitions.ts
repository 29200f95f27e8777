import type { Anomaly } from '../anomaly.js'
import { KNOWN_STATUS_CODES, type KnownStatusCode } from '../notification.js'
import type { HistoryEntry } from './history.js'

/**
 * What a party's status can become, as data. Check it against DOMAIN.md "Telephony sessions".
 *
 * - Any code may be the first one seen: earlier events can be missing (a gap) and queue members start at Proceeding.
 * - Repeating a live code is legal: the platform re-sends a party whose other fields changed (a refresh).
 * - Disconnected and Gone are final: nothing after them is legal. The one exception is a Disconnected whose reason
 *   is Pickup or CallSwitch (MOVED_REASONS): the call moved to another device of the same user and goes on, so any
 *   code may follow it.
 * - A code outside the table (never seen before) is allowed in and out, and flagged `unknown-status`; it cannot
 *   reopen a party after a final code, though.
 */
export const TRANSITIONS: Readonly<Record<KnownStatusCode, ReadonlyArray<KnownStatusCode>>> = {
  Setup: ['Setup', 'Proceeding', 'Answered', 'VoiceMail', 'VoiceMailScreening', 'FaxReceive', 'Disconnected', 'Gone'],
  Proceeding: ['Proceeding', 'Answered', 'VoiceMail', 'VoiceMailScreening', 'FaxReceive', 'Disconnected', 'Gone'],
  Answered: ['Answered', 'Hold', 'Parked', 'VoiceMail', 'VoiceMailScreening', 'FaxReceive', 'Disconnected', 'Gone'],
  // Unhold comes back as Answered; a held call can be parked or sent to voicemail (or its screening) from hold.
  Hold: ['Hold', 'Answered', 'Parked', 'VoiceMail', 'VoiceMailScreening', 'Disconnected', 'Gone'],
  // A parked call is picked up (Gone into the picker's session, or Answered again), hung up, or rings back at the
  // parker when the park times out (Proceeding).
  Parked: ['Parked', 'Proceeding', 'Answered', 'Disconnected', 'Gone'],
  VoiceMail: ['VoiceMail', 'Disconnected', 'Gone'],
  // Screening: the user may pick up while the caller records, or let the recording go on.
  VoiceMailScreening: ['VoiceMailScreening', 'VoiceMail', 'Answered', 'Disconnected', 'Gone'],
  FaxReceive: ['FaxReceive', 'Disconnected', 'Gone'],
  Disconnected: [],
  Gone: []
}

/** Reasons with which Disconnected does not end the party: the call moved to another device of the same user. */
export const MOVED_REASONS: ReadonlyArray<string> = ['Pickup', 'CallSwitch']

/** Spellings seen in real data besides the canonical ones (compared case-insensitively). */
const ALIASES: Readonly<Record<string, KnownStatusCode>> = {
  voicemail: 'VoiceMail',
  vmscreening: 'VoiceMailScreening',
  voicemailscreening: 'VoiceMailScreening'
}

/** The canonical known code for `code` (case-insensitive, aliases mapped), or null for a code never seen before. */
export const knownStatus = (code: string): KnownStatusCode | null => {
  const lower = code.toLowerCase()
  return ALIASES[lower] ?? KNOWN_STATUS_CODES.find((known) => known.toLowerCase() === lower) ?? null
}

export const isMovedReason = (reason: string | null): boolean =>
  reason !== null && MOVED_REASONS.some((moved) => moved.toLowerCase() === reason.toLowerCase())

/** Disconnected after the call moved to another device (Pickup/CallSwitch): the party's leg is over, the call is not. */
export const isMoved = (entry: Pick<HistoryEntry, 'status' | 'reason'>): boolean =>
  knownStatus(entry.status) === 'Disconnected' && isMovedReason(entry.reason)

/** Gone, or Disconnected without a moved reason: the party has ended and nothing may follow. */
export const isFinal = (entry: Pick<HistoryEntry, 'status' | 'reason'>): boolean => {
  const code = knownStatus(entry.status)
  return code === 'Gone' || (code === 'Disconnected' && !isMovedReason(entry.reason))
}

/** Is `to` allowed right after `from` (null: `to` is the first status seen)? */
export const isLegalTransition = (from: HistoryEntry | null, to: HistoryEntry): boolean => {
  if (from === null) return true
  if (isFinal(from)) return false
  if (isMoved(from)) return true
  const fromCode = knownStatus(from.status)
  const toCode = knownStatus(to.status)
  if (fromCode === null || toCode === null) return true
  return TRANSITIONS[fromCode].includes(toCode)
}

/** The anomalies of one step: an unknown code, an illegal transition, or both. */
export const judgeTransition = (partyId: string, from: HistoryEntry | null, to: HistoryEntry): Anomaly[] => {
  const unknown: Anomaly[] =
    knownStatus(to.status) === null
      ? [{ kind: 'unknown-status', partyId, status: to.status, sequence: to.sequence }]
      : []
  const illegal: Anomaly[] =
    from !== null && !isLegalTransition(from, to)
      ? [{ kind: 'illegal-transition', partyId, from: from.status, to: to.status, sequence: to.sequence }]
      : []
  return [...unknown, ...illegal]
}

/** A party's sequence-ordered history with the anomalies found walking it. */
export interface PartyTrack {
  readonly partyId: string
  readonly history: ReadonlyArray<HistoryEntry>
  readonly anomalies: ReadonlyArray<Anomaly>
}

export const emptyTrack = (partyId: string): PartyTrack => ({ partyId, history: [], anomalies: [] })

const bySequence = (a: HistoryEntry, b: HistoryEntry): number => a.sequence - b.sequence

/** Judge a whole history, in sequence order. */
export const judgeHistory = (partyId: string, history: ReadonlyArray<HistoryEntry>): Anomaly[] =>
  history.flatMap((entry, i) => judgeTransition(partyId, history[i - 1] ?? null, entry))

/**
 * Apply one status to a party. Never throws and never refuses: the entry always joins the history, at its place
 * by sequence (a late event is inserted, not appended), and the anomalies are re-judged over the ordered history.
 * So "applied" means: the party's current status is the last entry of the sequence-ordered history, even when
 * the step into it was illegal (Answered after Disconnected reopens the party, with an `illegal-transition`
 * anomaly saying so); the stale rule closes a session reopened that way if nothing follows.
 * Entries with equal sequences keep their given order (the session fold orders them by content first).
 */
export const applyTransition = (track: PartyTrack, entry: HistoryEntry): PartyTrack => {
  const history = [...track.history, entry].sort(bySequence)
  return { partyId: track.partyId, history, anomalies: judgeHistory(track.partyId, history) }
}

/** The last entry of a history, i.e. the party's current status (null before any). */
export const currentEntry = (history: ReadonlyArray<HistoryEntry>): HistoryEntry | null =>
  history[history.length - 1] ?? null
