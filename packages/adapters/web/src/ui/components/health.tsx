/** The health strip on every page: log head, projection lag, quarantine count, feed and RingCentral connection. */
import { useEffect, useState } from 'preact/hooks'
import { api, auth } from '../api'
import { feedState } from '../feed'
import { useStore } from '../store'
import type { Health, QuarantineItem } from '../types'

const EVERY_MS = 5000

export const HealthStrip = () => {
  const [health, setHealth] = useState<Health | null>(null)
  const [down, setDown] = useState<string | null>(null)
  const [quarantined, setQuarantined] = useState<number | null>(null)
  const feed = useStore(feedState)
  const { epoch } = useStore(auth)
  useEffect(() => {
    let alive = true
    const tick = async (): Promise<void> => {
      try {
        // /health answers 503 with the same shape when the store or the read models are down
        const res = await fetch('/health', { cache: 'no-store' })
        const body = (await res.json()) as Health
        if (alive) {
          setHealth(body)
          setDown(null)
        }
      } catch (e) {
        if (alive) setDown(String(e))
      }
      try {
        const items = await api<QuarantineItem[]>('/quarantine', { resolved: false })
        if (alive) setQuarantined(items.length)
      } catch {
        if (alive) setQuarantined(null)
      }
    }
    void tick()
    const t = setInterval(() => void tick(), EVERY_MS)
    return () => ((alive = false), clearInterval(t))
  }, [epoch])
  const lag = health?.projections.lag
  const c = health?.connection
  return (
    <aside class="health" data-testid="health-strip" aria-label="Server health">
      {down !== null ? (
        <span class="hs-item warn">⚠ server unreachable</span>
      ) : health === null ? (
        <span class="hs-item">…</span>
      ) : (
        <>
          <span class={`hs-item ${health.status === 'ok' ? '' : 'warn'}`}>
            {health.status === 'ok' ? '✔' : '⚠'} {health.status}
          </span>
          <span class="hs-item">
            log head <b>{health.store.head ?? '–'}</b>
          </span>
          <span class={`hs-item ${lag !== undefined && lag > 100 ? 'warn' : ''}`}>
            lag <b>{lag ?? '–'}</b>
          </span>
          <a class={`hs-item ${quarantined ? 'warn' : ''}`} href="#/quarantine">
            quarantine <b>{quarantined ?? '–'}</b>
          </a>
          {c !== undefined && (
            <span class={`hs-item ${c.connected ? '' : 'warn'}`} title={c.alerts.join('\n')}>
              RingCentral {c.mode}: {c.connected ? '✔ connected' : `⚠ ${c.state}`}
              {c.alerts.length > 0 ? ` (${c.alerts.length} alert${c.alerts.length > 1 ? 's' : ''})` : ''}
            </span>
          )}
        </>
      )}
      <span class={`hs-item ${feed === 'retrying' ? 'warn' : ''}`}>
        feed{' '}
        <b>
          {feed === 'open' ? '● live' : feed === 'retrying' ? '↻ reconnecting' : feed === 'connecting' ? '…' : '○ off'}
        </b>
      </span>
    </aside>
  )
}
