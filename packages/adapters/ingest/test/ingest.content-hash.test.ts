import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { canonicalJson } from '@callstate/domain'
import { canonicalText, contentHash } from '../src/content-hash.js'
import { v5 } from 'uuid'
import { CALLSTATE_NAMESPACE, sha256Hex, uuidV5 } from '../src/ids.js'

test('canonicalText is exactly canonicalJson for any JSON value (the contract of contentHash)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.equal(canonicalText(value), canonicalJson(value))
    }),
    { numRuns: 500 }
  )
})

test('undefined members and key order do not change the text', () => {
  assert.equal(canonicalText({ b: 1, a: [undefined, { d: undefined, c: 'x' }] }), '{"a":[null,{"c":"x"}],"b":1}')
  assert.equal(canonicalText({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }))
})

test('contentHash of a real envelope is sha256 of its canonical JSON', () => {
  const [first]: unknown[] = JSON.parse(
    readFileSync(
      `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads/01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json`,
      'utf8'
    )
  )
  assert.equal(contentHash(first), sha256Hex(canonicalJson(first)))
})

test("uuidV5 is the uuid library's v5 in the callstate namespace, for any name", () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (name) => {
      assert.equal(uuidV5(name), v5(name, CALLSTATE_NAMESPACE))
    }),
    { numRuns: 500 }
  )
  assert.equal(uuidV5('4654793329359724763'), v5('4654793329359724763', CALLSTATE_NAMESPACE))
})

test('numbers, including non-finite ones in hand-built values, print as canonicalJson prints them', () => {
  const values = [0, -0, 1e21, 1.5e-7, 123456789012345680000, NaN, Infinity]
  assert.equal(values.map(canonicalText), values.map(canonicalJson))
})

test.run()
