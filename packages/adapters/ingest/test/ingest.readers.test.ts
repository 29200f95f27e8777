import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { detectFormat, readItems, type InputFormat, type RawItem } from '../src/readers.js'

const PAYLOADS = `${process.env['CALLSTATE_SHARED_DIR'] ?? '/work/shared'}/payloads`

/** Reads `chunks` (as a file would arrive) and returns every item and the detected format. */
const readAll = async (chunks: ReadonlyArray<Buffer | string>) => {
  const items: RawItem[] = []
  let format: InputFormat | undefined
  async function* input() {
    yield* chunks
  }
  for await (const batch of readItems(input(), 'f', 'import-file', { onFormat: (f) => (format = f) }))
    items.push(...batch)
  return { format, items: items.map((i) => [i.sourceRef, i.raw]) }
}

test('detection: a first line that parses is NDJSON, an opening [ is an array, a lone { is a value stream', () => {
  assert.equal(
    ['{"uuid":"1"}', '[{"type":"ServerNotification"},{}]', '[', '[{"uuid":"1"},', '{', '{"broken', 'hello'].map(
      detectFormat
    ),
    ['ndjson', 'ndjson', 'json-array', 'json-array', 'json-values', 'ndjson', 'ndjson']
  )
})

test('NDJSON: one item per line, refs by line number, blank lines skipped, CRLF accepted', async () => {
  assert.equal(await readAll(['{"a":1}\r\n\n   \n{"b"', ':2}\nnot json\n[1,2]']), {
    format: 'ndjson',
    items: [
      ['f:1', '{"a":1}'],
      ['f:4', '{"b":2}'],
      ['f:5', 'not json'],
      ['f:6', '[1,2]']
    ]
  })
})

test('a multi-byte character cut between two chunks is read whole', async () => {
  const bytes = Buffer.from('{"name":"Zoë ☎"}\n')
  const cut = bytes.indexOf(0xe2) + 1
  assert.equal(await readAll([bytes.subarray(0, cut), bytes.subarray(cut)]), {
    format: 'ndjson',
    items: [['f:1', '{"name":"Zoë ☎"}']]
  })
})

test('a pretty-printed array file: each element with its own text and its index as ref', async () => {
  const text = readFileSync(`${PAYLOADS}/04-outbound-call-control-js-fixtures-setup-proceeding-disconnected-gap.json`)
  const expected: unknown[] = JSON.parse(text.toString())
  const { format, items } = await readAll([text.subarray(0, 700), text.subarray(700, 1500), text.subarray(1500)])
  assert.equal(format, 'json-array')
  assert.equal(
    items.map(([ref]) => ref),
    ['f:#0', 'f:#1', 'f:#2']
  )
  assert.equal(
    items.map(([, raw]) => JSON.parse(raw ?? '')),
    expected
  )
  // The text is the file's own bytes for that element (indentation included), not a re-serialisation.
  assert.ok(items.every(([, raw]) => text.toString().includes(raw ?? '<none>')))
})

test('a pretty-printed single object is one item, not one item per line', async () => {
  const text = readFileSync(`${PAYLOADS}/13-ringout-session-rest-snapshot-both-parties-inbound.json`, 'utf8')
  assert.equal(await readAll([text]), { format: 'json-values', items: [['f:#0', text.trim()]] })
})

test('blank input reads as nothing', async () => {
  assert.equal(await readAll(['\n  \n', '']), { format: undefined, items: [] })
})

test.run()
