/**
 * Splits the text of a top-level JSON array into the exact source text of each element, fed chunk by chunk.
 *
 * Why not a token parser (stream-json): the log stores each notification AS RECEIVED, so an element must keep
 * its own bytes (whitespace, key order, number spelling), which a parse-and-reassemble pipeline loses. Only
 * brackets, braces, commas and string boundaries matter here, so a scan is enough and it is several times
 * faster; each element is then parsed once by the ingest step, which is also where an element that is not
 * valid JSON is caught and quarantined.
 *
 * Robustness: the splitter never throws. Whatever it cannot place (text before the opening `[`, an element cut
 * off by the end of the input, text after the closing `]`) comes out as a `stray` piece so that the caller can
 * quarantine it rather than drop it.
 */

export type Piece =
  /** One element of the array, trimmed, `index` counting from 0. */
  | { readonly _tag: 'element'; readonly index: number; readonly text: string }
  /** Text that is not an element of a well-formed array; `where` says which part of the input it came from. */
  | { readonly _tag: 'stray'; readonly where: 'before-array' | 'unterminated' | 'after-array'; readonly text: string }

type State = 'before' | 'between' | 'element' | 'done'

const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const COMMA = 0x2c
const QUOTE = 0x22
const BACKSLASH = 0x5c

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

export class ArraySplitter {
  private state: State = 'before'
  private depth = 0
  private inString = false
  private escaped = false
  /** Text of the current element (or stray text) carried over from earlier chunks. */
  private carry = ''
  private index = 0

  /** Feeds the next chunk; returns the pieces completed by it. */
  push(chunk: string): Piece[] {
    const out: Piece[] = []
    // Start of the current element (or stray text) within this chunk; -1 when none is open in it.
    let start = this.state === 'element' || this.carry !== '' ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      switch (this.state) {
        case 'before':
          if (c === OPEN_ARRAY && start === -1) this.state = 'between'
          else if (c === OPEN_ARRAY) {
            out.push(this.stray('before-array', chunk.slice(start, i)))
            start = -1
            this.state = 'between'
          } else if (!isSpace(c) && start === -1) start = i
          break
        case 'between':
          if (isSpace(c)) break
          // `]` right after `[` (an empty array) or after a trailing comma closes the array.
          if (c === CLOSE_ARRAY) {
            this.state = 'done'
            break
          }
          this.state = 'element'
          start = i
          this.depth = 0
          i = this.scanElement(chunk, i, out, () => (start = -1)) - 1
          break
        case 'element':
          i = this.scanElement(chunk, i, out, () => (start = -1)) - 1
          break
        case 'done':
          if (!isSpace(c) && start === -1) start = i
          break
      }
    }
    if (start !== -1) this.carry += chunk.slice(start)
    return out
  }

  /** Signals the end of the input; returns what is left (an element cut off, stray text). */
  end(): Piece[] {
    const rest = this.carry.trim()
    this.carry = ''
    if (rest === '') return []
    if (this.state === 'before') return [{ _tag: 'stray', where: 'before-array', text: rest }]
    if (this.state === 'done') return [{ _tag: 'stray', where: 'after-array', text: rest }]
    return [{ _tag: 'stray', where: 'unterminated', text: rest }]
  }

  private stray(where: 'before-array' | 'after-array', tail: string): Piece {
    const text = (this.carry + tail).trim()
    this.carry = ''
    return { _tag: 'stray', where, text }
  }

  /**
   * Scans element text from `from`; returns the index where scanning stopped (the chunk length when the
   * element goes on in the next chunk). On the element's end it pushes the piece and calls `closed`.
   */
  private scanElement(chunk: string, from: number, out: Piece[], closed: () => void): number {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === BACKSLASH) this.escaped = true
        else if (c === QUOTE) this.inString = false
        continue
      }
      if (c === QUOTE) this.inString = true
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++
      else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && this.depth > 0) this.depth--
      else if (this.depth === 0 && (c === COMMA || c === CLOSE_ARRAY)) {
        const text = (this.carry + chunk.slice(from, i)).trim()
        this.carry = ''
        out.push({ _tag: 'element', index: this.index++, text })
        this.state = c === COMMA ? 'between' : 'done'
        closed()
        return i + 1
      }
    }
    return chunk.length
  }
}

/**
 * Splits concatenated top-level JSON values (`{...}\n{...}`, a single pretty-printed object) into the exact
 * text of each value. A container value ends where its brackets balance; a top-level scalar ends at
 * whitespace. Text left open at the end comes out as an `unterminated` stray piece.
 */
export class ValueSplitter {
  private depth = 0
  private inString = false
  private escaped = false
  private inValue = false
  private carry = ''
  private index = 0

  push(chunk: string): Piece[] {
    const out: Piece[] = []
    let start = this.inValue ? 0 : -1
    const emit = (end: number): void => {
      out.push({ _tag: 'element', index: this.index++, text: (this.carry + chunk.slice(start, end)).trim() })
      this.carry = ''
      this.inValue = false
      this.depth = 0
      start = -1
    }
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      if (!this.inValue) {
        if (isSpace(c)) continue
        this.inValue = true
        start = i
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === BACKSLASH) this.escaped = true
        else if (c === QUOTE) this.inString = false
        continue
      }
      if (c === QUOTE) this.inString = true
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--
        if (this.depth <= 0) emit(i + 1)
      } else if (this.depth === 0 && isSpace(c)) emit(i)
    }
    if (start !== -1) this.carry += chunk.slice(start)
    return out
  }

  end(): Piece[] {
    const rest = this.carry.trim()
    const index = this.index
    this.carry = ''
    this.inValue = false
    if (rest === '') return []
    // A top-level scalar at the very end is complete; an open container is not.
    return this.depth === 0 && !this.inString
      ? [{ _tag: 'element', index, text: rest }]
      : [{ _tag: 'stray', where: 'unterminated', text: rest }]
  }
}
