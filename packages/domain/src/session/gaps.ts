import type { Gap } from './types.js'

/**
 * Missing sequences above the lowest one seen, as ranges (2, 3, 8 -> [{from: 4, to: 7}]). Sequences below the
 * lowest seen are not gaps: a session usually starts at 2, and where it starts is not known.
 */
export const sequenceGaps = (sequences: ReadonlyArray<number>): Gap[] => {
  const seen = [...new Set(sequences)].sort((a, b) => a - b)
  return seen.flatMap((sequence, i) => {
    const next = seen[i + 1]
    return next !== undefined && next > sequence + 1 ? [{ from: sequence + 1, to: next - 1 }] : []
  })
}
