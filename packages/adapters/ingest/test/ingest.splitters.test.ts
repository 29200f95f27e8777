import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { ArraySplitter, ValueSplitter, type Piece } from '../src/array-splitter.js'

/** Cuts `text` at the given offsets (sorted, deduplicated) and feeds the pieces one by one. */
const feed = (splitter: ArraySplitter | ValueSplitter, text: string, cuts: number[]): Piece[] => {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
  const out: Piece[] = []
  let from = 0
  for (const p of [...points, text.length]) {
    out.push(...splitter.push(text.slice(from, p)))
    from = p
  }
  out.push(...splitter.end())
  return out
}

const indent = fc.constantFrom<number | undefined>(undefined, 0, 2, 4)

test('an array split at any chunk boundaries gives back each element, with its own text', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue()), indent, fc.array(fc.nat()), (values, space, cuts) => {
      const text = JSON.stringify(values, null, space)
      const pieces = feed(new ArraySplitter(), text, cuts)
      assert.equal(
        pieces.map((p) => (p._tag === 'element' ? JSON.parse(p.text) : p)),
        values.map((v) => JSON.parse(JSON.stringify(v)))
      )
      // The element text is the source text: with indentation it is exactly the indented element.
      if (space === undefined)
        assert.equal(
          pieces.map((p) => p.text),
          values.map((v) => JSON.stringify(v))
        )
    })
  )
})

test('concatenated values split at any chunk boundaries give back each value', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.object(), fc.array(fc.jsonValue()))),
      indent,
      fc.array(fc.nat()),
      (values, space, cuts) => {
        const text = values.map((v) => JSON.stringify(v, null, space)).join('\n')
        const pieces = feed(new ValueSplitter(), text, cuts)
        assert.equal(
          pieces.map((p) => (p._tag === 'element' ? JSON.parse(p.text) : p)),
          values.map((v) => JSON.parse(JSON.stringify(v)))
        )
      }
    )
  )
})

test('brackets, commas and escaped quotes inside strings do not split an element', () => {
  const text = '[ {"a": "x], [y, \\"}\\\\"}, "]", 3 ]'
  assert.equal(feed(new ArraySplitter(), text, [5, 9, 14]), [
    { _tag: 'element', index: 0, text: '{"a": "x], [y, \\"}\\\\"}' },
    { _tag: 'element', index: 1, text: '"]"' },
    { _tag: 'element', index: 2, text: '3' }
  ])
})

test('what is not part of a well-formed array comes out as stray text, never dropped', () => {
  assert.equal(feed(new ArraySplitter(), 'junk [1, 2] more', []), [
    { _tag: 'stray', where: 'before-array', text: 'junk' },
    { _tag: 'element', index: 0, text: '1' },
    { _tag: 'element', index: 1, text: '2' },
    { _tag: 'stray', where: 'after-array', text: 'more' }
  ])
  assert.equal(feed(new ArraySplitter(), '[{"a": 1}, {"b": [2, ', [12]), [
    { _tag: 'element', index: 0, text: '{"a": 1}' },
    { _tag: 'stray', where: 'unterminated', text: '{"b": [2,' }
  ])
  assert.equal(feed(new ArraySplitter(), '[]', []), [])
  assert.equal(feed(new ValueSplitter(), '{"a": 1}\n{"b": ', []), [
    { _tag: 'element', index: 0, text: '{"a": 1}' },
    { _tag: 'stray', where: 'unterminated', text: '{"b":' }
  ])
})

test.run()
