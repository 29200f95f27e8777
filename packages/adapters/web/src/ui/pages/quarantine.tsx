/** Quarantine: what could not be logged as a notification, and why (GET /quarantine). */
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api'
import { dateTime } from '../format'
import type { QuarantineItem } from '../types'

export const QuarantinePage = () => {
  const [items, setItems] = useState<QuarantineItem[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [resolved, setResolved] = useState('false')
  useEffect(() => {
    setItems(null)
    api<QuarantineItem[]>('/quarantine', resolved === '' ? {} : { resolved })
      .then((x) => (setItems(x), setError(null)))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
  }, [resolved])
  return (
    <section>
      <div class="page-head">
        <h1>Quarantine</h1>
        <label>
          Show{' '}
          <select value={resolved} onChange={(e) => setResolved((e.target as HTMLSelectElement).value)}>
            <option value="false">unresolved</option>
            <option value="true">resolved</option>
            <option value="">all</option>
          </select>
        </label>
      </div>
      {error !== null && <p class="error">{error}</p>}
      {items !== null && items.length === 0 && <p class="empty">Nothing here.</p>}
      <ol class="audit">
        {items?.map((i) => (
          <li>
            <details>
              <summary>
                <span class="mono">#{i.position}</span> {dateTime(i.receivedAt)} · <b>{i.reason}</b> · {i.source}
                {i.resolved ? ' · ✔ resolved' : ''} — <code>{i.preview}</code>
              </summary>
              <ul>
                {i.reasons.map((r) => (
                  <li>{r}</li>
                ))}
              </ul>
              <pre>{i.raw}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  )
}
