/**
 * A call queue's view of one session (RingCentral's core platform has no real-time queue API: callstate derives
 * it). A queue call is a session whose member legs carry `queueCall: true`; the queue is the legs' `to.extensionId`
 * (payload 06), its name `to.name` or uiCallInfo's QueueName. Definitions (docs/analytics.md states them for users):
 * - entered: the first member leg's first event (the session's start when that is all that is known);
 * - wait: from entering to the first member Answered, or, unanswered, to the end of the call (the caller hung
 *   up); while it lives, up to the instant asked about; for a stale call, up to its last event;
 * - answered: a member answered; voicemail: nobody answered and a member leg went to voicemail; abandoned: nobody
 *   answered, not voicemail, and the call ended; waiting: nobody answered yet and the call lives;
 * - per agent (member extension): the legs offered, answered, not picked up, and their talk and hold.
 */
import { knownStatus, type PartyState, type SessionState, type SessionStatus } from '@callstate/domain'
import { isoTime } from '../time.js'

export interface AgentLeg {
  readonly extensionId: string
  readonly answered: boolean
  readonly notPickedUp: boolean
  readonly talkMs: number
  readonly holdMs: number
  /** Live and connected (Answered or on hold) at the instant asked about. */
  readonly onCall: boolean
}

export interface QueueCall {
  readonly queueId: string
  readonly name: string | null
  readonly telephonySessionId: string
  /** The session's start: buckets the queue call with the rest of the call. */
  readonly startedAt: string | null
  readonly enteredAt: string | null
  readonly answeredAt: string | null
  readonly waitMs: number
  readonly answered: boolean
  readonly voicemail: boolean
  readonly abandoned: boolean
  readonly waiting: boolean
  readonly unknownEnd: boolean
  readonly agents: ReadonlyArray<AgentLeg>
}

const ms = (text: string | null | undefined): number | null => {
  const v = text === null || text === undefined ? NaN : Date.parse(text)
  return Number.isFinite(v) ? v : null
}

const earliest = (texts: ReadonlyArray<string | null>): string | null => {
  const valid = texts.flatMap((t) => {
    const v = ms(t)
    return v === null ? [] : [v]
  })
  return valid.length === 0 ? null : new Date(Math.min(...valid)).toISOString()
}

const firstAnswered = (p: PartyState): string | null =>
  p.history.find((h) => knownStatus(h.status) === 'Answered' && ms(h.at) !== null)?.at ?? null

const queueIdOf = (p: PartyState): string => p.queue?.extensionId ?? p.to?.extensionId ?? p.to?.phoneNumber ?? 'queue'

const agentLeg = (p: PartyState, live: boolean): AgentLeg => {
  const code = knownStatus(p.status)
  return {
    extensionId: p.extensionId ?? 'unknown',
    answered: firstAnswered(p) !== null,
    notPickedUp: p.outcome === 'not-picked-up',
    talkMs: p.metrics.talkMs,
    holdMs: p.metrics.holdMs,
    onCall: live && !p.ended && (code === 'Answered' || code === 'Hold')
  }
}

/**
 * The queue calls of a session as it is at an instant (`asOf`: the instant a live call's wait counts up to), with
 * `status` its status then (`stale`: its wait stops at its last event, and an unanswered one ended unknown).
 */
export const queueCallsOf = (state: SessionState, status: SessionStatus, asOf: string): QueueCall[] => {
  const byQueue = new Map<string, PartyState[]>()
  for (const p of state.parties)
    if (p.queueCall && p.extensionId !== null) byQueue.set(queueIdOf(p), [...(byQueue.get(queueIdOf(p)) ?? []), p])
  const live = status !== 'ended' && status !== 'stale'
  return [...byQueue].map(([queueId, members]): QueueCall => {
    const enteredAt = earliest(members.map((m) => m.history[0]?.at ?? null)) ?? isoTime(state.startedAt)
    const answeredAt = earliest(members.map(firstAnswered))
    const answered = answeredAt !== null
    const voicemail = !answered && members.some((m) => m.outcome === 'voicemail')
    const waitEnd = answeredAt ?? (status === 'ended' ? state.endedAt : status === 'stale' ? state.lastEventAt : asOf)
    const from = ms(enteredAt)
    const to = ms(waitEnd)
    return {
      queueId,
      name: members.find((m) => m.queue?.name !== null && m.queue?.name !== undefined)?.queue?.name ?? null,
      telephonySessionId: state.telephonySessionId,
      startedAt: isoTime(state.startedAt),
      enteredAt,
      answeredAt,
      waitMs: from === null || to === null ? 0 : Math.max(0, to - from),
      answered,
      voicemail,
      abandoned: !answered && !voicemail && status === 'ended',
      waiting: !answered && live,
      unknownEnd: !answered && status === 'stale',
      agents: members.map((m) => agentLeg(m, live))
    }
  })
}
