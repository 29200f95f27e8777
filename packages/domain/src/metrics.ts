import type { HistoryEntry } from './party/history.js'
import { currentEntry, isFinal, isMoved, knownStatus } from './party/transitions.js'
import type { KnownStatusCode } from './notification.js'

/**
 * Call metrics and outcome per party, by DOMAIN.md "Call metrics". This file holds THE closed list of outcomes:
 * nothing else in the code base may invent one.
 */
export const OUTCOMES = [
  'missed',
  'voicemail',
  'cancelled',
  'parked',
  'hung-up-on-hold',
  'completed',
  'transferred',
  'merged',
  'in-progress',
  // A queue member's leg that rang and was not answered by that member: not a missed call (session/party.ts).
  'not-picked-up',
  // An IVR or auto-receptionist leg that passed the call on: routing, not a call of that extension (session/party.ts).
  'routed',
  // A party still live when its session went stale: its end never arrived (session/as-of.ts).
  'unknown-end'
] as const
export type Outcome = (typeof OUTCOMES)[number]

export interface PartyMetrics {
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

export const zeroMetrics: PartyMetrics = { ringMs: 0, talkMs: 0, holdMs: 0 }

/** Milliseconds from `from` to `to`; 0 when either is not a valid instant or time runs backwards. */
const spanMs = (from: string, to: string): number => {
  const ms = Date.parse(to) - Date.parse(from)
  return Number.isFinite(ms) && ms > 0 ? ms : 0
}

/**
 * When talk can start for a party: `null`, from its own Answered (no other party of the session is known);
 * an instant, the first Answered of another party (the call connected then); `'never'`, other parties are known and
 * none answered. See `partyMetrics`.
 */
export type TalkFrom = string | null | 'never'

/**
 * Ring, talk and hold time of one party from its sequence-ordered history.
 *
 * The history is cut into phases: a phase starts at an entry whose known code differs from the current phase and
 * lasts until the next such entry. A repeated code (a refresh) continues the phase, and an unknown code does not
 * change it (it tells us nothing about whether the party stopped talking). Then:
 * - talk = the Answered phases: each ends at the next Hold, Disconnected, Gone, Parked or VoiceMail (any other
 *   known code, in fact); hold = the Hold phases: each ends at the next Answered or Disconnected (or Parked/Gone).
 *   Talk never starts before `talkFrom`: a caller's own Answered comes before the callee answers on internal and
 *   RingOut calls (capture 02), and the span until the far end answers is waiting for an answer, not talk.
 * - ring = the Proceeding phases before the first Answered; no Proceeding gives 0. DOMAIN.md ends ring at the first
 *   Answered or Disconnected; we also end it at any other code that means the endpoint stopped ringing (VoiceMail,
 *   Gone, FaxReceive), so a call that went to voicemail does not count the recording as ringing.
 * - the last phase of a party that has not ended is still open and counts up to `asOf` (the stored state passes the
 *   session's lastEventAt, so it stays clock-free; `sessionAt` passes its `at`).
 */
export const partyMetrics = (
  history: ReadonlyArray<HistoryEntry>,
  asOf: string | null,
  talkFrom: TalkFrom = null
): PartyMetrics => {
  const last = currentEntry(history)
  const openUntil = last !== null && !isFinal(last) ? asOf : null
  const { ringMs, talkMs, holdMs } = phases(history, openUntil).reduce<PartyMetrics & { readonly answered: boolean }>(
    (m, p) => {
      const ms = p.until === null ? 0 : spanMs(p.since, p.until)
      return {
        ringMs: m.ringMs + (p.code === 'Proceeding' && !m.answered ? ms : 0),
        talkMs: m.talkMs + (p.code === 'Answered' ? talkSpanMs(p, talkFrom) : 0),
        holdMs: m.holdMs + (p.code === 'Hold' ? ms : 0),
        answered: m.answered || p.code === 'Answered'
      }
    },
    { ...zeroMetrics, answered: false }
  )
  return { ringMs, talkMs, holdMs }
}

/** An Answered phase's talk: the part of it after the call connected. */
const talkSpanMs = (p: Phase, talkFrom: TalkFrom): number => {
  if (p.until === null || talkFrom === 'never') return 0
  if (talkFrom === null || Date.parse(talkFrom) <= Date.parse(p.since)) return spanMs(p.since, p.until)
  return spanMs(talkFrom, p.until)
}

interface Phase {
  readonly code: KnownStatusCode
  readonly since: string
  /** Null: still open with no instant to count up to. */
  readonly until: string | null
}

/** Cut a history into phases of one known code each; the last one runs until `openUntil`. */
const phases = (history: ReadonlyArray<HistoryEntry>, openUntil: string | null): Phase[] => {
  const starts = history.flatMap((entry) => {
    const code = knownStatus(entry.status)
    return code === null ? [] : [{ code, since: entry.at }]
  })
  const changes = starts.filter((s, i) => starts[i - 1]?.code !== s.code)
  return changes.map((s, i) => ({ ...s, until: changes[i + 1]?.since ?? openUntil }))
}

const isTransferReason = (reason: string | null): boolean => reason !== null && /transfer$/i.test(reason)

/** The last known, live status before the party's final entry: "the party's state before it ended". */
const stateBeforeEnd = (history: ReadonlyArray<HistoryEntry>): KnownStatusCode | null => {
  for (let i = history.length - 2; i >= 0; i--) {
    const entry = history[i]
    if (entry === undefined || isMoved(entry) || isFinal(entry)) continue
    const code = knownStatus(entry.status)
    if (code !== null) return code
  }
  return null
}

/**
 * The outcome of one party, by DOMAIN.md's list. Choices DOMAIN.md leaves open:
 * - Disconnected with reason Pickup/CallSwitch (the call moved to another device of the same user): a leg that was
 *   answered is `completed` (the user talked on it; CallSwitch is not a *Transfer reason, and counting device switches
 *   as transfers would distort every per-extension figure); a leg that never got an answer is `transferred` (the call
 *   was picked up elsewhere, so it was not missed).
 * - FaxReceive before the end -> `completed` (the call was answered, by a fax machine).
 * - nothing known before the final status (earlier events missing, or a REST snapshot) -> `cancelled`: as far as
 *   the engine knows the party never connected.
 * - ringing ends as `missed` only for an Inbound party; any other (Outbound, or no direction) -> `cancelled`.
 */
export const partyOutcome = (history: ReadonlyArray<HistoryEntry>, direction: string | null): Outcome => {
  const last = currentEntry(history)
  if (last === null) return 'in-progress'
  if (isMoved(last)) return history.some((e) => knownStatus(e.status) === 'Answered') ? 'completed' : 'transferred'
  if (!isFinal(last)) return 'in-progress'
  if (isTransferReason(last.reason)) return 'transferred'
  if (knownStatus(last.status) === 'Gone') return last.reason?.toLowerCase() === 'conference' ? 'merged' : 'transferred'
  switch (stateBeforeEnd(history)) {
    case 'Proceeding':
      return direction?.toLowerCase() === 'inbound' ? 'missed' : 'cancelled'
    case 'VoiceMail':
    case 'VoiceMailScreening':
      return 'voicemail'
    case 'Parked':
      return 'parked'
    case 'Hold':
      return 'hung-up-on-hold'
    case 'Answered':
    case 'FaxReceive':
      return 'completed'
    case 'Setup':
    case 'Disconnected':
    case 'Gone':
    case null:
      return 'cancelled'
  }
}
