/** One timer for the whole page: clocks re-render once a second between events. */
import { store, useStore } from '../store'
import { duration } from '../format'

const now = store(Date.now())
let timer: ReturnType<typeof setInterval> | undefined
let users = 0

export const useNow = (): number => {
  return useStore(now)
}

/** Starts the tick while at least one ticking component is mounted. */
export const startTicking = (): (() => void) => {
  users++
  if (timer === undefined) timer = setInterval(() => now.set(Date.now()), 1000)
  return () => {
    users--
    if (users === 0 && timer !== undefined) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

/** `label 1:23`, counting up from `baseMs` at `sinceClient` (client clock: no skew with the server's). */
export const Clock = ({
  label,
  baseMs,
  sinceClient,
  running,
  testid
}: {
  label: string
  baseMs: number
  sinceClient: number
  running: boolean
  testid?: string
}) => {
  const t = useNow()
  const ms = baseMs + (running ? Math.max(0, t - sinceClient) : 0)
  return (
    <span class="clock" data-testid={testid}>
      <span class="clock-label">{label}</span> <time>{duration(ms)}</time>
    </span>
  )
}
