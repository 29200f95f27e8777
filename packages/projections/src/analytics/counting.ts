/**
 * The counting rules: which calls a session contributes, and to which extension. DOMAIN.md gives per-party
 * metrics and outcomes; a report counts calls, so this file decides how parties become calls.
 * docs/analytics.md states the same rules for users.
 *
 * A call is one telephony session. Per extension (a user's, or a call queue's) it counts once:
 * - the extension's parties in the session (a call switched to the mobile app has two) are merged: direction of
 *   the first one, answered if any was, times summed, outcome of the one whose leg ended last (the state the call
 *   was left in for that user);
 * - direction: the party's own, except RingOut, where both parties say Inbound: the Initiator counts as outbound
 *   (the user asked for the call) and the Target as inbound;
 * - answered: inbound, the extension's own party reached Answered; outbound, another party of the session did
 *   (the far end picked up). A caller's own party turns Answered at once on internal calls (ringback, capture 02),
 *   so its own status cannot say whether anyone answered, unless it is all that is known: with only the
 *   extension's own parties seen (an extension-level subscription, capture 03), its own Answered stands;
 * - outcome: DOMAIN.md's, except that an outbound call that never got an answer is `cancelled`, never `missed`
 *   (DOMAIN.md's rule for Outbound parties, applied to RingOut Initiators too);
 * - call queue: the members rung for a queue (queueCall) that did not answer are not counted at all; the member
 *   who answered counts as an inbound answered call; the queue counts the call once, under the queue's extension
 *   id (the members' `to.extensionId`), as inbound, answered when a member answered. Its times are the answering
 *   member's (so they are not added again in totals over extensions), or when nobody answered, ring = the longest
 *   member ring (how long the caller waited) and no talk or hold. Its outcome: the answering member's; else
 *   voicemail when a member's party went to voicemail, in-progress while a member still rings, missed otherwise.
 * - routing: an IVR or auto-receptionist leg that passed the call on (outcome `routed`) is not a call of its
 *   extension and is not counted;
 * - a call whose end never came is counted once it is stale, its live parties `unknown-end`.
 * Parties without an extension (PSTN) are never counted themselves; a session with no extension party is not
 * counted (there is nobody to attribute it to).
 */
import { compareText } from './compare.js'
import type { CallRecord } from './record.js'

export type CallDirection = 'inbound' | 'outbound'

export interface KeyedCall {
  /** The extension the call counts for: a user's, or a call queue's. */
  readonly extensionId: string
  readonly telephonySessionId: string
  /** The session's start: every call of one session falls in the same time bucket. */
  readonly startedAt: string | null
  /** Null when no party said (the call counts in `calls` but neither inbound nor outbound). */
  readonly direction: CallDirection | null
  readonly answered: boolean
  readonly outcome: string
  readonly ringMs: number
  readonly talkMs: number
  readonly holdMs: number
  /** The queue's view of a queue call. */
  readonly queue: boolean
}

export const partyDirection = (r: CallRecord): CallDirection | null => {
  const role = r.ringOutRole?.toLowerCase()
  if (role === 'initiator') return 'outbound'
  if (role === 'target') return 'inbound'
  const direction = r.direction?.toLowerCase()
  return direction === 'inbound' || direction === 'outbound' ? direction : null
}

const byStart = (a: CallRecord, b: CallRecord): number =>
  compareText(a.startedAt ?? '', b.startedAt ?? '') || compareText(a.partyId, b.partyId)

/** The party whose leg ended last; a party still live counts as ending after every ended one. */
const lastEnding = (records: ReadonlyArray<CallRecord>): CallRecord | undefined =>
  [...records].sort((a, b) => {
    const ea = a.endedAt ?? '\uffff'
    const eb = b.endedAt ?? '\uffff'
    return compareText(ea, eb) || compareText(a.partyId, b.partyId)
  })[records.length - 1]

const sum = (records: ReadonlyArray<CallRecord>, f: (r: CallRecord) => number): number =>
  records.reduce((n, r) => n + f(r), 0)

/** An unanswered outbound call is `cancelled` (DOMAIN.md's rule for Outbound parties). */
const outcomeFor = (direction: CallDirection | null, outcome: string): string =>
  direction === 'outbound' && outcome === 'missed' ? 'cancelled' : outcome

const userCall = (
  extensionId: string,
  own: ReadonlyArray<CallRecord>,
  session: ReadonlyArray<CallRecord>
): KeyedCall | undefined => {
  const sorted = [...own].sort(byStart)
  const first = sorted[0]
  if (first === undefined) return undefined
  const direction = partyDirection(first)
  const others = session.filter((r) => r.extensionId !== extensionId)
  const answered =
    direction === 'outbound' && others.length > 0 ? others.some((r) => r.answered) : own.some((r) => r.answered)
  return {
    extensionId,
    telephonySessionId: first.telephonySessionId,
    startedAt: first.sessionStartedAt,
    direction,
    answered,
    outcome: outcomeFor(direction, lastEnding(own)?.outcome ?? 'in-progress'),
    ringMs: sum(own, (r) => r.ringMs),
    talkMs: sum(own, (r) => r.talkMs),
    holdMs: sum(own, (r) => r.holdMs),
    queue: false
  }
}

const queueIdOf = (r: CallRecord): string => r.toExtensionId ?? r.to ?? 'queue'

const queueCall = (queueId: string, members: ReadonlyArray<CallRecord>): KeyedCall | undefined => {
  const first = members[0]
  if (first === undefined) return undefined
  const winner = members.filter((m) => m.answered).sort(byStart)[0]
  const unanswered = (): string =>
    members.some((m) => m.outcome === 'voicemail')
      ? 'voicemail'
      : members.some((m) => !m.legOver && m.outcome !== 'unknown-end')
        ? 'in-progress'
        : members.some((m) => m.outcome === 'unknown-end')
          ? 'unknown-end'
          : 'missed'
  return {
    extensionId: queueId,
    telephonySessionId: first.telephonySessionId,
    startedAt: first.sessionStartedAt,
    direction: 'inbound',
    answered: winner !== undefined,
    outcome: winner?.outcome ?? unanswered(),
    ringMs: winner?.ringMs ?? Math.max(0, ...members.map((m) => m.ringMs)),
    talkMs: winner?.talkMs ?? 0,
    holdMs: winner?.holdMs ?? 0,
    queue: true
  }
}

const groupBy = <K>(records: ReadonlyArray<CallRecord>, key: (r: CallRecord) => K): Map<K, CallRecord[]> => {
  const groups = new Map<K, CallRecord[]>()
  for (const r of records) groups.set(key(r), [...(groups.get(key(r)) ?? []), r])
  return groups
}

/** The calls one session contributes, one per extension (users and queues), sorted by extension id. */
export const callsOfSession = (records: ReadonlyArray<CallRecord>): KeyedCall[] => {
  const members = records.filter((r) => r.extensionId !== null && r.queueCall)
  const queues = [...groupBy(members, queueIdOf)].flatMap(([id, ms]) => {
    const call = queueCall(id, ms)
    return call === undefined ? [] : [call]
  })
  // A member rung for a queue who did not answer is not counted anywhere (not one missed call per member).
  // Nor is a routing leg (IVR, auto-receptionist) a call of its extension.
  const counted = records.filter(
    (r) => r.extensionId !== null && (!r.queueCall || r.answered) && r.outcome !== 'routed'
  )
  const users = [...groupBy(counted, (r) => r.extensionId ?? '')].flatMap(([id, own]) => {
    // The queue's own extension, if it has a party of its own, is represented by its queue call.
    if (queues.some((q) => q.extensionId === id)) return []
    const call = userCall(id, own, records)
    return call === undefined ? [] : [call]
  })
  return [...users, ...queues].sort((a, b) => compareText(a.extensionId, b.extensionId))
}
