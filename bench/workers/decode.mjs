/**
 * The decode limit: the same file through JSON.parse alone, then through JSON.parse + the domain decoder
 * (`decode` of @callstate/domain), reading and splitting lines the same way both times. Import can be no faster
 * than the second figure; the ratio between import and these says how much the store and the rest cost.
 *
 * Usage: node bench/workers/decode.mjs <file>
 */
import { decode } from '@callstate/domain'
import { readLines } from '../lib/lines.mjs'
import { peakRss } from '../lib/memory.mjs'
import { note, report } from '../lib/worker.mjs'

const [file] = process.argv.slice(2)

const pass = async (name, perLine) => {
  let n = 0
  let failures = 0
  const started = performance.now()
  for await (const lines of readLines(file)) {
    for (const line of lines) {
      if (!perLine(line)) failures++
      n++
    }
  }
  const seconds = (performance.now() - started) / 1000
  note(`${name}: ${n.toLocaleString('en-US')} lines in ${seconds.toFixed(1)} s`)
  return { lines: n, failures, seconds, perSecond: n / seconds }
}

// Keeps the parsed values reachable, so the engine cannot skip the work.
let sink = 0
const parseOnly = await pass('JSON.parse', (line) => {
  const v = JSON.parse(line)
  sink += typeof v === 'object' ? 1 : 0
  return true
})
const parseDecode = await pass('JSON.parse + decode', (line) => decode(JSON.parse(line))._tag === 'Right')
if (sink !== parseOnly.lines) throw new Error('JSON.parse produced a non-object line')
report({ parse: parseOnly, parseDecode, peakRss: peakRss() })
