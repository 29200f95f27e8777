/**
 * One customer call across several sessions. An attended transfer or a conference merge moves parties from one
 * telephony session into another (Gone + peerId: the sessions' `links`); each session keeps its own record, but a
 * report counts the customer's call once: the sessions linked to each other, directly or through others, form one
 * call. Only sessions within the report's range are grouped (a link to a session outside it is left aside).
 */
import { compareText } from './compare.js'
import type { KeyedCall } from './counting.js'

/** Union-find over session ids, the smallest id as the representative (so the grouping is order-free). */
export const linkGroups = (
  sessions: ReadonlyArray<{ readonly id: string; readonly linked: ReadonlyArray<string> }>
): string[][] => {
  const parent = new Map<string, string>(sessions.map((s) => [s.id, s.id]))
  const root = (id: string): string => {
    let r = id
    for (let up = parent.get(r); up !== undefined && up !== r; up = parent.get(r)) r = up
    for (let at = id, up = parent.get(at); up !== undefined && up !== r; at = up, up = parent.get(at)) parent.set(at, r)
    return r
  }
  for (const s of sessions)
    for (const other of s.linked) {
      if (!parent.has(other)) continue
      const [a, b] = [root(s.id), root(other)]
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b)
    }
  const groups = new Map<string, string[]>()
  for (const s of sessions) groups.set(root(s.id), [...(groups.get(root(s.id)) ?? []), s.id])
  return [...groups.values()]
}

const byStart = (a: KeyedCall, b: KeyedCall): number =>
  compareText(a.startedAt ?? '\uffff', b.startedAt ?? '\uffff') ||
  compareText(a.telephonySessionId, b.telephonySessionId)

/**
 * One extension's calls in the sessions of one customer call, merged into one: the first one's direction and
 * start, answered if any was, the times summed, transferred if any leg was (a transfer is counted once), otherwise
 * the outcome of the one that started last.
 */
export const mergeCalls = (calls: ReadonlyArray<KeyedCall>): KeyedCall | undefined => {
  const sorted = [...calls].sort(byStart)
  const first = sorted[0]
  const last = sorted[sorted.length - 1]
  if (first === undefined || last === undefined) return undefined
  if (sorted.length === 1) return first
  const sum = (f: (c: KeyedCall) => number): number => sorted.reduce((n, c) => n + f(c), 0)
  return {
    ...first,
    answered: sorted.some((c) => c.answered),
    outcome: sorted.some((c) => c.outcome === 'transferred') ? 'transferred' : last.outcome,
    ringMs: sum((c) => c.ringMs),
    talkMs: sum((c) => c.talkMs),
    holdMs: sum((c) => c.holdMs)
  }
}
