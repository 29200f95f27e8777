/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped. Two values that are
 * deep-equal serialise to the same text, whatever order their keys were built in. Content hashes,
 * dedupe keys and read-model digests are all taken over this form.
 *
 * Written as plain loops appending to one string: it runs for every fact, state and presence update a rebuild
 * writes, and the entries/filter/map/join version allocated several arrays per object (most of the GC time of
 * a rebuild). Keys are sorted only when they are not already in order, which the code's own objects mostly are
 * not, but small objects make that cheap. The output is the same text, byte for byte (tested against the
 * straightforward definition).
 */
const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Objects here have a handful of keys: an insertion sort in place, which allocates nothing, where `Array#sort`
 * allocated a work array for every object (the largest share of the bytes a rebuild allocated).
 */
const INSERTION_SORT_UP_TO = 32

const sortedKeys = (value: object): string[] => {
  const keys = Object.keys(value)
  for (let i = 1; i < keys.length; i++) {
    const previous = keys[i - 1]
    const key = keys[i]
    if (previous === undefined || key === undefined || previous <= key) continue
    if (keys.length > INSERTION_SORT_UP_TO) return keys.sort(compareKeys)
    // keys[0..i) are in order: insert keys[i] and every later key into place.
    for (let j = i; j < keys.length; j++) {
      const k = keys[j]
      if (k === undefined) continue
      let at = j
      for (let before = keys[at - 1]; at > 0 && before !== undefined && before > k; before = keys[at - 1]) {
        keys[at] = before
        at--
      }
      keys[at] = k
    }
    return keys
  }
  return keys
}

// Keys repeat endlessly (every fact has `party`, `status`, `code`...): their JSON form is kept. Bounded, because
// canonicalJson also hashes raw envelopes whose keys come from the wire.
const quotedKeys = new Map<string, string>()
const MAX_QUOTED_KEYS = 10_000
const quoted = (key: string): string => {
  const known = quotedKeys.get(key)
  if (known !== undefined) return known
  const text = JSON.stringify(key)
  if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, text)
  return text
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null

const write = (value: unknown): string => {
  if (!isObject(value)) {
    const text = JSON.stringify(value)
    return text === undefined ? 'null' : text
  }
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      // A hole stays empty, as `map` + `join` left it (JSON never has holes; the text must not change anyway).
      if (i in value) out += write(value[i])
    }
    return out + ']'
  }
  let out = '{'
  let first = true
  for (const key of sortedKeys(value)) {
    const member = value[key]
    if (member === undefined) continue
    if (!first) out += ','
    first = false
    out += quoted(key) + ':' + write(member)
  }
  return out + '}'
}

export const canonicalJson = (value: unknown): string => write(value)
