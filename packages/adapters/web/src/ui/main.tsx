/** The browser UI: a health strip, the navigation and one page per route (hash routing). */
import { render } from 'preact'
import { useEffect } from 'preact/hooks'
import 'uplot/dist/uPlot.min.css'
import './styles.css'
import { auth } from './api'
import { startTicking } from './components/clock'
import { HealthStrip } from './components/health'
import { TokenForm } from './components/token-form'
import { CallPage } from './pages/call'
import { NowPage } from './pages/now'
import { PresencePage } from './pages/presence'
import { QuarantinePage } from './pages/quarantine'
import { QueuesPage } from './pages/queues'
import { StatsPage } from './pages/stats'
import { useRoute, type Route } from './router'
import { useStore } from './store'

const NAV: ReadonlyArray<[string, string, string]> = [
  ['', '#/', 'Now'],
  ['queues', '#/queues', 'Queues'],
  ['presence', '#/presence', 'Presence'],
  ['stats', '#/stats', 'Stats']
]

const Page = ({ route }: { route: Route }) => {
  const [first = '', second] = route.path
  if (first === '') return <NowPage route={route} />
  if (first === 'queues') return <QueuesPage />
  if (first === 'presence') return <PresencePage route={route} />
  if (first === 'stats') return <StatsPage route={route} />
  if (first === 'quarantine') return <QuarantinePage />
  if (first === 'calls' && second !== undefined) return <CallPage id={second} route={route} />
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page at <code>{location.hash}</code>. <a href="#/">Back to the board</a>.
      </p>
    </section>
  )
}

const App = () => {
  const route = useRoute()
  const { needed, refused, epoch } = useStore(auth)
  useEffect(() => startTicking(), [])
  const current = route.path[0] ?? ''
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          callstate
        </a>
        <nav aria-label="Pages">
          {NAV.map(([key, link, label]) => (
            <a href={link} aria-current={current === key ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <HealthStrip />
      </header>
      <main id="main">{needed ? <TokenForm refused={refused} /> : <Page route={route} key={epoch} />}</main>
    </>
  )
}

const root = document.getElementById('app')
if (root !== null) render(<App />, root)
