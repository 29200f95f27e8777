/**
 * canonicalJson is written as loops for speed (it runs for every fact and state a rebuild writes); its text must
 * stay exactly what the straightforward definition gives, because content hashes and read-model digests already
 * stored were taken over it. Compared with that definition on generated values and on the real captures.
 */
import * as fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { canonicalJson, foldSession } from '../src/index.js'
import { loadPayload, sessionBodies } from './support/payloads.js'

const ARRAYS = ['01', '02', '03', '05', '07', '09', '12']

/** The definition the fast version replaced, kept here as the reference. */
const reference = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value)
    return text === undefined ? 'null' : text
  }
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`
}

test('sorted keys, no whitespace, undefined members dropped', () => {
  assert.is(
    canonicalJson({ b: [1, undefined, 'x'], a: { d: null, c: undefined }, '1': true }),
    '{"1":true,"a":{"d":null},"b":[1,null,"x"]}'
  )
  assert.is(canonicalJson(undefined), 'null')
  assert.is(canonicalJson('é"\n'), '"é\\"\\n"')
})

test('same text as the reference definition on any value', () => {
  fc.assert(
    fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withSparseArray: true }), (v) => {
      assert.is(canonicalJson(v), reference(v))
    }),
    { numRuns: 2000 }
  )
})

test('same text as the reference definition on the captures and the session states folded from them', () => {
  for (const prefix of [...ARRAYS, '08', '10', '11', '13']) {
    const value = loadPayload(prefix)
    assert.is(canonicalJson(value), reference(value))
  }
  const bodies = ARRAYS.flatMap(sessionBodies)
  const ids = [...new Set(bodies.map((b) => b.telephonySessionId))]
  assert.ok(ids.length >= 5, 'the captures hold several sessions')
  for (const id of ids) {
    const state = foldSession(id, bodies)
    assert.is(canonicalJson(state), reference(state))
  }
})

test.run()
