/** Small figures helpers: percentiles of latency samples, rates, human units. */

/** The p-th percentile (0..100) of samples, nearest-rank; undefined for no samples. */
export const percentile = (samples, p) => {
  if (samples.length === 0) return undefined
  const sorted = Float64Array.from(samples).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

export const rate = (count, seconds) => (seconds > 0 ? count / seconds : 0)

export const mb = (bytes) => bytes / 2 ** 20

export const fmtInt = (n) => Math.round(n).toLocaleString('en-US')

export const fmtMs = (ms) => (ms === undefined ? 'n/a' : ms < 10 ? ms.toFixed(3) : ms.toFixed(1))

export const fmtMb = (bytes) => `${mb(bytes).toFixed(0)} MB`

export const fmtRatio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a')
