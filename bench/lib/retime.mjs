/**
 * A simulated notification made live: every ISO time in it moved by the same amount, so that its envelope
 * `timestamp` is `nowMs` (the gaps between its times, eventTime and timestamp, stay as simulated).
 */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

export const shifted = (value, ms) => {
  if (typeof value === 'string') return ISO.test(value) ? new Date(Date.parse(value) + ms).toISOString() : value
  if (Array.isArray(value)) return value.map((v) => shifted(v, ms))
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shifted(v, ms)]))
  return value
}

/** The line (NDJSON text of one envelope) with its times moved so that its `timestamp` is `nowMs`. */
export const retimed = (line, nowMs) => {
  const n = JSON.parse(line)
  const at = Date.parse(n.timestamp)
  return JSON.stringify(Number.isFinite(at) ? shifted(n, nowMs - at) : n)
}
