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
  return E.right({
    name: format.resolvedOptions().timeZone,
    day: (iso) => local(iso)?.day ?? null,
    hour: (iso) => local(iso)?.hour ?? null
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
  }
}
