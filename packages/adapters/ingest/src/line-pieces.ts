/**
 * Cuts an NDJSON byte stream into pieces of whole lines for the import's worker threads (./import-workers.ts).
 * Each piece knows the number of its first line, so it can be classified on its own and still give the same
 * `sourceRef`s as the sequential reader (./readers.ts).
 *
 * It works on bytes, not text: a line break (0x0A) is never part of a multi-byte UTF-8 character, so a cut right
 * after one never splits a character, and decoding the text is left to the worker, off the main thread.
 */

export interface LinePiece {
  /** Whole lines; only the last piece of the input may end without a line break. */
  readonly bytes: Buffer
  /** Number (from 1) of the piece's first line in the input. */
  readonly firstLine: number
}

export interface LineCutter {
  /** Adds input; returns a piece once at least `target` bytes have gathered (cut after the last line break). */
  push(chunk: Buffer): LinePiece | undefined
  /** The rest of the input, if any. */
  end(): LinePiece | undefined
}

const NEWLINE = 0x0a

const countLines = (bytes: Buffer): number => {
  let n = 0
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) n++
  return n
}

export const lineCutter = (target: number): LineCutter => {
  let parts: Buffer[] = []
  let size = 0
  let nextLine = 1
  const piece = (bytes: Buffer): LinePiece => {
    const cut = { bytes, firstLine: nextLine }
    nextLine += countLines(bytes)
    return cut
  }
  return {
    push(chunk) {
      if (chunk.length === 0) return undefined
      parts.push(chunk)
      size += chunk.length
      if (size < target) return undefined
      // A line longer than everything gathered so far has no break yet: keep gathering.
      const nl = chunk.lastIndexOf(NEWLINE)
      if (nl === -1) return undefined
      parts[parts.length - 1] = chunk.subarray(0, nl + 1)
      const bytes = Buffer.concat(parts)
      // Copied: the tail must not keep the whole read buffer alive.
      const rest = Buffer.from(chunk.subarray(nl + 1))
      parts = rest.length > 0 ? [rest] : []
      size = rest.length
      return piece(bytes)
    },
    end() {
      if (size === 0) return undefined
      const bytes = Buffer.concat(parts)
      parts = []
      size = 0
      return piece(bytes)
    }
  }
}
