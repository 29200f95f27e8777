/**
 * The content hash of a notification: sha256 (hex) of `canonicalJson(envelope)` from @callstate/domain.
 *
 * `canonicalText` produces exactly the text `canonicalJson` does (a property test holds the two together,
 * test/ingest.content-hash.test.ts) with plain loops instead of entries/filter/map/join: on the import hot
 * path it was the largest single cost, ahead of JSON.parse and decoding.
 */
import { sha256Hex } from './ids.js'

export const canonicalText = (value: unknown): string => {
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
  const keys = Object.keys(value).sort()
  let s = '{'
  for (const key of keys) {
    const member: unknown = Reflect.get(value, key)
    if (member === undefined) continue
    if (s.length > 1) s += ','
    s += `${JSON.stringify(key)}:${canonicalText(member)}`
  }
  return `${s}}`
}

export const contentHash = (envelope: unknown): string => sha256Hex(canonicalText(envelope))
