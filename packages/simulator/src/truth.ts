/**
 * The ground truth of a simulated session, computed from the simulator's own script (what it decided happens),
 * never by running callstate's fold. One record per telephony session; `callId` ties together the sessions of one
 * customer call (attended transfer, conference merge). Per-party rules are in party-truth.ts, the queue's in
 * queue-truth.ts. The truth is what a report made long after the call sees: a session whose end never arrived is
 * `stale`, its live parties `unknown-end`.
 *
 * What callstate can know of a party is its delivered telephony events, plus an end told only by presence: when the
 * platform never delivers a party's final event but the user's detailed presence says the call ended
 * (`terminationType: final`, naming the party), the party ends at the presence notification's time, if it was
 * still live and that time is not before its last event. Presence never names a party without an extension (the PSTN
 * caller): once presence has ended a party and no party with an extension is live, those end at the same time.
 */
import type { Entry, Known, PartyTruth } from './party-truth.js'
import {
  connectedAt,
  endedByOf,
  entryOf,
  hasEnded,
  isFinal,
  isLive,
  last,
  metricsOf,
  outcomeOf
} from './party-truth.js'
import { queueTruth, type QueueTruth } from './queue-truth.js'
import type { ScenarioName, SimSession, SimStep } from './script.js'

export type { TruthOutcome, TruthEndedBy, PartyTruth } from './party-truth.js'
export type { QueueTruth, AgentTruth } from './queue-truth.js'

export interface CallTruth {
  readonly telephonySessionId: string
  /** The simulator's call number (from 1): the same for every session of one customer call. */
  readonly callId: number
  readonly scenario: ScenarioName
  /** `stale`: the session's end never arrived (as a report made after the stale threshold sees it). */
  readonly status: 'ended' | 'stale'
  /** The first delivered event's time (ISO). */
  readonly startedAt: string
  /** When the call ended: its last final event, or the presence that ended it; null when stale. */
  readonly endedAt: string | null
  readonly parties: ReadonlyArray<PartyTruth>
  /** For a session with legs rung for a call queue; null otherwise. */
  readonly queue: QueueTruth | null
}

const iso = (ms: number): string => new Date(ms).toISOString()

/** A final step the platform never delivers, about which the user's presence speaks at a known time. */
const presenceEnds = (session: SimSession): ReadonlyArray<SimStep> =>
  session.steps.filter(
    (s) => s.lost === true && s.presenceAt !== undefined && s.party.extensionId !== undefined && isFinal(entryOf(s))
  )

const closing = (at: number): Entry => ({ code: 'Disconnected', at, presence: true })

/** Each party's known history: its delivered events, closed by presence where the rule above says so. */
const knownParties = (session: SimSession, delivered: ReadonlyArray<SimStep>): Known[] => {
  const own = session.parties
    .map((party) => ({ party, history: delivered.filter((s) => s.party.id === party.id).map(entryOf) }))
    .filter((k) => k.history.length > 0)
  const told = presenceEnds(session)
  const closedAt = new Map<string, number>()
  for (const k of own) {
    const lastAt = last(k)?.at ?? -Infinity
    const times = told.filter((s) => s.party.id === k.party.id).map((s) => s.presenceAt ?? -Infinity)
    const at = Math.min(...times.filter((t) => t >= lastAt))
    if (isLive(k) && Number.isFinite(at)) closedAt.set(k.party.id, at)
  }
  const withExtensionLive = own.some((k) => k.party.extensionId !== undefined && isLive(k) && !closedAt.has(k.party.id))
  if (closedAt.size > 0 && !withExtensionLive) {
    const latest = Math.max(...closedAt.values())
    for (const k of own)
      if (k.party.extensionId === undefined && isLive(k) && (last(k)?.at ?? Infinity) <= latest)
        closedAt.set(k.party.id, latest)
  }
  return own.map((k) => {
    const at = closedAt.get(k.party.id)
    return at === undefined ? k : { ...k, history: [...k.history, closing(at)] }
  })
}

export const truthOf = (session: SimSession, callId: number): CallTruth => {
  const delivered = session.steps.filter((s) => s.lost !== true)
  const known = knownParties(session, delivered)
  // Open spans count up to the session's last delivered event.
  const until = delivered[delivered.length - 1]?.at ?? 0
  // A Disconnected with Pickup/CallSwitch does not end the call by itself (the call moved); the session is over
  // once no party is live and at least one left for good.
  const ended = known.every((k) => !isLive(k)) && known.some(hasEnded)
  const endedAt = ended ? Math.max(...known.map((k) => last(k)?.at ?? -Infinity)) : null
  const parties = known.map((k): PartyTruth => ({
    id: k.party.id,
    ...(k.party.extensionId === undefined ? {} : { extensionId: k.party.extensionId }),
    direction: k.party.direction,
    queueCall: k.party.queueCall === true,
    answered: k.history.some((e) => e.code === 'Answered'),
    outcome: outcomeOf(k, known, ended),
    endedBy: endedByOf(k),
    ...metricsOf(k.history, until, connectedAt(k, known))
  }))
  return {
    telephonySessionId: session.telephonySessionId,
    callId,
    scenario: session.scenario,
    status: ended ? 'ended' : 'stale',
    startedAt: iso(delivered[0]?.at ?? 0),
    endedAt: endedAt === null ? null : iso(endedAt),
    parties,
    queue: queueTruth(known, parties, endedAt)
  }
}
