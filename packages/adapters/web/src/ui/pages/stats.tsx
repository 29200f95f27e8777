/**
 * Stats: call aggregates (GET /stats) by extension, queue, day and/or hour in a chosen time zone, as a table and a
 * uPlot bar chart. The choices live in the hash, so a view can be bookmarked.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import uPlot from 'uplot'
import { api } from '../api'
import { browserZone, duration, localDate, percent } from '../format'
import { replaceQuery, type Route } from '../router'
import type { QueueRow, StatsRow } from '../types'

type Row = StatsRow | QueueRow
const isQueueRow = (r: Row): r is QueueRow => 'offered' in r

const zones = (): string[] => {
  try {
    return (Intl as unknown as { supportedValuesOf: (k: string) => string[] }).supportedValuesOf('timeZone')
  } catch {
    return ['UTC']
  }
}

const CALL_SERIES: ReadonlyArray<[keyof StatsRow, string, string]> = [
  ['calls', 'calls', '#4c6ef5'],
  ['answered', 'answered', '#0b7285'],
  ['missed', 'missed', '#e8590c'],
  ['voicemail', 'voicemail', '#862e9c']
]
const QUEUE_SERIES: ReadonlyArray<[keyof QueueRow, string, string]> = [
  ['offered', 'offered', '#4c6ef5'],
  ['answered', 'answered', '#0b7285'],
  ['abandoned', 'abandoned', '#e8590c']
]

const Chart = ({ rows }: { rows: Row[] }) => {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current
    if (el === null || rows.length === 0) return
    const queue = rows.some(isQueueRow)
    const series = (queue ? QUEUE_SERIES : CALL_SERIES) as ReadonlyArray<[string, string, string]>
    const xs = rows.map((_, i) => i)
    const data: uPlot.AlignedData = [
      xs,
      ...series.map(([k]) => rows.map((r) => (r as unknown as Record<string, number>)[k] ?? 0))
    ]
    // nested bars, widest first: calls behind answered behind missed (grouped bars need a plugin in uPlot)
    const bars = (i: number): uPlot.Series.PathBuilder => uPlot.paths.bars!({ size: [0.8 - i * 0.16, 80] })
    const plot = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 280,
        scales: { x: { time: false, range: [-0.6, rows.length - 0.4] } },
        axes: [
          {
            values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? (rows[s]?.key ?? '') : '')),
            rotate: rows.length > 8 ? -45 : 0,
            size: rows.length > 8 ? 90 : 40
          } as uPlot.Axis,
          {}
        ],
        series: [
          { label: 'row', value: (_u, v) => (v === null ? '' : (rows[v]?.key ?? '')) },
          ...series.map(([, label, colour], i) => ({
            label,
            stroke: colour,
            fill: `${colour}cc`,
            paths: bars(i),
            points: { show: false }
          }))
        ]
      },
      data,
      el
    )
    const onResize = (): void => plot.setSize({ width: Math.max(300, el.clientWidth), height: 280 })
    window.addEventListener('resize', onResize)
    return () => (window.removeEventListener('resize', onResize), plot.destroy())
  }, [rows])
  return <div class="chart" data-testid="stats-chart" ref={box} role="img" aria-label="Bar chart of the rows below" />
}

const DIMS = ['extension', 'queue', 'day', 'hour'] as const

export const StatsPage = ({ route }: { route: Route }) => {
  const q = route.query
  const today = localDate(new Date())
  const weekAgo = localDate(new Date(Date.now() - 6 * 86_400_000))
  const from = q.get('from') ?? weekAgo
  const to = q.get('to') ?? ''
  const by = q.get('by') ?? 'day'
  const tz = q.get('tz') ?? browserZone()
  const [rows, setRows] = useState<Row[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let alive = true
    setRows(null)
    // `to` is a day, inclusive here: the API's `to` is exclusive, so ask for the next day's midnight
    const toParam = to === '' ? undefined : localDate(new Date(new Date(`${to}T12:00:00`).getTime() + 86_400_000))
    api<Row[]>('/stats', { from, to: toParam, by, tz })
      .then((r) => alive && (setRows(r), setError(null)))
      .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)))
    return () => void (alive = false)
  }, [from, to, by, tz])

  const set = (patch: Record<string, string>): void => {
    replaceQuery({ from, to, by, tz, ...patch })
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  }
  const dims = by.split(',').filter((d) => d !== '')
  const toggle = (d: string, on: boolean): void => {
    let next = on ? [...dims, d] : dims.filter((x) => x !== d)
    if (on && d === 'queue') next = next.filter((x) => x !== 'extension')
    if (on && d === 'extension') next = next.filter((x) => x !== 'queue')
    set({ by: DIMS.filter((x) => next.includes(x)).join(',') })
  }
  const queue = rows?.some(isQueueRow) ?? false

  return (
    <section>
      <div class="page-head">
        <h1>Stats</h1>
      </div>
      <form class="stats-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          From{' '}
          <input
            type="date"
            value={from}
            max={today}
            onChange={(e) => set({ from: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          To (inclusive){' '}
          <input type="date" value={to} onChange={(e) => set({ to: (e.target as HTMLInputElement).value })} />
        </label>
        <fieldset>
          <legend>Rows by</legend>
          {DIMS.map((d) => (
            <label>
              <input
                type="checkbox"
                checked={dims.includes(d)}
                onChange={(e) => toggle(d, (e.target as HTMLInputElement).checked)}
              />{' '}
              {d}
            </label>
          ))}
        </fieldset>
        <label>
          Time zone{' '}
          <select value={tz} onChange={(e) => set({ tz: (e.target as HTMLSelectElement).value })}>
            {[...new Set([tz, browserZone(), 'UTC', ...zones()])].map((z) => (
              <option value={z}>{z}</option>
            ))}
          </select>
        </label>
      </form>
      {error !== null && <p class="error">{error}</p>}
      {rows === null && error === null && <p>loading…</p>}
      {rows !== null && rows.length > 0 && <Chart rows={rows} />}
      {rows !== null && (
        <div class="table-wrap">
          <table data-testid="stats-table">
            <thead>
              {queue ? (
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Queue</th>
                  <th scope="col">Offered</th>
                  <th scope="col">Answered</th>
                  <th scope="col">Abandoned</th>
                  <th scope="col">Voicemail</th>
                  <th scope="col">ASA</th>
                  <th scope="col">Longest wait</th>
                  <th scope="col">Service level</th>
                  <th scope="col">Abandon rate</th>
                </tr>
              ) : (
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Calls</th>
                  <th scope="col">In</th>
                  <th scope="col">Out</th>
                  <th scope="col">Answered</th>
                  <th scope="col">Missed</th>
                  <th scope="col">Voicemail</th>
                  <th scope="col">Transferred</th>
                  <th scope="col">Avg ring</th>
                  <th scope="col">Avg talk</th>
                  <th scope="col">Avg hold</th>
                </tr>
              )}
            </thead>
            <tbody>
              {rows.map((r) =>
                isQueueRow(r) ? (
                  <tr>
                    <th scope="row">{r.key}</th>
                    <td>{r.name ?? r.queue}</td>
                    <td>{r.offered}</td>
                    <td>{r.answered}</td>
                    <td>{r.abandoned}</td>
                    <td>{r.voicemail}</td>
                    <td>{duration(r.asaMs)}</td>
                    <td>{duration(r.longestWaitMs)}</td>
                    <td>{percent(r.serviceLevel)}</td>
                    <td>{percent(r.abandonRate)}</td>
                  </tr>
                ) : (
                  <tr>
                    <th scope="row">{r.key}</th>
                    <td>{r.calls}</td>
                    <td>{r.inbound}</td>
                    <td>{r.outbound}</td>
                    <td>{r.answered}</td>
                    <td>{r.missed}</td>
                    <td>{r.voicemail}</td>
                    <td>{r.transferred}</td>
                    <td>{duration(r.avgRingMs)}</td>
                    <td>{duration(r.avgTalkMs)}</td>
                    <td>{duration(r.avgHoldMs)}</td>
                  </tr>
                )
              )}
              {rows.length === 0 && (
                <tr>
                  <td colSpan={11}>No call in this range.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
