/**
 * Streaming readers: turn a byte stream (a file or stdin) into batches of raw items for the ingest step,
 * holding at most one read chunk plus one unfinished line or array element in memory.
 *
 * Format detection (one rule, decided on the first non-blank line):
 * - the line parses completely as JSON -> NDJSON: one value per line (an envelope, a WebSocket frame, a
 *   pn_apns/pn_gcm wrapper, or a JSON array of envelopes; the ingest step tells these apart);
 * - otherwise, when the line starts with `[` -> a JSON array spread over lines (a pretty-printed capture):
 *   each element is one item;
 * - otherwise, when the line is a lone `{` -> pretty-printed JSON values one after the other (a single
 *   pretty-printed object is the common case): each top-level value is one item;
 * - otherwise NDJSON again, so the broken first line is quarantined like any other broken line (a broken
 *   line must not swallow the lines after it, which a bracket-balancing mode would do).
 * A one-line array file (`[{...},{...}]`) is thus NDJSON with one array line; the items are the same.
 *
 * Blank lines are skipped: they are not counted as read and not quarantined.
 */
import { StringDecoder } from 'node:string_decoder'
import type { Source } from '@callstate/projections'
import { ArraySplitter, ValueSplitter, type Piece } from './array-splitter.js'

/** One input value as received. `value`, when given, is `JSON.parse(raw)` already done by the caller. */
export interface RawItem {
  readonly raw: string
  readonly value?: unknown
  readonly source: Source
  /** Where it came from: `file.ndjson:12` (line), `file.json:#3` (array element), `POST /webhook ...`. */
  readonly sourceRef: string
}

export type InputFormat = 'ndjson' | 'json-array' | 'json-values'

export interface ReadOptions {
  /** Called after each chunk with the number of bytes read so far (progress bars). */
  readonly onBytes?: (bytesRead: number) => void
  /** Called once the format has been decided. */
  readonly onFormat?: (format: InputFormat) => void
}

interface Splitter {
  push(text: string): RawItem[]
  end(): RawItem[]
}

/**
 * The NDJSON line rule, shared with the import's worker threads (./classify-lines.ts): line `lineNo` (from 1)
 * without its line break, CR included, is an item unless it is blank.
 */
export const takeLine = (line: string, lineNo: number, name: string, source: Source, out: RawItem[]): void => {
  const raw = line.endsWith('\r') ? line.slice(0, -1) : line
  if (raw.trim() !== '') out.push({ raw, source, sourceRef: `${name}:${lineNo}` })
}

const lineSplitter = (name: string, source: Source): Splitter => {
  let carry = ''
  let lineNo = 0
  const take = (line: string, out: RawItem[]): void => takeLine(line, ++lineNo, name, source, out)
  return {
    push(text) {
      const out: RawItem[] = []
      let from = 0
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
        take(carry === '' ? text.slice(from, nl) : carry + text.slice(from, nl), out)
        carry = ''
        from = nl + 1
      }
      carry += text.slice(from)
      return out
    },
    end() {
      const out: RawItem[] = []
      if (carry !== '') take(carry, out)
      carry = ''
      return out
    }
  }
}

const pieceSplitter = (name: string, source: Source, splitter: ArraySplitter | ValueSplitter): Splitter => {
  const toItem = (piece: Piece): RawItem =>
    piece._tag === 'element'
      ? { raw: piece.text, source, sourceRef: `${name}:#${piece.index}` }
      : { raw: piece.text, source, sourceRef: `${name}:${piece.where}` }
  return {
    push: (text) => splitter.push(text).map(toItem),
    end: () => splitter.end().map(toItem)
  }
}

/** The detection rule above, applied to the text before the first line break (or the whole text at EOF). */
export const detectFormat = (firstLine: string): InputFormat => {
  try {
    JSON.parse(firstLine)
    return 'ndjson'
  } catch {
    // Not a complete JSON value: a multi-line array when it opens one, else NDJSON with a broken first line.
    const line = firstLine.trim()
    return line.startsWith('[') ? 'json-array' : line === '{' ? 'json-values' : 'ndjson'
  }
}

/** The first non-blank line of `text` if it is complete (followed by a line break, or `atEnd`). */
export const firstLineOf = (text: string, atEnd: boolean): string | undefined => {
  let from = 0
  for (;;) {
    const nl = text.indexOf('\n', from)
    const line = nl === -1 ? text.slice(from) : text.slice(from, nl)
    if (nl === -1) return atEnd && line.trim() !== '' ? line : undefined
    if (line.trim() !== '') return line
    from = nl + 1
  }
}

/**
 * Reads `input` as NDJSON or a JSON array (see the detection rule) and yields the items of each chunk read,
 * in input order. `name` prefixes every `sourceRef`.
 */
export async function* readItems(
  input: AsyncIterable<Buffer | string>,
  name: string,
  source: Source,
  options: ReadOptions = {}
): AsyncGenerator<RawItem[]> {
  const decoder = new StringDecoder('utf8')
  let splitter: Splitter | undefined
  let pending = ''
  let bytes = 0
  const decide = (text: string, atEnd: boolean): Splitter | undefined => {
    const first = firstLineOf(text, atEnd)
    if (first === undefined) return undefined
    const format = detectFormat(first)
    options.onFormat?.(format)
    return format === 'ndjson'
      ? lineSplitter(name, source)
      : pieceSplitter(name, source, format === 'json-array' ? new ArraySplitter() : new ValueSplitter())
  }
  for await (const chunk of input) {
    const isText = typeof chunk === 'string'
    bytes += isText ? Buffer.byteLength(chunk) : chunk.length
    let text = isText ? chunk : decoder.write(chunk)
    if (splitter === undefined) {
      // A byte order mark is not part of the first value.
      pending += pending === '' && text.startsWith('\uFEFF') ? text.slice(1) : text
      splitter = decide(pending, false)
      if (splitter === undefined) continue
      text = pending
      pending = ''
    }
    const items = splitter.push(text)
    options.onBytes?.(bytes)
    if (items.length > 0) yield items
  }
  const tail = decoder.end()
  let items: RawItem[]
  if (splitter === undefined) {
    const all = pending + tail
    splitter = decide(all, true)
    // Only blank text: nothing to read.
    if (splitter === undefined) return
    items = splitter.push(all)
  } else items = splitter.push(tail)
  items.push(...splitter.end())
  options.onBytes?.(bytes)
  if (items.length > 0) yield items
}
