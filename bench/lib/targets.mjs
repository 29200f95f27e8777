/**
 * The targets on the log-size benchmarks (import, rebuild, queries, disk), judged against a run's figures
 * at each size it measured. A target whose benchmark did not run (or failed) is "not run", never "met". Import and
 * memory targets hold at every size; rebuild throughput is stated at the smallest size (1M) and its cost per event
 * compared with the largest (10M); the query targets are stated at the largest size (10M); the growth targets
 * need two sizes (`--size` above `--base-size`).
 */
import { perNotification } from './disk.mjs'
import { importWrites } from './figures.mjs'
import { fmtInt, fmtMb, fmtMs, fmtRatio } from './stats.mjs'

const MB = 2 ** 20
/** "Memory does not grow with the log": RSS when the whole log is done within this factor of RSS at 25%. */
export const GROWTH_LIMIT = 1.25
/** "No slower per event at 10M": within measurement noise on a shared machine. */
export const PER_EVENT_LIMIT = 1.1
/** "Does not grow linearly with the log": at 10x the log, p50 at most this many times the smaller log's. */
export const QUERY_GROWTH_LIMIT = 2

export const judge = (ok) => (ok ? 'met' : 'NOT met')
export const notRun = (target, figure = 'n/a') => ({ target, figure, status: 'not run' })

/** 1,000,000 -> 1M, 2,500,000 -> 2.5M, 2,000 -> 2,000. */
export const sizeLabel = (n) => (n >= 1_000_000 ? `${Number((n / 1_000_000).toFixed(1))}M` : fmtInt(n))

/**
 * A target judged at `judged` sizes, its figure shown at every size measured: met when measured and met at each
 * judged size, NOT met when missed at one, else not run.
 */
const atSizes = (target, sizes, judged, get) => {
  const measured = sizes.map((s) => [s, get(s)]).filter(([, v]) => v !== undefined)
  if (measured.length === 0) return notRun(target)
  const figure = measured.map(([s, v]) => (sizes.length > 1 ? `${sizeLabel(s)}: ${v.figure}` : v.figure)).join('; ')
  const verdicts = judged.map((s) => measured.find(([m]) => m === s)?.[1])
  if (verdicts.some((v) => v !== undefined && !v.met)) return { target, figure, status: 'NOT met' }
  return { target, figure, status: verdicts.every((v) => v !== undefined) ? 'met' : 'not run' }
}

/** A target comparing the smallest size's `value` (a) with the largest's (b): `compare(a, b)` -> {figure, met}. */
const growth = (target, sizes, value, compare) => {
  if (sizes.length < 2) return notRun(target, 'needs two sizes (--size above --base-size)')
  const [a, b] = [value(sizes[0]), value(sizes[sizes.length - 1])]
  if (a === undefined || b === undefined) return notRun(target)
  const { figure, met } = compare(a, b)
  return { target, figure, status: judge(met) }
}

const growthFigure = (sizes, a, b, fmt) =>
  `${sizeLabel(sizes[0])}: ${fmt(a)}, ${sizeLabel(sizes[sizes.length - 1])}: ${fmt(b)} (${fmtRatio(b / a)})`

const rssGrowth = (samples) => {
  const first = samples.find((s) => s.at === 25)
  const last = samples.find((s) => s.at === 100)
  return first && last ? last.rss / first.rss : undefined
}

const memoryRows = (name, sizes, result) => [
  atSizes(`peak memory < 300 MB while ${name}`, sizes, sizes, (s) => {
    const r = result(s)
    return r && { figure: fmtMb(r.peakRss), met: r.peakRss < 300 * MB }
  }),
  atSizes(
    `memory does not grow with the log while ${name} (RSS at 100% <= ${GROWTH_LIMIT}x RSS at 25%)`,
    sizes,
    sizes,
    (s) => {
      const g = result(s) && rssGrowth(result(s).rssSamples)
      return g === undefined ? undefined : { figure: fmtRatio(g), met: g <= GROWTH_LIMIT }
    }
  )
]

/** The query figures compared for growth: name -> cost (p50 ms, or ms per exported call). */
const queryCosts = (q) => ({
  session: q.inProcess.session.p50,
  'active now': q.inProcess.activeNow.p50,
  'active at past instants': q.inProcess.activePast.p50,
  '--known-at': q.inProcess.knownAt.p50,
  stats: q.analytics.statsWindow.p50,
  'export (per call)': q.analytics.exportWindow.callsPerSecond > 0 ? 1 / q.analytics.exportWindow.callsPerSecond : NaN
})

/** `bySize`: size -> { decode, import, rebuild, queries, disk } results; `datasetBytes`: size -> file bytes. */
export const sizeTargets = ({ sizes, bySize, datasetBytes }) => {
  const ok = (s, name) => (bySize[s]?.[name]?.ok ? bySize[s][name].result : undefined)
  const smallest = [sizes[0]]
  const largest = [sizes[sizes.length - 1]]
  const rows = []
  rows.push(
    atSizes('import >= 50,000 notifications/s', sizes, sizes, (s) => {
      const r = ok(s, 'import')
      return r && { figure: `${fmtInt(r.perSecond)}/s`, met: r.perSecond >= 50_000 }
    }),
    atSizes('import within 2x of JSON.parse + decode alone', sizes, sizes, (s) => {
      const [r, d] = [ok(s, 'import'), ok(s, 'decode')]
      const slower = r && d && d.parseDecode.perSecond / r.perSecond
      return slower && { figure: `${fmtRatio(slower)} slower`, met: slower <= 2 }
    }),
    atSizes("import writes at most 3x the notification's size to disk", sizes, sizes, (s) => {
      const w = ok(s, 'import') && importWrites(ok(s, 'import'), datasetBytes[s] ?? 0)
      return (
        w && {
          figure: `${fmtInt(w.perNotificationBytes)} bytes per notification, ${fmtRatio(w.ratio)}`,
          met: w.ratio <= 3
        }
      )
    }),
    ...memoryRows('importing', sizes, (s) => ok(s, 'import')),
    growth(
      `import peak memory flat from the smaller to the larger log (<= ${GROWTH_LIMIT}x)`,
      sizes,
      (s) => ok(s, 'import')?.peakRss,
      (a, b) => ({ figure: growthFigure(sizes, a, b, fmtMb), met: b / a <= GROWTH_LIMIT })
    ),
    atSizes('rebuild >= 100,000 events/s (at 1M)', sizes, smallest, (s) => {
      const r = ok(s, 'rebuild')
      return r && { figure: `${fmtInt(r.perSecond)}/s`, met: r.perSecond >= 100_000 }
    }),
    growth(
      `rebuild no slower per event at the larger log (time per event <= ${PER_EVENT_LIMIT}x)`,
      sizes,
      (s) => ok(s, 'rebuild')?.perSecond,
      (a, b) => ({
        figure: growthFigure(sizes, 1e6 / a, 1e6 / b, (us) => `${us.toFixed(1)} µs/event`),
        met: a / b <= PER_EVENT_LIMIT
      })
    ),
    ...memoryRows('rebuilding', sizes, (s) => ok(s, 'rebuild'))
  )
  const query = (target, limit, f) =>
    atSizes(target, sizes, largest, (s) => {
      const q = ok(s, 'queries')
      const ms = q && f(q)
      return ms === undefined ? undefined : { figure: `${fmtMs(ms)} ms`, met: ms < limit }
    })
  rows.push(
    query('session query p99 < 1 ms in-process (at 10M)', 1, (q) => q.inProcess.session.p99),
    query('active calls now p99 < 5 ms in-process (at 10M)', 5, (q) => q.inProcess.activeNow.p99),
    query('active calls at past instants p99 < 5 ms in-process (at 10M)', 5, (q) => q.inProcess.activePast.p99),
    query('sessions --known-at p99 < 50 ms in-process (at 10M)', 50, (q) => q.inProcess.knownAt.p99),
    query(
      'stats for one day (~10,000 calls) < 200 ms, slowest of the days (at 10M)',
      200,
      (q) => q.analytics.statsWindow.max
    ),
    atSizes('export calls for one day (~10,000 calls) >= 50,000 calls/s (at 10M)', sizes, largest, (s) => {
      const x = ok(s, 'queries')?.analytics.exportWindow
      return x && { figure: `${fmtInt(x.callsPerSecond)} calls/s`, met: x.callsPerSecond >= 50_000 }
    }),
    growth(
      `queries do not grow linearly with the log (p50 at the larger log <= ${QUERY_GROWTH_LIMIT}x)`,
      sizes,
      (s) => (ok(s, 'queries') ? queryCosts(ok(s, 'queries')) : undefined),
      (a, b) => {
        const ratios = Object.keys(a).map((k) => [k, b[k] / a[k]])
        return {
          figure: ratios.map(([k, r]) => `${k} ${fmtRatio(r)}`).join(', '),
          // A ratio that cannot be taken (no call exported) is not a pass.
          met: ratios.every(([, r]) => Number.isFinite(r) && r <= QUERY_GROWTH_LIMIT)
        }
      }
    ),
    atSizes(
      'disk: the log per notification and a year of the 10,000-calls-a-day centre stated',
      sizes,
      largest,
      (s) => {
        const d = ok(s, 'disk')
        const p = d && perNotification(d)
        return (
          p && {
            figure: `log ${fmtInt(p.log)} bytes per notification; ${(p.totalYear / 1e9).toFixed(0)} GB a year`,
            met: true
          }
        )
      }
    )
  )
  return rows
}
