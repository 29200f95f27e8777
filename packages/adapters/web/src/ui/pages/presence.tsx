/**
 * Presence: per extension, a day as lanes (presence status, telephony status, and the extension's calls), from
 * GET /extensions/:id/presence?from=&to= and GET /sessions?extension=. The extensions are those with calls that day
 * (GET /stats?by=extension), plus any typed in.
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api'
import { browserZone, duration, localDate, partyName, time } from '../format'
import { href, replaceQuery, type Route } from '../router'
import type { PresenceInterval, PresenceTimeline, SessionSummary, StatsRow } from '../types'

interface Lanes {
  readonly extensionId: string
  readonly intervals: ReadonlyArray<PresenceInterval>
  readonly calls: ReadonlyArray<SessionSummary>
  readonly error?: string
}

const toneOfPresence = (s: string | null): string =>
  s === null
    ? 'none'
    : /NoCall|Available/i.test(s)
      ? 'free'
      : /Ringing/i.test(s)
        ? 'ringing'
        : /CallConnected|Busy/i.test(s)
          ? 'talking'
          : /OnHold/i.test(s)
            ? 'hold'
            : /Offline|DoNotAccept|Dnd/i.test(s)
              ? 'off'
              : 'other'

const HOURS = Array.from({ length: 25 }, (_, i) => i)

const Lane = ({
  label,
  start,
  end,
  items
}: {
  label: string
  start: number
  end: number
  items: ReadonlyArray<{ from: number; to: number; text: string; title: string; tone: string; link?: string }>
}) => {
  const span = end - start
  const pct = (t: number): number => ((Math.min(end, Math.max(start, t)) - start) / span) * 100
  return (
    <div class="lane-row">
      <div class="lane-label">{label}</div>
      <div class="lane day" role="list" aria-label={label}>
        {items
          .filter((i) => i.to > start && i.from < end)
          .map((i) => {
            const style = { left: `${pct(i.from)}%`, width: `max(2px, ${pct(i.to) - pct(i.from)}%)` }
            return i.link ? (
              <a role="listitem" class={`seg tone-${i.tone}`} style={style} title={i.title} href={i.link}>
                <span class="sr-only">{i.title}</span>
                <span aria-hidden="true">{i.text}</span>
              </a>
            ) : (
              <span role="listitem" class={`seg tone-${i.tone}`} style={style} title={i.title} aria-label={i.title}>
                {i.text}
              </span>
            )
          })}
      </div>
    </div>
  )
}

export const PresencePage = ({ route }: { route: Route }) => {
  const date = route.query.get('date') ?? localDate(new Date())
  const extra = route.query.get('ext') ?? ''
  const [lanes, setLanes] = useState<Lanes[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [extInput, setExtInput] = useState(extra)
  const start = new Date(`${date}T00:00:00`).getTime()
  const end = new Date(new Date(`${date}T00:00:00`).setDate(new Date(`${date}T00:00:00`).getDate() + 1)).getTime()
  const now = Date.now()

  useEffect(() => {
    let alive = true
    setLanes(null)
    const from = new Date(start).toISOString()
    const to = new Date(end).toISOString()
    const load = async (): Promise<void> => {
      // the extensions with calls that day: the stats rows (ended calls) and the recent sessions (live ones too)
      const [rows, recent] = await Promise.all([
        api<StatsRow[]>('/stats', { by: 'extension', from, to, tz: browserZone() }),
        api<SessionSummary[]>('/sessions', { limit: 1000 })
      ])
      const ids = [
        ...new Set([
          ...extra
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
          ...rows.map((r) => r.key).filter((k) => k !== 'all'),
          ...recent
            .filter((s) => s.startedAt !== null && Date.parse(s.startedAt) < end && Date.parse(s.startedAt) >= start)
            .flatMap((s) => s.parties.flatMap((p) => (p.extensionId !== null ? [p.extensionId] : [])))
        ])
      ].sort()
      const result = await Promise.all(
        ids.map(async (id): Promise<Lanes> => {
          // The calls and the presence are asked for separately: an extension with calls but no presence known
          // (a 404) still shows its calls, and the lane says what is missing.
          const [presence, sessions] = await Promise.allSettled([
            api<PresenceTimeline>(`/extensions/${encodeURIComponent(id)}/presence`, { from, to }),
            api<SessionSummary[]>('/sessions', { extension: id, limit: 1000 })
          ])
          const calls = (sessions.status === 'fulfilled' ? sessions.value : []).filter((s) => {
            const a = s.startedAt ? Date.parse(s.startedAt) : NaN
            const b = s.endedAt ? Date.parse(s.endedAt) : now
            return a < end && b > start
          })
          const problems = [presence, sessions].flatMap((r) =>
            r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []
          )
          return {
            extensionId: id,
            intervals: presence.status === 'fulfilled' ? presence.value.intervals : [],
            calls,
            ...(problems.length > 0 ? { error: problems.join('; ') } : {})
          }
        })
      )
      if (alive) {
        setLanes(result)
        setError(null)
      }
    }
    load().catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)))
    return () => void (alive = false)
  }, [date, extra])

  const setQuery = (q: { date?: string; ext?: string }): void => {
    replaceQuery({ date, ext: extra, ...q })
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  }
  const interval = (i: PresenceInterval, field: 'presenceStatus' | 'telephonyStatus') => {
    const from = i.from ? Date.parse(i.from) : start
    const to = i.to ? Date.parse(i.to) : Math.min(now, end)
    const v = i[field]
    const details = [
      `presence ${i.presenceStatus ?? '–'}`,
      `user ${i.userStatus ?? '–'}`,
      `telephony ${i.telephonyStatus ?? '–'}`,
      `DND ${i.dndStatus ?? '–'}`,
      ...(i.meetingStatus ? [`meeting ${i.meetingStatus}`] : [])
    ].join(', ')
    return {
      from,
      to,
      text: v ?? '',
      tone: toneOfPresence(field === 'presenceStatus' && i.dndStatus === 'DoNotAcceptAnyCalls' ? 'Dnd' : v),
      title: `${time(i.from)}–${i.to ? time(i.to) : 'now'} (${duration(to - from)}): ${details}`
    }
  }

  return (
    <section>
      <div class="page-head">
        <h1>Presence</h1>
        <label>
          Day{' '}
          <input type="date" value={date} onChange={(e) => setQuery({ date: (e.target as HTMLInputElement).value })} />
        </label>
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault()
            setQuery({ ext: extInput })
          }}
        >
          <label for="ext-input">Also extensions</label>{' '}
          <input
            id="ext-input"
            placeholder="id, id"
            value={extInput}
            onInput={(e) => setExtInput((e.target as HTMLInputElement).value)}
          />{' '}
          <button type="submit">Add</button>
        </form>
      </div>
      {error !== null && <p class="error">{error}</p>}
      {lanes === null && error === null && <p>loading…</p>}
      {lanes !== null && lanes.length === 0 && (
        <p class="empty">No extension had a call that day. Type an extension id above to see its presence.</p>
      )}
      {lanes !== null && lanes.length > 0 && (
        <div class="presence">
          <div class="lane-row hours" aria-hidden="true">
            <div class="lane-label" />
            <div class="lane day">
              {HOURS.filter((h) => h % 3 === 0).map((h) => (
                <span class="tick" style={{ left: `${(h / 24) * 100}%` }}>
                  {String(h).padStart(2, '0')}
                </span>
              ))}
            </div>
          </div>
          {lanes.map((l) => (
            <div class="ext-block" data-testid="presence-lane" data-extension={l.extensionId}>
              <h2>
                Extension {l.extensionId}{' '}
                <small>
                  {l.calls.length} call{l.calls.length === 1 ? '' : 's'}
                </small>
              </h2>
              {l.error !== undefined && <p class="error">{l.error}</p>}
              <Lane
                label="presence"
                start={start}
                end={end}
                items={l.intervals.map((i) => interval(i, 'presenceStatus'))}
              />
              <Lane
                label="telephony"
                start={start}
                end={end}
                items={l.intervals.map((i) => interval(i, 'telephonyStatus'))}
              />
              <Lane
                label="calls"
                start={start}
                end={end}
                items={l.calls.map((c) => {
                  const from = c.startedAt ? Date.parse(c.startedAt) : start
                  // a stale call has no end: draw it up to its last event
                  const last = Math.max(
                    from,
                    ...c.parties.flatMap((p) => (p.history ?? []).flatMap((h) => (h.at ? [Date.parse(h.at)] : [])))
                  )
                  const to = c.endedAt ? Date.parse(c.endedAt) : c.status === 'stale' ? last : now
                  const mine = c.parties.find((p) => p.extensionId === l.extensionId)
                  const other = c.parties.find((p) => p !== mine)
                  return {
                    from,
                    to,
                    text: '',
                    tone: mine?.outcome === 'missed' || mine?.outcome === 'voicemail' ? 'ringing' : 'talking',
                    title: `${time(c.startedAt)}–${c.endedAt ? time(c.endedAt) : 'now'} (${duration(to - from)}) ${
                      mine?.direction ?? ''
                    } ${other ? partyName(other) : ''}: ${mine?.outcome ?? c.status}`,
                    link: href(['calls', c.telephonySessionId])
                  }
                })}
              />
            </div>
          ))}
        </div>
      )}
    </section>
  )
}
