import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_OPTIONS, simulate, simulateLines, type SimulateOptions } from '../src/index.js'

const options: SimulateOptions = {
  ...DEFAULT_OPTIONS,
  calls: 300,
  seed: 42,
  duplicateRate: 0.05,
  reorderRate: 0.05,
  malformedRate: 0.02
}

const everything = (o: SimulateOptions): string =>
  [...simulate(o)].map((item) => (item._tag === 'Line' ? item.text : JSON.stringify(item.truth))).join('\n')

const truthOnly = (o: SimulateOptions): string =>
  [...simulate(o)].flatMap((item) => (item._tag === 'Truth' ? [JSON.stringify(item.truth)] : [])).join('\n')

test('the same arguments give the same bytes, lines and truth', () => {
  assert.equal(everything(options), everything({ ...options }))
})

test('another seed gives another stream', () => {
  const a = [...simulateLines(options)]
  const b = [...simulateLines({ ...options, seed: 43 })]
  assert.not.equal(a.join('\n'), b.join('\n'))
  // Not a shifted copy either: the first lines already differ.
  assert.not.equal(a[0], b[0])
})

test('noise rates change the delivery, never the calls', () => {
  const clean = { ...options, duplicateRate: 0, reorderRate: 0, malformedRate: 0 }
  assert.equal(truthOnly(options), truthOnly(clean))
  const noisy = [...simulateLines(options)]
  const plain = [...simulateLines(clean)]
  assert.ok(noisy.length > plain.length)
  // Every clean notification is still delivered under noise.
  const delivered = new Set(noisy)
  assert.equal(
    plain.filter((l) => !delivered.has(l)),
    []
  )
})

test('--start sets the time of the first call', () => {
  const start = Date.parse('2026-03-02T08:00:00Z')
  const clean = { ...options, duplicateRate: 0, reorderRate: 0, malformedRate: 0 }
  const first = simulateLines({ ...clean, start }).next().value
  assert.ok(typeof first === 'string' && first.includes('"eventTime":"2026-03-02T08:00:00.000Z"'), String(first))
})

test('ws format wraps each clean envelope in a ServerNotification frame', () => {
  const clean = { ...options, calls: 50, duplicateRate: 0, reorderRate: 0, malformedRate: 0 }
  const envelopes = [...simulateLines(clean)].map((l) => JSON.parse(l) as unknown)
  const frames = [...simulateLines({ ...clean, format: 'ws' })].map((l) => JSON.parse(l) as unknown)
  assert.equal(
    frames.map((f) => (Array.isArray(f) ? f[1] : f)),
    envelopes
  )
  assert.equal(
    frames.every((f) => Array.isArray(f) && f.length === 2 && f[0].type === 'ServerNotification'),
    true
  )
})

test.run()
