/**
 * Regression (hostile-input campaign, issue 16): a notification nested thousands of levels deep decoded fine, then
 * overflowed the stack in the steps after decode (content hash, canonical JSON), failing a whole webhook group
 * commit with 503 and stopping an import. decode now refuses anything nested deeper than MAX_NESTING, with a reason.
 */
import { readFileSync } from 'node:fs'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { canonicalJson, decode, formatDecodeFailure } from '../src/index.js'
import { MAX_NESTING } from '../src/codec/decode.js'

const first = (): Record<string, unknown> => {
  const all: unknown = JSON.parse(
    readFileSync(
      `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads/01-pstn-to-rc-via-ivr-answered-hold-unhold-hangup.json`,
      'utf8'
    )
  )
  const v: unknown = Array.isArray(all) ? all[0] : undefined
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('payload 01[0] is not an object')
  return { ...v }
}

/** `depth` arrays inside each other, parsed from text as the wire delivers it. */
const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)

const withBody = (n: Record<string, unknown>, extra: unknown): Record<string, unknown> => {
  const body = n['body']
  return { ...n, body: { ...(typeof body === 'object' && body !== null ? body : {}), extra } }
}

test('a real notification with an unknown field nested 10,000 deep is refused with a reason, not passed on', () => {
  const r = decode(withBody(first(), nested(10_000)))
  assert.ok(r._tag === 'Left')
  assert.is(formatDecodeFailure(r.left), `(root): nested deeper than ${MAX_NESTING} levels of arrays and objects`)
})

test('an unknown-kind notification with a body nested 200,000 deep: refused, and decode does not throw', () => {
  const r = decode({ uuid: 'deep', event: '/restapi/v1.0/something/new', body: nested(200_000) })
  assert.ok(r._tag === 'Left')
  const frame = decode([{ type: 'ServerNotification' }, { uuid: 'd', event: '/x', body: nested(50_000) }])
  assert.ok(frame._tag === 'Left')
})

test('at the limit a notification still decodes, and what decodes can be written as canonical JSON', () => {
  // The envelope and body are two levels; the extra field brings the whole to exactly MAX_NESTING.
  const atLimit = withBody(first(), nested(MAX_NESTING - 2))
  const ok = decode(atLimit)
  assert.ok(ok._tag === 'Right')
  assert.ok(canonicalJson(ok.right.envelope).length > 0)
  assert.ok(decode(withBody(first(), nested(MAX_NESTING - 1)))._tag === 'Left')
})

test('every real notification is far below the limit', () => {
  assert.ok(decode(first())._tag === 'Right')
})

test.run()
