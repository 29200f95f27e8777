/**
 * One party's truth from the script: its history as callstate can know it (the telephony events the platform
 * delivers, plus an end only presence told), its metrics and its outcome. The rules are DOMAIN.md's and issue #13's,
 * written out here from the script's own data, never by running callstate's fold:
 * - ring: first Proceeding to the first Answered, Disconnected, VoiceMail or Gone after it (0 without Proceeding).
 *   A call sent to voicemail stops ringing when voicemail picks up (the recording is not ringing);
 * - talk: Answered until Hold, Disconnected, Gone, Parked or VoiceMail, but never before the call connected: the
 *   first Answered of ANOTHER party of the session. A caller's own Answered comes first on internal, IVR and queue
 *   calls (ringback, the menu, the queue's music); that wait is not talk. With other parties and none answered,
 *   no talk; a party alone in its session keeps its own Answered;
 * - hold: Hold until Answered or Disconnected;
 * - spans still open when a session's events stop count up to its last delivered event;
 * - outcome by the party's ending and the state before it, from the one closed list, then in the session's
 *   context: `not-picked-up` (a queue member's leg nobody answered), `routed` (an IVR leg that passed the call on),
 *   `unknown-end` (still live when the session's end never came: as a report after the stale threshold sees it).
 */
import type { SimParty, SimStep } from './script.js'

export type TruthOutcome =
  | 'missed'
  | 'voicemail'
  | 'cancelled'
  | 'parked'
  | 'hung-up-on-hold'
  | 'completed'
  | 'transferred'
  | 'merged'
  | 'in-progress'
  | 'not-picked-up'
  | 'routed'
  | 'unknown-end'

/** `event`: its own telephony end; `presence`: the user's presence told it; `stale`: nothing did. */
export type TruthEndedBy = 'event' | 'presence' | 'stale'

export interface PartyTruth {
  readonly id: string
  /** Absent for PSTN parties. */
  readonly extensionId?: string
  readonly direction: string
  /** A leg rung for a call queue (its member is `extensionId`, the queue is the session's `queue`). */
  readonly queueCall: boolean
  /** The party reached Answered at some point (for a caller: ringback, an IVR or a queue's music count too). */
  readonly answered: boolean
  readonly outcome: TruthOutcome
  /** Null for a leg that moved to another device (Disconnected reason CallSwitch/Pickup). */
  readonly endedBy: TruthEndedBy | null
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

/** One status of a party's known history; `presence` marks the end that only presence told. */
export interface Entry {
  readonly code: string
  readonly reason?: string
  readonly at: number
  readonly presence?: boolean
}

/** A party and what is known of it. */
export interface Known {
  readonly party: SimParty
  readonly history: ReadonlyArray<Entry>
}

const RING_ENDS = new Set(['Answered', 'Disconnected', 'VoiceMail', 'VoiceMailScreening', 'Gone'])
const TALK_ENDS = new Set(['Hold', 'Disconnected', 'Gone', 'Parked', 'VoiceMail', 'VoiceMailScreening'])
const HOLD_ENDS = new Set(['Answered', 'Disconnected'])
/** Disconnected with these reasons means the call moved to another device of the same user. */
const MOVED = new Set(['Pickup', 'CallSwitch'])

export const entryOf = (s: SimStep): Entry => ({
  code: s.code,
  ...(s.reason === undefined ? {} : { reason: s.reason }),
  at: s.at
})

export const last = (k: Known): Entry | undefined => k.history[k.history.length - 1]
export const isMoved = (e: Entry): boolean => e.code === 'Disconnected' && MOVED.has(e.reason ?? '')
/** Gone, or Disconnected without a moved reason: the party has ended. */
export const isFinal = (e: Entry): boolean => e.code === 'Gone' || (e.code === 'Disconnected' && !isMoved(e))
export const hasEnded = (k: Known): boolean => {
  const l = last(k)
  return l !== undefined && isFinal(l)
}
export const isLive = (k: Known): boolean => {
  const l = last(k)
  return l !== undefined && !isFinal(l) && !isMoved(l)
}
export const firstAt = (k: Known, code: string): number | undefined => k.history.find((e) => e.code === code)?.at

/** When the call connected for a party: null, its own Answered stands; 'never', others are known, none answered. */
export type Connected = number | null | 'never'

export const connectedAt = (k: Known, all: ReadonlyArray<Known>): Connected => {
  if (all.length === 1) return null
  const answers = all.flatMap((o) => {
    const at = o === k ? undefined : firstAt(o, 'Answered')
    return at === undefined ? [] : [at]
  })
  return answers.length === 0 ? 'never' : Math.min(...answers)
}

const talkPart = (from: number, to: number, connected: Connected): number =>
  connected === 'never' ? 0 : Math.max(0, to - Math.max(from, connected ?? from))

export const metricsOf = (history: ReadonlyArray<Entry>, until: number, connected: Connected) => {
  let ringStart: number | undefined
  let ringMs = 0
  let ringDone = false
  let talkStart: number | undefined
  let talkMs = 0
  let holdStart: number | undefined
  let holdMs = 0
  for (const e of history) {
    if (e.code === 'Proceeding' && ringStart === undefined) ringStart = e.at
    if (ringStart !== undefined && !ringDone && RING_ENDS.has(e.code)) {
      ringMs = e.at - ringStart
      ringDone = true
    }
    if (talkStart !== undefined && TALK_ENDS.has(e.code)) {
      talkMs += talkPart(talkStart, e.at, connected)
      talkStart = undefined
    }
    if (holdStart !== undefined && HOLD_ENDS.has(e.code)) {
      holdMs += e.at - holdStart
      holdStart = undefined
    }
    if (e.code === 'Answered' && talkStart === undefined) talkStart = e.at
    if (e.code === 'Hold' && holdStart === undefined) holdStart = e.at
  }
  if (ringStart !== undefined && !ringDone) ringMs = until - ringStart
  if (talkStart !== undefined) talkMs += talkPart(talkStart, until, connected)
  if (holdStart !== undefined) holdMs += until - holdStart
  return { ringMs, talkMs, holdMs }
}

/** DOMAIN.md's outcome, by the party's ending and the state before it. */
const ownOutcome = (direction: string, history: ReadonlyArray<Entry>): TruthOutcome => {
  const end = history[history.length - 1]
  if (end === undefined) return 'in-progress'
  if (isMoved(end)) return history.some((e) => e.code === 'Answered') ? 'completed' : 'transferred'
  if (!isFinal(end)) return 'in-progress'
  if (end.reason?.endsWith('Transfer')) return 'transferred'
  if (end.code === 'Gone') return end.reason === 'Conference' ? 'merged' : 'transferred'
  switch (history[history.length - 2]?.code) {
    case 'Proceeding':
      return direction === 'Inbound' ? 'missed' : 'cancelled'
    case 'VoiceMail':
    case 'VoiceMailScreening':
      return 'voicemail'
    case 'Parked':
      return 'parked'
    case 'Hold':
      return 'hung-up-on-hold'
    case 'Answered':
      return 'completed'
    default:
      return 'cancelled'
  }
}

/** An IVR leg: an extension's inbound leg that never rang nor answered and ended as another party began. */
const passedOn = (k: Known, all: ReadonlyArray<Known>): boolean => {
  const end = last(k)
  const { party } = k
  if (end === undefined || !isFinal(end) || party.queueCall === true || party.extensionId === undefined) return false
  if (party.direction !== 'Inbound' || k.history.some((e) => e.code === 'Answered' || e.code === 'Proceeding'))
    return false
  return all.some((o) => o !== k && (o.history[0]?.at ?? -Infinity) >= end.at)
}

export const outcomeOf = (k: Known, all: ReadonlyArray<Known>, sessionEnded: boolean): TruthOutcome => {
  const own = ownOutcome(k.party.direction, k.history)
  const answered = k.history.some((e) => e.code === 'Answered')
  if (k.party.queueCall === true && !answered && (own === 'missed' || own === 'cancelled')) return 'not-picked-up'
  if (own === 'cancelled' && passedOn(k, all)) return 'routed'
  if (!sessionEnded && isLive(k)) return 'unknown-end'
  return own
}

export const endedByOf = (k: Known): TruthEndedBy | null => {
  const end = last(k)
  if (end === undefined || isMoved(end)) return null
  if (!isFinal(end)) return 'stale'
  return end.presence === true ? 'presence' : 'event'
}
