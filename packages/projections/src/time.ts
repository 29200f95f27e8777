/** Times as the read models and the query answers show them: ISO 8601 UTC with milliseconds. */

const DIGITS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const num = (text: string, from: number, to: number): number => Number(text.slice(from, to))
const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * Is `text` already what `new Date(Date.parse(text)).toISOString()` would print? The platform's times nearly always
 * are, and isoTime runs several times per call row of every save. V8's parser accepts day 31 in any month and hour
 * 24 (both normalised into another text), so those are checked here; minutes, seconds, months and days past 31 make
 * Date.parse NaN. `daysIn` reads years below 100 as 19xx, which can only send such a time to the slow path. Tested
 * against the plain definition.
 */
const isCanonicalIso = (text: string): boolean => {
  if (text.length !== 24 || !DIGITS.test(text) || !Number.isFinite(Date.parse(text))) return false
  const day = num(text, 8, 10)
  return num(text, 11, 13) < 24 && (day <= 28 || day <= daysIn(num(text, 0, 4), num(text, 5, 7)))
}

/** The instant in `Date#toISOString` form; `null` for null/empty; text that is not an instant is kept as is. */
export const isoTime = (text: string | null | undefined): string | null => {
  if (text === null || text === undefined || text === '') return null
  if (isCanonicalIso(text)) return text
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text
}

/** Milliseconds since the epoch, or null when the text is not an instant. */
export const instantMs = (text: string): number | null => {
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : null
}
