/** Formatting shared by the pages: durations, times, parties. */
import type { Endpoint, PartyView } from './types'

export const duration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  const s = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  const two = (n: number): string => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`
}

export const time = (iso: string | null | undefined, zone?: string): string =>
  iso === null || iso === undefined
    ? '–'
    : new Date(iso).toLocaleTimeString(undefined, { hour12: false, ...(zone ? { timeZone: zone } : {}) })

export const dateTime = (iso: string | null | undefined): string =>
  iso === null || iso === undefined ? '–' : new Date(iso).toLocaleString(undefined, { hour12: false })

export const percent = (r: number | null | undefined): string =>
  r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`

export const endpoint = (e: Endpoint | null | undefined): string => {
  if (e === null || e === undefined) return '?'
  const name = e.name?.trim()
  const number = e.phoneNumber ?? (e.extensionId !== undefined ? `ext ${e.extensionId}` : undefined)
  return name && number ? `${name} (${number})` : (name ?? number ?? '?')
}

/** The party's own side: the callee of an inbound leg, the caller of an outbound one (PSTN parties too). */
export const partyName = (p: PartyView): string => endpoint(p.direction === 'Outbound' ? p.from : p.to)

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

/** `2026-12-02` of a Date in the browser's zone. */
export const localDate = (d: Date): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
