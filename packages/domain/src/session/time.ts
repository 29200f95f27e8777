/** ISO instants as data: parsing and ordering without a clock. Invalid or empty texts are "no time". */
export const instant = (text: string): number | null => {
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : null
}

/** The earliest (`pick` < 0) or latest (`pick` > 0) valid instant of `texts`, as given; null when none is valid. */
export const extremeTime = (texts: ReadonlyArray<string>, pick: 1 | -1): string | null => {
  let best: { text: string; ms: number } | null = null
  for (const text of texts) {
    const ms = instant(text)
    if (ms === null) continue
    if (best === null || (ms - best.ms) * pick > 0 || (ms === best.ms && text < best.text)) best = { text, ms }
  }
  return best === null ? null : best.text
}

/** Is `text` at or before `at`? Untimed facts (invalid `text`) count as before anything. */
export const atOrBefore = (text: string, at: string): boolean => {
  const ms = instant(text)
  const limit = instant(at)
  return ms === null || limit === null || ms <= limit
}
