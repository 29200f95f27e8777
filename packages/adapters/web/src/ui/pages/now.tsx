/**
 * Now: every live call, loaded from /calls/active and kept current by the feed (from the log head read before the
 * load, so no change between the two is missed). Clocks tick in the browser between events; an ended call fades out.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api } from '../api'
import { Clock } from '../components/clock'
import { StatusBadge } from '../components/status'
import { openFeed } from '../feed'
import { partyName } from '../format'
import { href, replaceQuery, type Route } from '../router'
import type { FeedCall, Health, PartyView, SessionSummary } from '../types'

const FADE_MS = 2500

interface Row {
  readonly id: string
  readonly status: string
  readonly startedAt: string | null
  readonly stale: boolean
  readonly parties: ReadonlyArray<PartyView>
  /** Client time the metrics were counted up to (when the answer or the event arrived). */
  readonly receivedAt: number
  readonly ending: boolean
}

const RINGING = new Set(['Setup', 'Proceeding'])
const LIVE_PARTY = new Set(['Setup', 'Proceeding', 'Answered', 'Hold', 'Parked', 'VoiceMail'])

/** A party's own clock: what it is doing and for how long (ring, talk or hold time, as the metrics count it). */
const partyClock = (p: PartyView): { label: string; ms: number } | null => {
  if (RINGING.has(p.status)) return { label: 'ringing', ms: p.metrics.ringMs }
  if (p.status === 'Answered') return { label: 'talking', ms: p.metrics.talkMs }
  if (p.status === 'Hold') return { label: 'on hold', ms: p.metrics.holdMs }
  return null
}

/** The call's main clock: the longest of the clocks of the parties in the call's own status. */
const mainClock = (row: Row): { label: string; ms: number } | null => {
  const want =
    row.status === 'ringing'
      ? 'ringing'
      : row.status === 'active'
        ? 'talking'
        : row.status === 'on-hold'
          ? 'on hold'
          : ''
  const clocks = row.parties.map(partyClock).filter((c): c is { label: string; ms: number } => c !== null)
  const mine = clocks.filter((c) => c.label === want)
  const pick = (mine.length > 0 ? mine : clocks).sort((a, b) => b.ms - a.ms)[0]
  if (pick !== undefined) return pick
  // parked, voicemail...: how long the call has lasted
  return row.startedAt === null ? null : { label: 'for', ms: Math.max(0, row.receivedAt - Date.parse(row.startedAt)) }
}

const queuesOf = (row: Row): string[] => [
  ...new Set(row.parties.flatMap((p) => (p.queue !== null ? [p.queue.name ?? p.queue.extensionId ?? '?'] : [])))
]

const directionOf = (row: Row): string => {
  const d = row.parties.find((p) => p.extensionId !== null)?.direction ?? row.parties[0]?.direction
  return d === 'Inbound' ? '⬅ Inbound' : d === 'Outbound' ? '➡ Outbound' : (d ?? '–')
}

const fromSummary = (s: SessionSummary, receivedAt: number): Row => ({
  id: s.telephonySessionId,
  status: s.status,
  startedAt: s.startedAt,
  stale: s.status === 'stale',
  parties: s.parties,
  receivedAt,
  ending: false
})

const CallRow = ({ row }: { row: Row }) => {
  const clock = mainClock(row)
  const running = !row.ending && !row.stale
  const queues = queuesOf(row)
  return (
    <li
      class={`call ${row.ending ? 'ending' : ''} ${row.stale ? 'stale' : ''}`}
      data-testid="call-row"
      data-session-id={row.id}
    >
      <div class="call-head">
        <StatusBadge status={row.status} stale={row.stale} testid="call-status" />
        {clock !== null ? (
          <Clock
            label={clock.label}
            baseMs={clock.ms}
            sinceClient={row.receivedAt}
            running={running}
            testid="call-clock"
          />
        ) : (
          <span class="clock" data-testid="call-clock">
            –
          </span>
        )}
        <span class="direction">{directionOf(row)}</span>
        {queues.length > 0 && <span class="queue-tag">queue: {queues.join(', ')}</span>}
        {row.stale && <span class="stale-tag">⚠ no event for a while</span>}
        <a class="detail-link" href={href(['calls', row.id])}>
          details<span class="sr-only"> of call {row.id}</span> →
        </a>
      </div>
      <ul class="parties">
        {row.parties.map((p) => {
          const c = partyClock(p)
          return (
            <li class={LIVE_PARTY.has(p.status) ? '' : 'gone'}>
              <StatusBadge status={p.status} />
              <span class="party-name">{partyName(p)}</span>
              {p.extensionId !== null && <span class="ext">ext {p.extensionId}</span>}
              {c !== null && <Clock label={c.label} baseMs={c.ms} sinceClient={row.receivedAt} running={running} />}
            </li>
          )
        })}
      </ul>
    </li>
  )
}

export const NowPage = ({ route }: { route: Route }) => {
  const [rows, setRows] = useState<ReadonlyMap<string, Row>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const [loaded, setLoaded] = useState(false)
  const ext = route.query.get('ext') ?? ''
  const queue = route.query.get('queue') ?? ''

  useEffect(() => {
    let closeFeed: (() => void) | undefined
    let alive = true
    const timers = new Set<ReturnType<typeof setTimeout>>()
    const apply = (event: string, call: FeedCall): void => {
      const receivedAt = Date.now()
      const ended = event === 'call-ended' || call.status === 'ended'
      setRows((before) => {
        const next = new Map(before)
        if (ended && !before.has(call.telephonySessionId)) return before
        next.set(call.telephonySessionId, {
          id: call.telephonySessionId,
          status: call.status,
          startedAt: call.startedAt,
          stale: call.stale,
          parties: call.parties,
          receivedAt,
          ending: ended
        })
        return next
      })
      if (ended) {
        const t = setTimeout(() => {
          timers.delete(t)
          setRows((before) => {
            const row = before.get(call.telephonySessionId)
            if (row === undefined || !row.ending) return before
            const next = new Map(before)
            next.delete(call.telephonySessionId)
            return next
          })
        }, FADE_MS)
        timers.add(t)
      }
    }
    const start = async (): Promise<void> => {
      try {
        const health = (await (await fetch('/health', { cache: 'no-store' })).json()) as Health
        const calls = await api<SessionSummary[]>('/calls/active', { limit: 10000 })
        if (!alive) return
        const receivedAt = Date.now()
        setRows(new Map(calls.map((s) => [s.telephonySessionId, fromSummary(s, receivedAt)])))
        setLoaded(true)
        setError(null)
        closeFeed = openFeed({
          ...(health.store.head !== undefined ? { from: health.store.head } : {}),
          onMessage: (m) => {
            if (m.event !== 'call-state' && m.event !== 'call-ended') return
            try {
              apply(m.event, JSON.parse(m.data) as FeedCall)
            } catch {
              // a malformed event: skip it, the next one carries the whole call again
            }
          }
        })
      } catch (e) {
        if (alive) setError(String(e instanceof Error ? e.message : e))
      }
    }
    void start()
    return () => {
      alive = false
      closeFeed?.()
      for (const t of timers) clearTimeout(t)
    }
  }, [])

  const all = useMemo(
    () => [...rows.values()].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')),
    [rows]
  )
  const extensions = useMemo(
    () => [...new Set(all.flatMap((r) => r.parties.flatMap((p) => (p.extensionId ? [p.extensionId] : []))))].sort(),
    [all]
  )
  const queues = useMemo(() => [...new Set(all.flatMap(queuesOf))].sort(), [all])
  const shown = all.filter(
    (r) => (ext === '' || r.parties.some((p) => p.extensionId === ext)) && (queue === '' || queuesOf(r).includes(queue))
  )
  const live = shown.filter((r) => !r.ending).length
  const setFilter = (k: 'ext' | 'queue', v: string): void => {
    const q = { ext, queue, [k]: v }
    replaceQuery(q)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  }

  return (
    <section>
      <div class="page-head">
        <h1>Now</h1>
        <p class="count" aria-live="polite" aria-atomic="true">
          {loaded ? `${live} live call${live === 1 ? '' : 's'}` : 'loading…'}
          {shown.length !== all.length ? ` (of ${all.filter((r) => !r.ending).length})` : ''}
        </p>
        <div class="filters">
          <label>
            Extension{' '}
            <select value={ext} onChange={(e) => setFilter('ext', (e.target as HTMLSelectElement).value)}>
              <option value="">all</option>
              {[...new Set([...extensions, ...(ext ? [ext] : [])])].map((x) => (
                <option value={x}>{x}</option>
              ))}
            </select>
          </label>
          <label>
            Queue{' '}
            <select value={queue} onChange={(e) => setFilter('queue', (e.target as HTMLSelectElement).value)}>
              <option value="">all</option>
              {[...new Set([...queues, ...(queue ? [queue] : [])])].map((x) => (
                <option value={x}>{x}</option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {error !== null && <p class="error">Cannot load the calls: {error}</p>}
      <ul class="board" data-testid="board">
        {shown.map((r) => (
          <CallRow row={r} key={r.id} />
        ))}
      </ul>
      {loaded && shown.length === 0 && (
        <p class="empty">No call in progress{ext || queue ? ' for this filter' : ''}.</p>
      )}
    </section>
  )
}
