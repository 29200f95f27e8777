/** Test support: small telephony bodies built by hand, for the rules the real captures do not exercise. */
import type { Party, PartyStatus, TelephonySessionBody } from '../../src/index.js'

export const SESSION = 's-test'

/** 2024-01-01T10:00:<seconds>Z, seconds from 0 to 59 (or beyond, into the next minutes). */
export const t = (seconds: number): string =>
  new Date(Date.UTC(2024, 0, 1, 10, 0, 0) + Math.round(seconds * 1000)).toISOString()

export const party = (id: string, status: PartyStatus, extra: Partial<Omit<Party, 'id' | 'status'>> = {}): Party => ({
  id,
  direction: 'Inbound',
  ...extra,
  status
})

export const body = (sequence: number, seconds: number, ...parties: Party[]): TelephonySessionBody => ({
  sequence,
  telephonySessionId: SESSION,
  sessionId: '100',
  eventTime: t(seconds),
  origin: 'Call',
  parties
})

/** One party's path, one body per status, `seconds` apart, sequences from `firstSequence`. */
export const path = (
  id: string,
  codes: ReadonlyArray<string | PartyStatus>,
  options: { readonly firstSequence?: number; readonly direction?: string; readonly step?: number } = {}
): TelephonySessionBody[] =>
  codes.map((code, i) =>
    body(
      (options.firstSequence ?? 2) + i,
      i * (options.step ?? 1),
      party(id, typeof code === 'string' ? { code } : code, { direction: options.direction ?? 'Inbound' })
    )
  )
