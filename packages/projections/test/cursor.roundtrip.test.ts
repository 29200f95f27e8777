import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import { decodeCursor, encodeCursor } from '../src/queries/cursor.js'

test('a cursor decodes to the key it was made from', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (startedAt, telephonySessionId) => {
      assert.equal(
        decodeCursor(encodeCursor({ startedAt, telephonySessionId })),
        E.right({ startedAt, telephonySessionId })
      )
    })
  )
})

test('text that is not a cursor is refused', () => {
  assert.ok(
    ['', 'garbage!', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{}').toString('base64url')]
      .map(decodeCursor)
      .every(E.isLeft)
  )
})

test.run()
