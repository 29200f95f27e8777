/**
 * One call: its parties' histories on a time axis, metrics, outcomes and what ended each party; the audit (the raw
 * notifications in log order with the state after each); and the call "as it was at" an instant (?at=).
 */
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api'
import { StatusBadge, toneOf } from '../components/status'
import { dateTime, duration, endpoint, partyName, time } from '../format'
import { href, type Route } from '../router'
import type { AuditEntry, PartyView, SessionView } from '../types'

/** `datetime-local` value (browser zone) of an ISO instant, and back. */
const toLocalInput = (iso: string): string => {
  const d = new Date(iso)
  const off = d.getTimezoneOffset() * 60_000
  return new Date(d.getTime() - off).toISOString().slice(0, 19)
}
const fromLocalInput = (v: string): string | undefined => {
  const d = new Date(v)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

const Timeline = ({ session, now }: { session: SessionView; now: number }) => {
  const times = session.parties.flatMap((p) => (p.history ?? []).flatMap((h) => (h.at ? [Date.parse(h.at)] : [])))
  if (times.length === 0) return <p class="empty">No timed history.</p>
  const start = Math.min(...times)
  const end = Math.max(
    session.endedAt ? Date.parse(session.endedAt) : Math.min(now, Math.max(...times) + 60_000),
    ...times
  )
  const span = Math.max(1, end - start)
  const pct = (t: number): string => `${(((t - start) / span) * 100).toFixed(3)}%`
  return (
    <div class="timeline">
      <div class="axis" aria-hidden="true">
        <span>{time(new Date(start).toISOString())}</span>
        <span>{duration(span)}</span>
        <span>{time(new Date(end).toISOString())}</span>
      </div>
      {session.parties.map((p) => {
        const hs = (p.history ?? []).filter((h) => h.at !== null)
        return (
          <div class="lane-row">
            <div class="lane-label" title={`party ${p.id}`}>
              {p.extensionId ? `ext ${p.extensionId}` : partyName(p)}
            </div>
            <div class="lane" role="list" aria-label={`history of party ${p.id}`}>
              {hs.map((h, i) => {
                const from = Date.parse(h.at as string)
                const next = hs[i + 1]
                const to = next
                  ? Date.parse(next.at as string)
                  : ['Disconnected', 'Gone'].includes(h.status)
                    ? from
                    : end
                const [tone] = toneOf(h.status)
                const label = `${h.status}${h.reason ? ` (${h.reason})` : ''} at ${time(h.at)}${
                  h.source ? ` [from ${h.source}]` : ''
                } for ${duration(to - from)} · seq ${h.sequence}`
                return (
                  <span
                    role="listitem"
                    class={`seg tone-${tone}`}
                    style={{ left: pct(from), width: `max(3px, calc(${pct(to)} - ${pct(from)}))` }}
                    title={label}
                    aria-label={label}
                  >
                    {h.status}
                  </span>
                )
              })}
            </div>
          </div>
        )
      })}
    </div>
  )
}

const PartyTable = ({ parties }: { parties: ReadonlyArray<PartyView> }) => (
  <div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">Party</th>
          <th scope="col">From → To</th>
          <th scope="col">Direction</th>
          <th scope="col">Status</th>
          <th scope="col">Ring</th>
          <th scope="col">Talk</th>
          <th scope="col">Hold</th>
          <th scope="col">Outcome</th>
          <th scope="col">Ended by</th>
          <th scope="col">Queue</th>
        </tr>
      </thead>
      <tbody>
        {parties.map((p) => (
          <tr>
            <td>
              <span class="mono">{p.id}</span>
              {p.extensionId ? <div>ext {p.extensionId}</div> : null}
            </td>
            <td>
              {endpoint(p.from)} → {endpoint(p.to)}
            </td>
            <td>{p.direction ?? '–'}</td>
            <td>
              <StatusBadge status={p.status} />
              {p.reason ? <small> {p.reason}</small> : null}
            </td>
            <td>{duration(p.metrics.ringMs)}</td>
            <td>{duration(p.metrics.talkMs)}</td>
            <td>{duration(p.metrics.holdMs)}</td>
            <td>{p.outcome}</td>
            <td>{p.endedBy ?? '–'}</td>
            <td>{p.queue ? (p.queue.name ?? p.queue.extensionId) : p.queueCall ? 'yes' : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
)

const stateLine = (s: SessionView): string =>
  `${s.status}: ${s.parties.map((p) => `${p.id} ${p.status}${p.reason ? `/${p.reason}` : ''}`).join(', ')}`

export const CallPage = ({ id, route }: { id: string; route: Route }) => {
  const at = route.query.get('at') ?? undefined
  const [session, setSession] = useState<SessionView | null>(null)
  const [audit, setAudit] = useState<AuditEntry[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [atInput, setAtInput] = useState(at ? toLocalInput(at) : '')
  const [now, setNow] = useState(Date.now())

  useEffect(() => {
    let alive = true
    setError(null)
    api<SessionView>(`/sessions/${encodeURIComponent(id)}`, { at })
      .then((s) => alive && (setSession(s), setNow(Date.now())))
      .catch((e: unknown) => alive && setError(e instanceof ApiError ? e.message : String(e)))
    return () => void (alive = false)
  }, [id, at])
  useEffect(() => {
    let alive = true
    api<AuditEntry[]>(`/sessions/${encodeURIComponent(id)}/audit`)
      .then((a) => alive && setAudit(a))
      .catch(() => alive && setAudit([]))
    return () => void (alive = false)
  }, [id])

  return (
    <section>
      <div class="page-head">
        <h1>
          Call <span class="mono">{id}</span>
        </h1>
        <a href="#/">← board</a>
      </div>
      <form
        class="at-form"
        onSubmit={(e) => {
          e.preventDefault()
          location.hash = href(['calls', id], { at: atInput ? fromLocalInput(atInput) : undefined })
        }}
      >
        <label for="at-input">As it was at</label>
        <input
          id="at-input"
          type="datetime-local"
          step="1"
          value={atInput}
          onInput={(e) => setAtInput((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Show</button>
        {at && (
          <a href={href(['calls', id])} onClick={() => setAtInput('')}>
            now
          </a>
        )}
      </form>
      {error !== null && <p class="error">{error}</p>}
      {session !== null && (
        <>
          <p class="summary">
            <StatusBadge status={session.status} /> started {dateTime(session.startedAt)}
            {session.endedAt ? `, ended ${dateTime(session.endedAt)}` : ''}
            {at ? ` · as it was at ${dateTime(at)}` : ''}
            {session.origin ? ` · origin ${session.origin}` : ''}
          </p>
          <h2>Parties over time</h2>
          <Timeline session={session} now={at ? Date.parse(at) : now} />
          <h2>Parties</h2>
          <PartyTable parties={session.parties} />
          {(session.gaps.length > 0 || session.anomalies.length > 0 || session.links.length > 0) && (
            <>
              <h2>Gaps, anomalies, links</h2>
              <ul>
                {session.gaps.map((g) => (
                  <li>
                    ⚠ sequences {g.from}–{g.to} never received
                  </li>
                ))}
                {session.anomalies.map((a) => (
                  <li>
                    ⚠ {a.kind}: <code>{JSON.stringify(a)}</code>
                  </li>
                ))}
                {session.links.map((l) => (
                  <li>
                    ↪ party {l.partyId} left
                    {l.telephonySessionId ? (
                      <>
                        {' '}
                        to <a href={href(['calls', l.telephonySessionId])}>{l.telephonySessionId}</a>
                      </>
                    ) : null}{' '}
                    {l.reason ?? ''}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      <h2>Audit ({audit?.length ?? '…'} notifications, log order)</h2>
      <ol class="audit">
        {audit?.map((a) => (
          <li data-testid="audit-entry">
            <details>
              <summary>
                <span class="mono">#{a.position}</span> {a.type}
                {a.sequence !== undefined ? ` · seq ${a.sequence}` : ''} · event {time(a.eventTime)} · received{' '}
                {time(a.receivedAt)} · {a.source}
                {a.parties && a.parties.length > 0 ? ` · ${a.parties.join(', ')}` : ''}
                {a.problem ? <b class="warn"> ⚠ {a.problem}</b> : null}
                <div class="after">→ {stateLine(a.state)}</div>
              </summary>
              <h3>Notification</h3>
              <pre>{JSON.stringify(a.data, null, 2)}</pre>
              <h3>State after it</h3>
              <PartyTable parties={a.state.parties} />
            </details>
          </li>
        ))}
      </ol>
    </section>
  )
}
