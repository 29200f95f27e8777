/**
 * Queues: one tile per call queue (GET /queues, "today" in the browser's zone), refreshed every few seconds and
 * soon after a feed event. Amber/red thresholds are set in the page (kept in localStorage) and shown with a
 * label and a pattern, not colour alone. Full screen for a wall display.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from '../api'
import { Clock } from '../components/clock'
import { openFeed } from '../feed'
import { browserZone, duration, percent } from '../format'
import type { QueueBoardRow } from '../types'

const REFRESH_MS = 5000
const KEY = 'callstate.queueThresholds'

interface Thresholds {
  readonly waitingAmber: number
  readonly waitingRed: number
  readonly waitAmberS: number
  readonly waitRedS: number
  readonly slAmberPct: number
  readonly slRedPct: number
}

const DEFAULTS: Thresholds = {
  waitingAmber: 3,
  waitingRed: 6,
  waitAmberS: 30,
  waitRedS: 60,
  slAmberPct: 80,
  slRedPct: 60
}

const loadThresholds = (): Thresholds => {
  try {
    return { ...DEFAULTS, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Thresholds>) }
  } catch {
    return DEFAULTS
  }
}

type Level = 'ok' | 'amber' | 'red'
const LEVEL_LABEL: Record<Level, string> = { ok: '✔ OK', amber: '▲ Warning', red: '✖ Alert' }
const worst = (...levels: Level[]): Level =>
  levels.includes('red') ? 'red' : levels.includes('amber') ? 'amber' : 'ok'
const above = (v: number, amber: number, red: number): Level => (v >= red ? 'red' : v >= amber ? 'amber' : 'ok')
const below = (v: number | null, amber: number, red: number): Level =>
  v === null ? 'ok' : v * 100 < red ? 'red' : v * 100 < amber ? 'amber' : 'ok'

const Tile = ({ q, t, fetchedAt }: { q: QueueBoardRow; t: Thresholds; fetchedAt: number }) => {
  const waiting = above(q.waitingNow, t.waitingAmber, t.waitingRed)
  const wait = above(q.longestWaitNowMs / 1000, t.waitAmberS, t.waitRedS)
  const sl = below(q.serviceLevel, t.slAmberPct, t.slRedPct)
  const level = worst(waiting, wait, sl)
  return (
    <article class={`tile level-${level}`} data-testid="queue-tile" data-queue={q.queue} data-level={level}>
      <header>
        <h2>{q.name ?? q.queue}</h2>
        <span class="level-label">{LEVEL_LABEL[level]}</span>
      </header>
      <dl>
        <div class={`stat level-${waiting}`}>
          <dt>Waiting now</dt>
          <dd>{q.waitingNow}</dd>
        </div>
        <div class={`stat level-${wait}`}>
          <dt>Longest wait now</dt>
          <dd>
            {q.waitingNow > 0 ? (
              <Clock label="" baseMs={q.longestWaitNowMs} sinceClient={fetchedAt} running={true} />
            ) : (
              duration(0)
            )}
          </dd>
        </div>
        <div class="stat">
          <dt>Agents on a call</dt>
          <dd>{q.agentsOnCall}</dd>
        </div>
        <div class="stat">
          <dt>Answered today</dt>
          <dd>{q.answered}</dd>
        </div>
        <div class="stat">
          <dt>Abandoned</dt>
          <dd>
            {q.abandoned}
            {q.abandonRate !== null ? <small> ({percent(q.abandonRate)})</small> : null}
          </dd>
        </div>
        <div class="stat">
          <dt>ASA</dt>
          <dd>{duration(q.asaMs)}</dd>
        </div>
        <div class={`stat level-${sl}`}>
          <dt>Service level</dt>
          <dd title={`answered within ${q.answerWithinMs / 1000}s`}>{percent(q.serviceLevel)}</dd>
        </div>
      </dl>
    </article>
  )
}

const NumberInput = ({ label, value, onChange }: { label: string; value: number; onChange: (v: number) => void }) => (
  <label>
    {label}{' '}
    <input
      type="number"
      min="0"
      value={value}
      onInput={(e) => {
        const v = Number((e.target as HTMLInputElement).value)
        if (Number.isFinite(v)) onChange(v)
      }}
    />
  </label>
)

export const QueuesPage = () => {
  const [rows, setRows] = useState<QueueBoardRow[] | null>(null)
  const [fetchedAt, setFetchedAt] = useState(Date.now())
  const [error, setError] = useState<string | null>(null)
  const [t, setT] = useState<Thresholds>(loadThresholds)
  const wall = useRef<HTMLDivElement>(null)
  const [full, setFull] = useState(false)

  useEffect(() => {
    let alive = true
    let inFlight = false
    let soon: ReturnType<typeof setTimeout> | undefined
    const zone = browserZone()
    const refresh = async (): Promise<void> => {
      if (inFlight) return
      inFlight = true
      try {
        const board = await api<QueueBoardRow[]>('/queues', { tz: zone })
        if (alive) {
          setRows(board)
          setFetchedAt(Date.now())
          setError(null)
        }
      } catch (e) {
        if (alive) setError(e instanceof Error ? e.message : String(e))
      } finally {
        inFlight = false
      }
    }
    void refresh()
    const timer = setInterval(() => void refresh(), REFRESH_MS)
    // a call changed: refresh within a second (several events in a burst make one request)
    const closeFeed = openFeed({
      onMessage: () => {
        if (soon === undefined) soon = setTimeout(() => ((soon = undefined), void refresh()), 1000)
      }
    })
    const onFull = (): void => setFull(document.fullscreenElement !== null)
    document.addEventListener('fullscreenchange', onFull)
    return () => {
      alive = false
      clearInterval(timer)
      if (soon !== undefined) clearTimeout(soon)
      closeFeed()
      document.removeEventListener('fullscreenchange', onFull)
    }
  }, [])

  const update = (patch: Partial<Thresholds>): void => {
    const next = { ...t, ...patch }
    setT(next)
    try {
      localStorage.setItem(KEY, JSON.stringify(next))
    } catch {
      // storage disabled: the thresholds last as long as the page
    }
  }
  const toggleFull = (): void => {
    if (document.fullscreenElement !== null) void document.exitFullscreen()
    else void wall.current?.requestFullscreen?.()
  }

  return (
    <section>
      <div class="page-head">
        <h1>Queues</h1>
        <button type="button" onClick={toggleFull} aria-pressed={full}>
          {full ? 'Exit full screen' : 'Full screen'}
        </button>
      </div>
      {error !== null && <p class="error">Cannot load the queues: {error}</p>}
      <div class={`wall ${full ? 'full' : ''}`} ref={wall}>
        {full && <p class="wall-note">Today since midnight ({browserZone()}) · press Esc to leave</p>}
        <div class="tiles">
          {rows?.map((q) => (
            <Tile q={q} t={t} fetchedAt={fetchedAt} key={q.queue} />
          ))}
        </div>
        {rows !== null && rows.length === 0 && <p class="empty">No queue seen today, and no queue call waiting now.</p>}
      </div>
      <details class="thresholds">
        <summary>Thresholds (amber / red)</summary>
        <fieldset>
          <legend>Calls waiting now</legend>
          <NumberInput label="amber at" value={t.waitingAmber} onChange={(v) => update({ waitingAmber: v })} />
          <NumberInput label="red at" value={t.waitingRed} onChange={(v) => update({ waitingRed: v })} />
        </fieldset>
        <fieldset>
          <legend>Longest wait now (seconds)</legend>
          <NumberInput label="amber at" value={t.waitAmberS} onChange={(v) => update({ waitAmberS: v })} />
          <NumberInput label="red at" value={t.waitRedS} onChange={(v) => update({ waitRedS: v })} />
        </fieldset>
        <fieldset>
          <legend>Service level (%)</legend>
          <NumberInput label="amber below" value={t.slAmberPct} onChange={(v) => update({ slAmberPct: v })} />
          <NumberInput label="red below" value={t.slRedPct} onChange={(v) => update({ slRedPct: v })} />
        </fieldset>
        <button type="button" onClick={() => update(DEFAULTS)}>
          Reset
        </button>
      </details>
    </section>
  )
}
