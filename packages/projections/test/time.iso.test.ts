/** isoTime's fast path for times already in toISOString form gives exactly what the plain definition gives. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { isoTime } from '../src/time.js'

const plain = (text: string | null | undefined): string | null => {
  if (text === null || text === undefined || text === '') return null
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text
}

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'))
// The canonical shape with every field allowed out of range: Feb 30, day 31 of April, hour 24, minute 60, year 0.
const shaped = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    two(13),
    two(32),
    two(25),
    two(61),
    two(61),
    fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'))
  )
  .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`)

test('same text as the plain definition, for times of the canonical shape in and out of range', () => {
  fc.assert(
    fc.property(shaped, (text) => assert.is(isoTime(text), plain(text))),
    { numRuns: 20_000 }
  )
})

test('same text for other forms and for non-times', () => {
  const others = fc.oneof(
    fc.string(),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '+00:00')),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19) + 'Z')
  )
  fc.assert(fc.property(others, (text) => assert.is(isoTime(text), plain(text))))
})

test('edge cases', () => {
  assert.equal(
    [
      '2021-02-29T00:00:00.000Z',
      '2020-02-29T00:00:00.000Z',
      '2021-04-31T10:00:00.000Z',
      '2021-01-01T24:00:00.000Z',
      '2021-01-01T23:60:00.000Z',
      '2020-06-23T01:05:43.940Z',
      '2016-10-26T16:45:00.000+0000',
      '',
      null
    ].map(isoTime),
    [
      '2021-03-01T00:00:00.000Z',
      '2020-02-29T00:00:00.000Z',
      '2021-05-01T10:00:00.000Z',
      '2021-01-02T00:00:00.000Z',
      '2021-01-01T23:60:00.000Z',
      '2020-06-23T01:05:43.940Z',
      '2016-10-26T16:45:00.000Z',
      null,
      null
    ]
  )
})

test.run()
