import { canonicalJson } from '../canonical.js'
import type { PresenceFields, PresenceUpdate } from './update.js'

/** One stretch of an extension's presence: from `from` until `to` (null: still open). */
export interface PresenceInterval extends PresenceFields {
  /** The envelope timestamp of the update that began it; null when that update had none. */
  readonly from: string | null
  readonly to: string | null
}

const FIELDS = ['telephonyStatus', 'presenceStatus', 'userStatus', 'dndStatus', 'meetingStatus'] as const

const instant = (text: string | null): number => {
  const ms = text === null ? NaN : Date.parse(text)
  return Number.isFinite(ms) ? ms : -Infinity
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The order of presence news: by sequence (a lower sequence is older news, wherever it arrived); updates with no
 * sequence come first, by time; ties broken by time, then content, so the order is total and arrival-free.
 */
const compareUpdates = (a: PresenceUpdate, b: PresenceUpdate): number =>
  (a.sequence === null ? 0 : 1) - (b.sequence === null ? 0 : 1) ||
  (a.sequence ?? 0) - (b.sequence ?? 0) ||
  instant(a.at) - instant(b.at) ||
  compareText(canonicalJson(a), canonicalJson(b))

const sameFields = (a: PresenceFields, b: PresenceFields): boolean => FIELDS.every((f) => a[f] === b[f])

/**
 * The timeline of ONE extension's updates (the caller groups by extensionId): sorted by sequence, deduplicated,
 * each field carried forward when an update omits it. Consecutive updates that change nothing extend the current
 * interval instead of opening a new one. The result does not depend on the order of `updates`.
 */
export const presenceTimeline = (updates: ReadonlyArray<PresenceUpdate>): PresenceInterval[] => {
  const sorted = [...updates].sort(compareUpdates)
  const intervals: PresenceInterval[] = []
  for (const u of sorted) {
    const previous = intervals[intervals.length - 1]
    const fields: PresenceFields = {
      telephonyStatus: u.telephonyStatus ?? previous?.telephonyStatus ?? null,
      presenceStatus: u.presenceStatus ?? previous?.presenceStatus ?? null,
      userStatus: u.userStatus ?? previous?.userStatus ?? null,
      dndStatus: u.dndStatus ?? previous?.dndStatus ?? null,
      meetingStatus: u.meetingStatus ?? previous?.meetingStatus ?? null
    }
    if (previous !== undefined && sameFields(previous, fields)) continue
    if (previous !== undefined) intervals[intervals.length - 1] = { ...previous, to: u.at }
    intervals.push({ from: u.at, to: null, ...fields })
  }
  return intervals
}

/**
 * The presence at `at`: the last interval, in sequence order, that had begun by then (the newest news sent by
 * `at`). Null before the first one. An interval with no `from` counts as begun.
 */
export const presenceAt = (timeline: ReadonlyArray<PresenceInterval>, at: string): PresenceInterval | null => {
  const limit = instant(at)
  return timeline.reduce<PresenceInterval | null>((found, i) => (instant(i.from) <= limit ? i : found), null)
}
