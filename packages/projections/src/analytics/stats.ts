/**
 * Call aggregates (`callstate stats`): calls, directions, outcomes and times per key, from the sessions' call
 * records and the voicemails the message store announced. Iterables in, rows out: the caller may stream
 * sessions from the read model page by page; only one row per key is held.
 *
 * Averages (rounded to whole ms; 0 when there is nothing to average): avgRingMs = ringMs / calls (every call
 * can ring, including the ones nobody answered), avgTalkMs = talkMs / answered and avgHoldMs = holdMs /
 * answered (only an answered call can talk or hold). voicemailsLeft: new voicemails the message store
 * announced (`newCount` of VoiceMail changes) for the extension, bucketed by the notification's time; the
 * message store has no link to a call, so it is a count beside the call counts, not one of them.
 */
import { addCounts, countsOfCall, countsOfSession, zeroCounts, type CallCounts } from './counts.js'
import { callsOfSession, type KeyedCall } from './counting.js'
import { compareText } from './compare.js'
import { keyOf, type Dimension } from './dimensions.js'
import { linkGroups, mergeCalls } from './linked.js'
import type { SessionCalls } from './record.js'
import type { Zone } from './zone.js'

export interface StatsRow extends CallCounts {
  readonly key: string
  readonly avgRingMs: number
  readonly avgTalkMs: number
  readonly avgHoldMs: number
  readonly voicemailsLeft: number
}

export interface StatsQuery {
  readonly by: ReadonlyArray<Dimension>
  readonly zone: Zone
}

/** VoiceMail messages announced for an extension at an instant. */
export interface VoicemailCount {
  readonly extensionId: string
  readonly at: string
  readonly count: number
}

const average = (total: number, n: number): number => (n === 0 ? 0 : Math.round(total / n))

const rowOf = (key: string, c: CallCounts, voicemailsLeft: number): StatsRow => ({
  key,
  ...c,
  avgRingMs: average(c.ringMs, c.calls),
  avgTalkMs: average(c.talkMs, c.answered),
  avgHoldMs: average(c.holdMs, c.answered),
  voicemailsLeft
})

/** One customer call's keyed calls: per extension (and queue), its calls in the linked sessions merged. */
const customerCalls = (calls: ReadonlyArray<KeyedCall>): KeyedCall[] => {
  const byExtension = new Map<string, KeyedCall[]>()
  for (const c of calls) byExtension.set(c.extensionId, [...(byExtension.get(c.extensionId) ?? []), c])
  return [...byExtension.values()].flatMap((cs) => {
    const merged = mergeCalls(cs)
    return merged === undefined ? [] : [merged]
  })
}

/**
 * The rows, sorted by key. `sessions` yields each session's call records (all its parties) once, with the sessions
 * it is linked to: linked sessions are one customer call (linked.ts). Without a dimension there is exactly one row,
 * `all`, even when nothing was counted.
 */
export const statsOf = (
  query: StatsQuery,
  sessions: Iterable<SessionCalls>,
  voicemails: Iterable<VoicemailCount>
): StatsRow[] => {
  const counts = new Map<string, CallCounts>()
  const left = new Map<string, number>()
  const add = (key: string, c: CallCounts): void => {
    counts.set(key, addCounts(counts.get(key) ?? zeroCounts, c))
  }
  const perExtension = query.by.includes('extension')

  const callsById = new Map<string, KeyedCall[]>()
  const links: Array<{ readonly id: string; readonly linked: ReadonlyArray<string> }> = []
  for (const s of sessions) {
    callsById.set(s.telephonySessionId, callsOfSession(s.records))
    links.push({ id: s.telephonySessionId, linked: s.linked })
  }
  for (const group of linkGroups(links)) {
    const calls = customerCalls(group.flatMap((id) => callsById.get(id) ?? []))
    if (calls.length === 0) continue
    const start =
      calls
        .map((c) => c.startedAt)
        .filter((s) => s !== null)
        .sort(compareText)[0] ?? null
    if (perExtension)
      for (const call of calls) add(keyOf(query.by, query.zone, call.extensionId, call.startedAt), countsOfCall(call))
    else add(keyOf(query.by, query.zone, null, start), countsOfSession(calls))
  }
  for (const v of voicemails) {
    const key = keyOf(query.by, query.zone, v.extensionId, v.at)
    left.set(key, (left.get(key) ?? 0) + v.count)
    if (!counts.has(key)) counts.set(key, zeroCounts)
  }
  if (query.by.length === 0 && !counts.has('all')) counts.set('all', zeroCounts)
  return [...counts.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([key, c]) => rowOf(key, c, left.get(key) ?? 0))
}
