/**
 * The content hash of a notification: sha256 (hex) of `canonicalJson(envelope)` from @callstate/domain.
 *
 * `canonicalText` produces exactly the text `canonicalJson` does (a property test holds the two together,
 * test/ingest.content-hash.test.ts) with plain loops and a cache of quoted keys instead of
 * entries/filter/map/join: on the import hot path it was the largest single cost after the store itself.
 */
import { sha256Hex } from './ids.js'

/** Notification keys repeat on every line (`uuid`, `body`, `parties`, ...): quote each once. Bounded. */
const quotedKeys = new Map<string, string>()
const quote = (key: string): string => {
  let q = quotedKeys.get(key)
  if (q === undefined) {
    q = JSON.stringify(key)
    if (quotedKeys.size < 10_000) quotedKeys.set(key, q)
  }
  return q
}

export const canonicalText = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value)
  // A finite number prints the same with String as with JSON.stringify; NaN and Infinity are `null` in JSON.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value)
    return text === undefined ? 'null' : text
  }
  if (Array.isArray(value)) {
    let s = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) s += ','
      s += canonicalText(value[i])
    }
    return `${s}]`
  }
  // Sorted by UTF-16 code units, as canonicalJson's comparator does; undefined members are left out.
  const keys = Object.keys(value)
  if (keys.length > 1) keys.sort()
  let s = '{'
  let first = true
  for (const key of keys) {
    const member: unknown = Reflect.get(value, key)
    if (member === undefined) continue
    if (!first) s += ','
    first = false
    s += `${quote(key)}:${canonicalText(member)}`
  }
  return `${s}}`
}

export const contentHash = (envelope: unknown): string => sha256Hex(canonicalText(envelope))
