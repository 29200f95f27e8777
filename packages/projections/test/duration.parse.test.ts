import { test } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { DEFAULT_STALE_AFTER_MS, parseDuration } from '../src/duration.js'

test('durations in h, m, s, ms, d or plain milliseconds', () => {
  assert.equal(
    ['4h', '30m', '90s', '1500', '250ms', '2d', '1.5h'].map(parseDuration),
    [14_400_000, 1_800_000, 90_000, 1500, 250, 172_800_000, 5_400_000].map((n) => E.right(n))
  )
  assert.is(DEFAULT_STALE_AFTER_MS, 14_400_000)
})

test('anything else is a reason, not a number', () => {
  assert.ok(['', 'soon', '4 hours', '-5m', '0', 'h'].map(parseDuration).every(E.isLeft))
})

test.run()
