/**
 * Time buckets in a time zone: the local day (`2026-01-05`) and hour of day (`18`) of an instant, by the IANA
 * zone's rules at that instant (Intl, so daylight saving is the platform's tz database, no extra library).
 */
import * as E from 'fp-ts/lib/Either.js'

export interface Zone {
  readonly name: string
  /** Local `YYYY-MM-DD` of an ISO instant; null when the text is not an instant. */
  readonly day: (iso: string) => string | null
  /** Local hour of day `00`..`23`; null when the text is not an instant. */
  readonly hour: (iso: string) => string | null
  /**
   * The instant (ISO, UTC) at which the local day `YYYY-MM-DD` begins: 00:00 local time, or the first local time
   * of that day when daylight saving skips midnight. `--from 2026-01-05 --tz America/New_York` means this.
   */
  readonly midnight: (day: string) => string
}

export interface InvalidZone {
  readonly _tag: 'InvalidZone'
  readonly zone: string
}

/** Every zone offset in use is a multiple of 15 minutes, so one lookup serves a whole quarter hour. */
const SLOT_MS = 15 * 60 * 1000

export const zoneOf = (name: string): E.Either<InvalidZone, Zone> => {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23'
    })
  } catch {
    // RangeError is Intl's only answer for an unknown zone: it becomes this value, with the name.
    return E.left({ _tag: 'InvalidZone', zone: name })
  }
  const cache = new Map<number, { readonly day: string; readonly hour: string }>()
  const local = (iso: string): { readonly day: string; readonly hour: string } | null => {
    const ms = Date.parse(iso)
    if (!Number.isFinite(ms)) return null
    const slot = Math.floor(ms / SLOT_MS)
    const hit = cache.get(slot)
    if (hit !== undefined) return hit
    const parts: Record<string, string> = {}
    for (const p of format.formatToParts(slot * SLOT_MS)) parts[p.type] = p.value
    const value = { day: `${parts['year']}-${parts['month']}-${parts['day']}`, hour: parts['hour'] ?? '00' }
    if (cache.size > 100_000) cache.clear()
    cache.set(slot, value)
    return value
  }
  const wall = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23'
  })
  /** The zone's offset from UTC at an instant, in ms (local wall time read as if it were UTC, minus the instant). */
  const offsetAt = (ms: number): number => {
    const parts: Record<string, number> = {}
    for (const p of wall.formatToParts(ms)) parts[p.type] = Number(p.value)
    const asUtc = Date.UTC(
      parts['year'] ?? 0,
      (parts['month'] ?? 1) - 1,
      parts['day'] ?? 1,
      parts['hour'],
      parts['minute'],
      parts['second']
    )
    return asUtc - Math.floor(ms / 1000) * 1000
  }
  const midnight = (day: string): string => {
    const wallMidnight = Date.parse(`${day}T00:00:00Z`)
    // Two passes: the offset an hour or so either side of the answer may differ (a daylight-saving change).
    const first = wallMidnight - offsetAt(wallMidnight)
    const second = wallMidnight - offsetAt(first)
    // Midnight skipped by a change: the day begins at the change, the later of the two candidates.
    return new Date(offsetAt(second) === offsetAt(first) ? second : Math.max(first, second)).toISOString()
  }
  return E.right({
    name: format.resolvedOptions().timeZone,
    day: (iso) => local(iso)?.day ?? null,
    hour: (iso) => local(iso)?.hour ?? null,
    midnight
  })
}

/** UTC without Intl: the ISO text's own fields (what `--tz` defaults to). */
export const UTC: Zone = {
  name: 'UTC',
  day: (iso) => {
    const ms = Date.parse(iso)
    return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : null
  },
  hour: (iso) => {
    const ms = Date.parse(iso)
    return Number.isFinite(ms) ? new Date(ms).toISOString().slice(11, 13) : null
  },
  midnight: (day) => new Date(Date.parse(`${day}T00:00:00Z`)).toISOString()
}
