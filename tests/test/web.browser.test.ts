/**
 * The live board in a real browser: headless Chromium from the system packages (/usr/bin/chromium; `.ci/run`
 * installs it) driven by playwright-core, against the real `serve` (real SQLite store, real HTTP server on loopback,
 * the built `@callstate/web` files). Real captures are posted to the webhook with their times moved to now (so the
 * calls are live, not stale), and the page must show them as the API does. Screenshots of each page are written to
 * docs/screenshots/ (shown in the README).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chromium, type Browser, type Page } from 'playwright-core'
import { secret } from '@callstate/ringcentral'
import { json, P01, P02, P03, PAYLOADS, post, startTestServer, type TestServer } from './serve-helpers.js'
import { startRingCentralDouble, until } from './doubles/ringcentral/index.js'

const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots')

type Rec = Record<string, unknown>
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A capture's notifications with every time moved so that its first event happened `agoMs` before now. */
const liveCapture = (file: string, agoMs: number, suffix: string): string[] => {
  const value: unknown = JSON.parse(readFileSync(path.join(PAYLOADS, file), 'utf8'))
  const items = Array.isArray(value) ? value.filter(isRec) : []
  const firstBody = items[0]?.['body']
  const eventTime = isRec(firstBody) && typeof firstBody['eventTime'] === 'string' ? firstBody['eventTime'] : undefined
  const first = Date.parse(eventTime ?? String(items[0]?.['timestamp']))
  const shift = Date.now() - agoMs - first
  const moved = (iso: unknown): unknown =>
    typeof iso === 'string' && Number.isFinite(Date.parse(iso)) ? new Date(Date.parse(iso) + shift).toISOString() : iso
  return items.map((n) => {
    const body = isRec(n['body']) ? n['body'] : {}
    return JSON.stringify({
      ...n,
      uuid: `${String(n['uuid'])}-${suffix}`,
      timestamp: moved(n['timestamp']),
      body: { ...body, eventTime: moved(body['eventTime']) }
    })
  })
}

const sessionIdOf = (text: string): string => {
  const n: unknown = JSON.parse(text)
  const body = isRec(n) && isRec(n['body']) ? n['body'] : {}
  return String(body['telephonySessionId'])
}

let browser: Browser | undefined

const open = async (server: TestServer, hash = '#/', viewport = { width: 1280, height: 800 }): Promise<Page> => {
  if (browser === undefined) throw new Error('no browser')
  const page = await browser.newPage({ viewport })
  await page.goto(`${server.url}/${hash}`)
  return page
}

const shot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) })
}

test.before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install it (apt-get install -y chromium); .ci/run does this by itself`)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-dev-shm-usage']
  })
})

test.after(async () => {
  await browser?.close()
})

test('the board: a call appears within a second of its first notification, its status changes, its clock ticks, it leaves when it ends', async () => {
  const server = await startTestServer()
  try {
    const page = await open(server)
    await page.getByTestId('board').waitFor({ state: 'attached' })
    const call = liveCapture(P03, 30_000, 'board')
    const id = sessionIdOf(call[0] ?? '{}')
    const row = page.locator(`[data-testid="call-row"][data-session-id="${id}"]`)
    const posted = Date.now()
    assert.is((await post(`${server.url}/webhook`, call[0] ?? '')).status, 200)
    await row.waitFor({ timeout: 1_000 })
    assert.ok(Date.now() - posted < 1_000)
    const statusBefore = await row.getByTestId('call-status').innerText()
    for (const n of call.slice(1, 5)) await post(`${server.url}/webhook`, n)
    await page.waitForFunction(
      ([sel, before]) =>
        document.querySelector(sel)?.querySelector('[data-testid="call-status"]')?.textContent !== before,
      [`[data-testid="call-row"][data-session-id="${id}"]`, statusBefore] as const,
      { timeout: 2_000 }
    )
    // Answered: the talking clock runs in the browser with no further event.
    const selector = `[data-testid="call-row"][data-session-id="${id}"] [data-testid="call-clock"]`
    await page.waitForFunction((sel) => /talking/.test(document.querySelector(sel)?.textContent ?? ''), selector, {
      timeout: 2_000
    })
    const clock1 = await row.getByTestId('call-clock').innerText()
    await page.waitForFunction(
      ([sel, before]) => (document.querySelector(sel)?.textContent ?? before) !== before,
      [selector, clock1] as const,
      { timeout: 3_000 }
    )
    const clock2 = await row.getByTestId('call-clock').innerText()
    assert.is.not(clock2, clock1, 'the clock ticks between events')
    await shot(page, 'board')
    for (const n of call.slice(5)) await post(`${server.url}/webhook`, n)
    await row.waitFor({ state: 'detached', timeout: 5_000 })
    await page.close()
  } finally {
    await server.stop()
  }
})

const P06 = '06-direct-call-vs-call-queue-call-first-events.json'
const P09 = '09-inbound-unanswered-to-voicemail-presence-plus-message-store.json'

test('the wallboard tiles show the numbers /queues gives', async () => {
  const server = await startTestServer()
  try {
    // capture 06's second call rings an agent through a call queue: a call waiting now
    for (const n of [...liveCapture(P01, 600_000, 'q1'), ...liveCapture(P06, 300_000, 'q6')])
      await post(`${server.url}/webhook`, n)
    const answer = await json(await fetch(`${server.url}/queues`))
    const rows = (Array.isArray(answer) ? answer : []).filter(isRec)
    assert.ok(rows.length >= 1, `a queue in /queues: ${JSON.stringify(answer)}`)
    const page = await open(server, '#/queues')
    const tiles = page.getByTestId('queue-tile')
    await tiles.first().waitFor()
    assert.is(await tiles.count(), rows.length)
    for (const row of rows) {
      const tile = page.locator(`[data-testid="queue-tile"][data-queue="${String(row['queue'])}"]`)
      const text = await tile.innerText()
      for (const [label, field] of [
        ['Waiting now', 'waitingNow'],
        ['Agents on a call', 'agentsOnCall'],
        ['Answered today', 'answered']
      ] as const)
        assert.match(text, new RegExp(`${label}\\s+${String(row[field])}\\b`), `${label} in ${text}`)
    }
    await shot(page, 'queues')
    await page.close()
  } finally {
    await server.stop()
  }
})

test('call detail and audit: the raw notifications in log order, as /sessions/:id/audit lists them', async () => {
  const server = await startTestServer()
  try {
    const call = liveCapture(P01, 120_000, 'audit')
    for (const n of call) await post(`${server.url}/webhook`, n)
    const id = sessionIdOf(call[0] ?? '{}')
    const audit = await json(await fetch(`${server.url}/sessions/${id}/audit`))
    const entries =
      isRec(audit) && Array.isArray(audit['entries']) ? audit['entries'] : Array.isArray(audit) ? audit : []
    assert.ok(entries.length >= call.length)
    const page = await open(server, `#/calls/${id}`)
    await page.getByTestId('audit-entry').first().waitFor()
    assert.is(await page.getByTestId('audit-entry').count(), entries.length)
    await shot(page, 'call-detail')
    await page.close()
  } finally {
    await server.stop()
  }
})

test('presence: a lane per extension, with its presence changes and its calls', async () => {
  const server = await startTestServer()
  try {
    const call = liveCapture(P02, 120_000, 'presence')
    for (const n of [...call, ...liveCapture(P09, 300_000, 'presence9')]) await post(`${server.url}/webhook`, n)
    // 133165004 (capture 09) has presence and no call: added by hand, as a user types it in
    const page = await open(server, '#/presence?ext=133165004')
    const withPresence = page.locator('[data-testid="presence-lane"][data-extension="133165004"]')
    await withPresence.locator('.seg').first().waitFor({ timeout: 5_000 })
    assert.match(await withPresence.innerText(), /Ringing|NoCall/)
    const withCall = page.locator('[data-testid="presence-lane"][data-extension="809646016"]')
    await withCall
      .locator(`a[href*="${sessionIdOf(call[0] ?? '{}')}"]`)
      .first()
      .waitFor({ timeout: 5_000 })
    await shot(page, 'presence')
    await page.goto(`${server.url}/#/stats`)
    await page.getByTestId('stats-table').waitFor()
    await shot(page, 'stats')
    await page.close()
  } finally {
    await server.stop()
  }
})

test('with --api-token the page asks for the token once, then shows the board', async () => {
  const server = await startTestServer({ apiToken: 'board-token' })
  try {
    const call = liveCapture(P03, 30_000, 'token')
    await post(`${server.url}/webhook`, call[0] ?? '')
    const page = await open(server)
    await page.getByTestId('token-form').waitFor()
    await shot(page, 'token')
    await page.getByTestId('token-input').fill('board-token')
    await page.getByTestId('token-input').press('Enter')
    await page.locator(`[data-testid="call-row"][data-session-id="${sessionIdOf(call[0] ?? '{}')}"]`).waitFor()
    // The live feed is authenticated too: a new call arrives without a reload.
    const second = liveCapture(P02, 10_000, 'token2')
    await post(`${server.url}/webhook`, second[0] ?? '')
    await page
      .locator(`[data-testid="call-row"][data-session-id="${sessionIdOf(second[0] ?? '{}')}"]`)
      .waitFor({ timeout: 2_000 })
    await page.close()
  } finally {
    await server.stop()
  }
})

test('at a phone width the board fits the screen, and it works from the keyboard alone', async () => {
  const server = await startTestServer()
  try {
    const call = liveCapture(P01, 60_000, 'phone')
    for (const n of call.slice(0, 3)) await post(`${server.url}/webhook`, n)
    const id = sessionIdOf(call[0] ?? '{}')
    const page = await open(server, '#/', { width: 390, height: 844 })
    await page.locator(`[data-testid="call-row"][data-session-id="${id}"]`).waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `no sideways scrolling (${overflow} px too wide)`)
    await shot(page, 'board-phone')
    // Tab through the page until the call's details link has the focus, then Enter opens the call.
    let reached = false
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(
        (sessionId) => (document.activeElement?.getAttribute('href') ?? '').includes(sessionId),
        id
      )
    }
    assert.ok(reached, "the call's details link is reachable with Tab")
    const outline = await page.evaluate(() => {
      const el = document.activeElement
      return el === null ? 'none' : getComputedStyle(el).outlineStyle
    })
    assert.is.not(outline, 'none', 'the focused link shows a focus outline')
    await page.keyboard.press('Enter')
    await page.getByTestId('audit-entry').first().waitFor()
    assert.ok(page.url().includes(`#/calls/${id}`))
    await page.close()
  } finally {
    await server.stop()
  }
})

test('the health strip shows the RingCentral connection when serve is connected', async () => {
  const double = await startRingCentralDouble()
  const server = await startTestServer({
    ringCentral: {
      credentials: {
        serverUrl: double.url,
        clientId: double.clientId,
        clientSecret: secret(double.clientSecret),
        jwt: secret(double.jwt)
      },
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
      reconcileAfterMs: 600_000,
      tuning: { gatewayCheckMs: 100 }
    }
  })
  try {
    await until('the subscription', () => server.connector?.status().connected === true, 10_000)
    const page = await open(server)
    await page.getByTestId('health-strip').getByText('RingCentral websocket: ✔ connected').waitFor({ timeout: 7_000 })
    await page.close()
  } finally {
    await server.stop()
    await double.close()
  }
})

test.run()
