/** Times as the read models and the query answers show them: ISO 8601 UTC with milliseconds. */

/** The instant in `Date#toISOString` form; `null` for null/empty; text that is not an instant is kept as is. */
export const isoTime = (text: string | null | undefined): string | null => {
  if (text === null || text === undefined || text === '') return null
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text
}

/** Milliseconds since the epoch, or null when the text is not an instant. */
export const instantMs = (text: string): number | null => {
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : null
}
