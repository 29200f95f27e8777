/**
 * The log-size figures of several sizes side by side: one row per figure, a column per size, and the growth from
 * the smallest to the largest size where a figure has a cost (time per event, latency p50, memory, bytes per
 * notification: higher is worse), so that what grows with the log shows at a glance.
 */
import { fmtRatio } from './stats.mjs'

/** `rowsBySize`: size -> rows {benchmark, figure, value, cost?, per?}. Resolves { head, rows } for a table. */
export const sideBySide = (sizes, rowsBySize) => {
  const order = []
  const byKey = new Map()
  for (const size of sizes)
    for (const r of rowsBySize[size] ?? []) {
      const key = `${r.benchmark}\u0000${r.figure}`
      if (!byKey.has(key)) {
        byKey.set(key, { benchmark: r.benchmark, figure: r.figure, cells: {} })
        order.push(key)
      }
      byKey.get(key).cells[size] = r
    }
  const [first, last] = [sizes[0], sizes[sizes.length - 1]]
  const growth = (a, b) =>
    a?.cost > 0 && b?.cost > 0 && Number.isFinite(a.cost) && Number.isFinite(b.cost)
      ? `${fmtRatio(b.cost / a.cost)} ${b.per}`
      : ''
  return {
    head: [
      'benchmark',
      'figure',
      ...sizes.map((s) => s.toLocaleString('en-US')),
      `growth ${last.toLocaleString('en-US')} / ${first.toLocaleString('en-US')}`
    ],
    rows: order.map((key) => {
      const { benchmark, figure, cells } = byKey.get(key)
      return [benchmark, figure, ...sizes.map((s) => cells[s]?.value ?? 'not run'), growth(cells[first], cells[last])]
    })
  }
}
