/**
 * The notification inside a gateway frame, as the exact text received. A `ServerNotification` frame is the JSON
 * array `[meta, body]` (CONNECT.md 2.3); the body is the notification a webhook would have POSTed, and it is what
 * callstate stores: cut out of the frame, not parsed and printed again, so what is stored is what was sent (numbers
 * past 2^53, key order and spacing included) and a webhook copy of the same notification gets the same id.
 */

/** Index just past the JSON object that starts at `start` (a `{`), or -1 when the text ends first. */
const endOfObject = (text: string, start: number): number => {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // a backslash: the next character is escaped
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      depth--
      if (depth === 0) return i + 1
    }
  }
  return -1
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

const skipSpace = (text: string, i: number): number => {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++
  return i
}

/**
 * The body of a `[meta, body]` frame as received, or undefined when the frame is not shaped so (the caller then
 * keeps the whole frame, which ingest quarantines with its reason: nothing is dropped).
 */
export const notificationTextOf = (frame: string): string | undefined => {
  let i = skipSpace(frame, 0)
  if (frame[i] !== '[') return undefined
  i = skipSpace(frame, i + 1)
  if (frame[i] !== '{') return undefined
  i = endOfObject(frame, i)
  if (i < 0) return undefined
  i = skipSpace(frame, i)
  if (frame[i] !== ',') return undefined
  let end = frame.length - 1
  while (end > i && isSpace(frame.charCodeAt(end))) end--
  if (frame[end] !== ']') return undefined
  const body = frame.slice(i + 1, end).trim()
  return body === '' ? undefined : body
}
