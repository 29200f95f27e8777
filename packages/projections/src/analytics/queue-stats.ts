/**
 * Queue figures (`callstate stats --by queue[,day|hour]`, and the live `callstate queues` / `GET /queues`), from
 * queue calls (queue-calls.ts). Definitions, configurable where contact centres differ (docs/analytics.md):
 * - offered: queue calls; answered, abandoned, voicemail, waiting: as queue-calls.ts defines them;
 * - short abandon: abandoned within `shortAbandonMs` of entering (default 5 s);
 * - ASA (average speed of answer) = total wait of answered calls / answered calls;
 * - service level = calls answered within `answerWithinMs` (default 20 s) / (offered - still waiting - short
 *   abandons): a call still waiting has no outcome yet, so it counts neither for nor against;
 * - abandon rate = abandoned (not short) / (offered - still waiting);
 * - per agent: the legs offered to the member, answered, not picked up, and their talk and hold.
 * Ratios are null when there is nothing to divide by, rounded to 4 decimals.
 */
import { compareText } from './compare.js'
import { keyOf, type Dimension } from './dimensions.js'
import type { QueueCall } from './queue-calls.js'
import type { Zone } from './zone.js'

export interface QueueThresholds {
  /** Answered within this counts for the service level (default 20 s). */
  readonly answerWithinMs: number
  /** Abandoned within this is a short abandon, left out of the service level and the abandon rate (default 5 s). */
  readonly shortAbandonMs: number
}

export const DEFAULT_QUEUE_THRESHOLDS: QueueThresholds = { answerWithinMs: 20_000, shortAbandonMs: 5_000 }

export interface AgentRow {
  readonly extensionId: string
  readonly offered: number
  readonly answered: number
  readonly notPickedUp: number
  readonly talkMs: number
  readonly holdMs: number
}

export interface QueueRow {
  readonly key: string
  readonly queue: string
  readonly name: string | null
  readonly offered: number
  readonly answered: number
  readonly abandoned: number
  readonly shortAbandoned: number
  readonly voicemail: number
  readonly waiting: number
  readonly unknownEnd: number
  readonly answeredWithinThreshold: number
  /** Total wait of the answered calls. */
  readonly waitMs: number
  readonly asaMs: number
  readonly longestWaitMs: number
  readonly serviceLevel: number | null
  readonly abandonRate: number | null
  /** The service level's formula, with its thresholds, so a reader knows which of the usual ones this is. */
  readonly serviceLevelMethod: string
  readonly answerWithinMs: number
  readonly shortAbandonMs: number
  readonly agents: ReadonlyArray<AgentRow>
}

export interface QueueStatsQuery {
  readonly by: ReadonlyArray<Dimension>
  readonly zone: Zone
  readonly thresholds: QueueThresholds
}

interface Tally {
  queue: string
  name: string | null
  offered: number
  answered: number
  abandoned: number
  shortAbandoned: number
  voicemail: number
  waiting: number
  unknownEnd: number
  answeredWithinThreshold: number
  waitMs: number
  longestWaitMs: number
  agents: Map<string, { offered: number; answered: number; notPickedUp: number; talkMs: number; holdMs: number }>
}

const ratio = (n: number, d: number): number | null => (d <= 0 ? null : Math.round((n / d) * 10_000) / 10_000)

export const serviceLevelMethod = (t: QueueThresholds): string =>
  `answered within ${t.answerWithinMs / 1000} s / (offered - waiting - abandoned within ${t.shortAbandonMs / 1000} s)`

const add = (tally: Tally, c: QueueCall, t: QueueThresholds): void => {
  const short = c.abandoned && c.waitMs < t.shortAbandonMs
  tally.name ??= c.name
  tally.offered++
  if (c.answered) tally.answered++
  if (c.abandoned) tally.abandoned++
  if (short) tally.shortAbandoned++
  if (c.voicemail) tally.voicemail++
  if (c.waiting) tally.waiting++
  if (c.unknownEnd) tally.unknownEnd++
  if (c.answered && c.waitMs <= t.answerWithinMs) tally.answeredWithinThreshold++
  if (c.answered) tally.waitMs += c.waitMs
  tally.longestWaitMs = Math.max(tally.longestWaitMs, c.waitMs)
  for (const leg of c.agents) {
    const a = tally.agents.get(leg.extensionId) ?? { offered: 0, answered: 0, notPickedUp: 0, talkMs: 0, holdMs: 0 }
    a.offered++
    if (leg.answered) a.answered++
    if (leg.notPickedUp) a.notPickedUp++
    a.talkMs += leg.talkMs
    a.holdMs += leg.holdMs
    tally.agents.set(leg.extensionId, a)
  }
}

const rowOf = (key: string, tally: Tally, t: QueueThresholds): QueueRow => ({
  key,
  queue: tally.queue,
  name: tally.name,
  offered: tally.offered,
  answered: tally.answered,
  abandoned: tally.abandoned,
  shortAbandoned: tally.shortAbandoned,
  voicemail: tally.voicemail,
  waiting: tally.waiting,
  unknownEnd: tally.unknownEnd,
  answeredWithinThreshold: tally.answeredWithinThreshold,
  waitMs: tally.waitMs,
  asaMs: tally.answered === 0 ? 0 : Math.round(tally.waitMs / tally.answered),
  longestWaitMs: tally.longestWaitMs,
  serviceLevel: ratio(tally.answeredWithinThreshold, tally.offered - tally.waiting - tally.shortAbandoned),
  abandonRate: ratio(tally.abandoned - tally.shortAbandoned, tally.offered - tally.waiting),
  serviceLevelMethod: serviceLevelMethod(t),
  answerWithinMs: t.answerWithinMs,
  shortAbandonMs: t.shortAbandonMs,
  agents: [...tally.agents].sort(([a], [b]) => compareText(a, b)).map(([extensionId, a]) => ({ extensionId, ...a }))
})

const newTally = (queue: string, name: string | null): Tally => ({
  queue,
  name,
  offered: 0,
  answered: 0,
  abandoned: 0,
  shortAbandoned: 0,
  voicemail: 0,
  waiting: 0,
  unknownEnd: 0,
  answeredWithinThreshold: 0,
  waitMs: 0,
  longestWaitMs: 0,
  agents: new Map()
})

/** The row of a queue that had no call in the range. */
export const emptyQueueRow = (queue: string, name: string | null, thresholds: QueueThresholds): QueueRow =>
  rowOf(queue, newTally(queue, name), thresholds)

/** One row per key (the queue, with day or hour when asked), sorted by key. */
export const queueStatsOf = (query: QueueStatsQuery, calls: Iterable<QueueCall>): QueueRow[] => {
  const tallies = new Map<string, Tally>()
  for (const c of calls) {
    const key = keyOf(query.by, query.zone, c.queueId, c.startedAt)
    const tally = tallies.get(key) ?? newTally(c.queueId, null)
    add(tally, c, query.thresholds)
    tallies.set(key, tally)
  }
  return [...tallies].sort(([a], [b]) => compareText(a, b)).map(([key, tally]) => rowOf(key, tally, query.thresholds))
}

/** A queue now: what is waiting, for how long at most, and how many of its agents are on one of its calls. */
export interface QueueNow {
  readonly queue: string
  readonly name: string | null
  readonly waitingNow: number
  readonly longestWaitNowMs: number
  readonly agentsOnCall: number
}

/** From the queue calls of the sessions live now (their waits counted up to now). */
export const queuesNowOf = (calls: Iterable<QueueCall>): QueueNow[] => {
  const now = new Map<string, { name: string | null; waiting: number; longest: number; agents: Set<string> }>()
  for (const c of calls) {
    const q = now.get(c.queueId) ?? { name: null, waiting: 0, longest: 0, agents: new Set<string>() }
    q.name ??= c.name
    if (c.waiting) {
      q.waiting++
      q.longest = Math.max(q.longest, c.waitMs)
    }
    for (const leg of c.agents) if (leg.onCall) q.agents.add(leg.extensionId)
    now.set(c.queueId, q)
  }
  return [...now]
    .sort(([a], [b]) => compareText(a, b))
    .map(([queue, q]) => ({
      queue,
      name: q.name,
      waitingNow: q.waiting,
      longestWaitNowMs: q.longest,
      agentsOnCall: q.agents.size
    }))
}

/** A queue on the board (`callstate queues`, `GET /queues`): today's row and what is live now. */
export type QueueBoardRow = QueueRow & Omit<QueueNow, 'queue' | 'name'>
