/**
 * The truth of a call queue call, for a session with legs rung for a queue (`queueCall`): the queue is the
 * members' `to` (its extension id and name), the call entered the queue when the first member's leg began, was
 * answered when the first member answered, and ended when the session did. The members' legs are the parties with
 * `queueCall`; `agents` repeats them in the shape a per-agent report needs.
 */
import type { Known, PartyTruth, TruthOutcome } from './party-truth.js'
import { firstAt } from './party-truth.js'

export interface AgentTruth {
  readonly extensionId: string
  readonly partyId: string
  readonly answered: boolean
  /** `not-picked-up` for a member whose phone rang and who did not answer. */
  readonly outcome: TruthOutcome
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
}

export interface QueueTruth {
  /** The queue's extension id: the members' `to.extensionId`. */
  readonly id: string
  /** The queue's name: the members' `to.name`. */
  readonly name: string
  /** ISO: the first member leg's first event. */
  readonly enteredAt: string
  /** ISO: the first member's Answered; null when nobody answered. */
  readonly answeredAt: string | null
  /** ISO: when the call ended; null when its end never arrived. */
  readonly endedAt: string | null
  /** (answeredAt ?? endedAt) - enteredAt; null when neither is known. */
  readonly waitMs: number | null
  /** A member answered. */
  readonly answered: boolean
  /** Nobody answered, no member leg went to voicemail, and the call ended: the caller gave up. */
  readonly abandoned: boolean
  /** A member's leg went to VoiceMail. */
  readonly voicemail: boolean
  readonly agents: ReadonlyArray<AgentTruth>
}

const iso = (ms: number): string => new Date(ms).toISOString()
const earliest = (times: ReadonlyArray<number | undefined>): number | null => {
  const known = times.filter((t): t is number => t !== undefined)
  return known.length === 0 ? null : Math.min(...known)
}

export const queueTruth = (
  known: ReadonlyArray<Known>,
  parties: ReadonlyArray<PartyTruth>,
  endedAt: number | null
): QueueTruth | null => {
  const members = known.filter((k) => k.party.queueCall === true && k.party.extensionId !== undefined)
  const queue = members[0]?.party.to
  const enteredAt = earliest(members.map((k) => k.history[0]?.at))
  if (queue === undefined || enteredAt === null) return null
  const answeredAt = earliest(members.map((k) => firstAt(k, 'Answered')))
  const voicemail = members.some((k) =>
    k.history.some((e) => e.code === 'VoiceMail' || e.code === 'VoiceMailScreening')
  )
  const waitedUntil = answeredAt ?? endedAt
  return {
    id: queue.extensionId ?? '',
    name: queue.name ?? '',
    enteredAt: iso(enteredAt),
    answeredAt: answeredAt === null ? null : iso(answeredAt),
    endedAt: endedAt === null ? null : iso(endedAt),
    waitMs: waitedUntil === null ? null : waitedUntil - enteredAt,
    answered: answeredAt !== null,
    abandoned: answeredAt === null && !voicemail && endedAt !== null,
    voicemail,
    agents: members.flatMap((k) => {
      const p = parties.find((x) => x.id === k.party.id)
      return p === undefined || p.extensionId === undefined
        ? []
        : [
            {
              extensionId: p.extensionId,
              partyId: p.id,
              answered: p.answered,
              outcome: p.outcome,
              ringMs: p.ringMs,
              talkMs: p.talkMs,
              holdMs: p.holdMs
            }
          ]
    })
  }
}
