/**
 * The ground truth of a simulated session, computed from the simulator's own script (what it decided
 * happens), never by running callstate's fold. Formulas are DOMAIN.md's:
 * - ring: first Proceeding to the first Answered or Disconnected after it (0 without Proceeding). A call sent to
 *   voicemail stops ringing when voicemail picks up, so VoiceMail (and Gone) end the ring too: DOMAIN.md's
 *   formula names the two usual ends, and counting the caller's message as ringing would be wrong (the domain
 *   fold makes the same choice, metrics.ts);
 * - talk: Answered until Hold, Disconnected, Gone, Parked or VoiceMail;
 * - hold: Hold until Answered or Disconnected;
 * - spans still open in a session whose end never arrives count up to the session's last event;
 * - outcome by the party's ending and the state before it, from the one closed list.
 */
import type { SimSession, SimStep } from './script.js'
import type { ScenarioName } from './script.js'

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

export type TruthLiveStatus = 'voicemail' | 'parked' | 'on-hold' | 'active' | 'ringing'

export interface PartyTruth {
  readonly id: string
  /** Absent for PSTN parties. */
  readonly extensionId?: string
  readonly direction: string
  readonly outcome: TruthOutcome
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

export interface CallTruth {
  readonly telephonySessionId: string
  readonly scenario: ScenarioName
  readonly status: 'ended' | TruthLiveStatus
  readonly parties: ReadonlyArray<PartyTruth>
}

const RING_ENDS = new Set(['Answered', 'Disconnected', 'VoiceMail', 'VoiceMailScreening', 'Gone'])
const TALK_ENDS = new Set(['Hold', 'Disconnected', 'Gone', 'Parked', 'VoiceMail', 'VoiceMailScreening'])
const HOLD_ENDS = new Set(['Answered', 'Disconnected'])
/** Disconnected with these reasons means the call moved to another device of the same user. */
const MOVED = new Set(['Pickup', 'CallSwitch'])

const isEnding = (s: SimStep): boolean => s.code === 'Gone' || s.code === 'Disconnected'

const outcomeOf = (direction: string, steps: ReadonlyArray<SimStep>): TruthOutcome => {
  const last = steps[steps.length - 1]
  if (!last || !isEnding(last)) return 'in-progress'
  if (last.code === 'Gone') return last.reason === 'Conference' ? 'merged' : 'transferred'
  if (last.reason?.endsWith('Transfer')) return 'transferred'
  switch (steps[steps.length - 2]?.code) {
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

const metricsOf = (steps: ReadonlyArray<SimStep>, until: number) => {
  let ringStart: number | undefined
  let ringMs = 0
  let ringDone = false
  let talkStart: number | undefined
  let talkMs = 0
  let holdStart: number | undefined
  let holdMs = 0
  for (const s of steps) {
    if (s.code === 'Proceeding' && ringStart === undefined) ringStart = s.at
    if (ringStart !== undefined && !ringDone && RING_ENDS.has(s.code)) {
      ringMs = s.at - ringStart
      ringDone = true
    }
    if (talkStart !== undefined && TALK_ENDS.has(s.code)) {
      talkMs += s.at - talkStart
      talkStart = undefined
    }
    if (holdStart !== undefined && HOLD_ENDS.has(s.code)) {
      holdMs += s.at - holdStart
      holdStart = undefined
    }
    if (s.code === 'Answered' && talkStart === undefined) talkStart = s.at
    if (s.code === 'Hold' && holdStart === undefined) holdStart = s.at
  }
  if (ringStart !== undefined && !ringDone) ringMs = until - ringStart
  if (talkStart !== undefined) talkMs += until - talkStart
  if (holdStart !== undefined) holdMs += until - holdStart
  return { ringMs, talkMs, holdMs }
}

const liveStatus = (lastCodes: ReadonlyArray<string>): TruthLiveStatus => {
  if (lastCodes.some((c) => c === 'VoiceMail' || c === 'VoiceMailScreening')) return 'voicemail'
  if (lastCodes.includes('Parked')) return 'parked'
  if (lastCodes.includes('Hold')) return 'on-hold'
  const answered = lastCodes.filter((c) => c === 'Answered').length
  if (answered >= 2 || (answered === 1 && lastCodes.length === 1)) return 'active'
  return 'ringing'
}

export const truthOf = (session: SimSession): CallTruth => {
  const until = session.steps[session.steps.length - 1]?.at ?? 0
  const byParty = session.parties.map((p) => ({ party: p, steps: session.steps.filter((s) => s.party.id === p.id) }))
  const seen = byParty.filter((x) => x.steps.length > 0)
  const lastOf = (steps: ReadonlyArray<SimStep>) => steps[steps.length - 1]
  const live = seen.filter((x) => {
    const last = lastOf(x.steps)
    return last !== undefined && !isEnding(last)
  })
  // A Disconnected with Pickup/CallSwitch does not end the call by itself (the call moved); the session is
  // over once every party has left and at least one left for good.
  const ended =
    live.length === 0 &&
    seen.some((x) => {
      const l = lastOf(x.steps)
      return l !== undefined && !(l.code === 'Disconnected' && MOVED.has(l.reason ?? ''))
    })
  return {
    telephonySessionId: session.telephonySessionId,
    scenario: session.scenario,
    status: ended ? 'ended' : liveStatus(live.map((x) => lastOf(x.steps)?.code ?? '')),
    parties: seen.map(({ party, steps }) => ({
      id: party.id,
      ...(party.extensionId === undefined ? {} : { extensionId: party.extensionId }),
      direction: party.direction,
      outcome: outcomeOf(party.direction, steps),
      ...metricsOf(steps, until)
    }))
  }
}
