/**
 * A piece of whole NDJSON lines (./line-pieces.ts) -> the prepared events of its items, in input order: what an
 * import worker thread does with each piece (./classify-worker.ts), and what the main thread does itself when the
 * input is too small to be worth a worker. Same line rule as the sequential reader (`takeLine`), same `classify`.
 */
import type { Source } from '@callstate/projections'
import { classify, type Prepared } from './classify.js'
import { takeLine, type RawItem } from './readers.js'

export const classifyLines = (
  text: string,
  firstLine: number,
  name: string,
  source: Source,
  receivedAt: string
): Prepared[] => {
  const items: RawItem[] = []
  let lineNo = firstLine
  let from = 0
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
    takeLine(text.slice(from, nl), lineNo++, name, source, items)
    from = nl + 1
  }
  if (from < text.length) takeLine(text.slice(from), lineNo, name, source, items)
  const prepared: Prepared[] = []
  for (const item of items) for (const p of classify(item, receivedAt)) prepared.push(p)
  return prepared
}
