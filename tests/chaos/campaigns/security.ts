/**
 * Campaign `security`: with an API token and a verification token set, the real `callstate serve` binary is asked
 * every route it describes (GET /openapi.json) plus the ones it does not (/feed, the UI shell, /assets/*, HEAD
 * variants, path tricks), without a token, with a wrong one and with the right one. The promises: every route with
 * call data needs the token (public are exactly the webhook, which has its own token, /health, /openapi.json, `/`
 * and `/assets/*`); no answer carries CORS headers and no preflight is granted; no token value appears in any log
 * line after a load of authenticated webhook posts and failed attempts; and `npm audit` (production dependencies)
 * has nothing high or critical. Size: the requests of that load.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { Campaign, CampaignContext, CampaignResult } from '../campaign.js'
import { spawnServe } from '../serve-child.js'
import { logOf, syntheticNotifications } from '../../test/serve-helpers.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')

/** Routes anyone may call: the webhook (its own token), health, the API description, the UI shell and its files. */
const isPublic = (method: string, route: string): boolean =>
  (method === 'POST' && route === '/webhook') ||
  ((method === 'GET' || method === 'HEAD') &&
    (route === '/health' || route === '/openapi.json' || route === '/' || route.startsWith('/assets/')))

interface Probe {
  readonly method: string
  /** The route as described (for the report). */
  readonly route: string
  /** The URL path asked, with sample parameters. */
  readonly target: string
}

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

const ORIGIN = 'https://evil.example'

const ask = async (url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> => {
  const abort = new AbortController()
  let response: Response
  try {
    response = await fetch(url, {
      method,
      headers: { origin: ORIGIN, ...headers },
      signal: abort.signal,
      ...(body !== undefined ? { body } : {})
    })
  } catch (e) {
    // No answer at all (the connection closed): status 0.
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e)
    return { status: 0, headers: new Headers(), body: `no answer: ${cause}` }
  }
  // /feed never ends: read what came first, then hang up.
  let text = ''
  if (response.headers.get('content-type')?.startsWith('text/event-stream') === true) {
    const reader = response.body?.getReader()
    const first = await Promise.race([
      reader?.read(),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))
    ])
    text = first?.value === undefined ? '' : new TextDecoder().decode(first.value)
    abort.abort()
  } else text = await response.text()
  return { status: response.status, headers: response.headers, body: text }
}

/** Sample values for path parameters: a real session and extension, so a leak would carry data. */
const fill = (route: string, session: string, extension: string): string =>
  route.replace(/\{(\w+)\}/g, (_m, name: string) => (/extension/i.test(name) ? extension : session))

const npmAudit = (): Promise<string> =>
  new Promise((resolve) => {
    execFile(
      'npm',
      ['audit', '--omit=dev', '--json'],
      { cwd: ROOT, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          const report = JSON.parse(stdout) as {
            metadata?: { vulnerabilities?: Record<string, number> }
            message?: string
            error?: { code?: string; summary?: string }
          }
          const v = report.metadata?.vulnerabilities
          if (v !== undefined)
            return resolve(
              `critical ${v['critical'] ?? 0}, high ${v['high'] ?? 0}, moderate ${v['moderate'] ?? 0}, low ${v['low'] ?? 0}`
            )
          if (report.error !== undefined)
            return resolve(`not run: ${report.message ?? report.error.summary ?? report.error.code ?? 'error'}`)
        } catch {
          // fall through
        }
        resolve(`not run: ${(error?.message ?? stderr).split('\n')[0] ?? 'no answer'}`)
      }
    )
  })

export interface SecurityOptions {
  /** Run `npm audit` (needs the registry); the test suite leaves it to CI. */
  readonly audit?: boolean
}

const runSecurity = async (context: CampaignContext, options: SecurityOptions): Promise<CampaignResult> => {
  const apiToken = `api-${randomBytes(16).toString('hex')}`
  const verificationToken = `verify-${randomBytes(16).toString('hex')}`
  const wrongToken = `wrong-${randomBytes(16).toString('hex')}`
  const dataDir = path.join(context.workDir, 'data')
  const server = await spawnServe({ dataDir, logLevel: 'info', apiToken, verificationToken })
  const figures: Record<string, string | number> = {}
  const open: string[] = []
  const acknowledged: string[] = []
  let tried = 0
  const right = { authorization: `Bearer ${apiToken}` }
  const wrong = { authorization: `Bearer ${wrongToken}` }
  const webhook = `${server.url}/webhook`
  try {
    // Some data, so a leak would show: a call in progress and its extension.
    const [first] = syntheticNotifications(1, 'sec')
    if (first === undefined) throw new Error('no notification')
    const stored = await fetch(webhook, {
      method: 'POST',
      body: first.text,
      headers: { 'content-type': 'application/json', 'verification-token': verificationToken }
    })
    if (stored.status === 200) acknowledged.push(first.uuid)
    const session = `s-${first.uuid}`
    const extension = '62242421016'

    // Every route the server describes, and the ones it does not.
    const description = await ask(`${server.url}/openapi.json`, 'GET', {})
    const paths = (JSON.parse(description.body) as { paths: Record<string, Record<string, unknown>> }).paths
    const probes: Probe[] = []
    for (const [route, methods] of Object.entries(paths))
      for (const method of Object.keys(methods))
        probes.push({ method: method.toUpperCase(), route, target: fill(route, session, extension) })
    const described = new Set(probes.map((p) => `${p.method} ${p.route}`))
    for (const extra of ['/feed', '/', '/assets/index.js', '/metrics'])
      if (!described.has(`GET ${extra}`)) probes.push({ method: 'GET', route: extra, target: extra })
    // HEAD of every GET, and spellings that should not reach another handler.
    for (const p of [...probes])
      if (p.method === 'GET') probes.push({ method: 'HEAD', route: p.route, target: p.target })
    for (const trick of ['/feed/', '//feed', '/FEED', '/calls/active/', '/calls//active', '/calls/active?x=1'])
      probes.push({ method: 'GET', route: trick, target: trick })
    context.log(`routes: ${probes.length} route and method pairs, 3 ways each`)

    let refused = 0
    let mustRefuse = 0
    let cors = 0
    const leaks: string[] = []
    const notServedWithToken: string[] = []
    for (const p of probes) {
      const target = `${server.url}${p.target}`
      const body = p.method === 'POST' ? first.text : undefined
      const json: Record<string, string> = body !== undefined ? { 'content-type': 'application/json' } : {}
      const none = await ask(target, p.method, json, body)
      const bad = await ask(target, p.method, { ...json, ...wrong }, body)
      const good = await ask(target, p.method, { ...json, ...right }, body)
      tried += 3
      for (const [how, a] of [
        ['without a token', none],
        ['with a wrong token', bad],
        ['with the token', good]
      ] as const)
        if (a.status === 0 || a.status >= 500) open.push(`${p.method} ${p.target} ${how}: ${a.status} ${a.body}`)
      for (const a of [none, bad, good]) if (a.headers.get('access-control-allow-origin') !== null) cors++
      const where = `${p.method} ${p.target}`
      if (p.route === '/webhook') {
        // Its own token: the API token is no substitute for it.
        if (none.status !== 401 || bad.status !== 401 || good.status !== 401)
          leaks.push(`${where} accepted a notification without its verification token`)
        continue
      }
      if (isPublic(p.method, p.route)) {
        if (none.status === 401) notServedWithToken.push(`${where} (public) refused without a token`)
        continue
      }
      mustRefuse++
      const refusedBoth = none.status === 401 && bad.status === 401
      // An unknown spelling may also be a plain 404 (no route, no data).
      const harmless = (a: Answer): boolean => a.status === 401 || (a.status === 404 && !a.body.includes(session))
      if (refusedBoth) refused++
      else if (!(harmless(none) && harmless(bad)))
        leaks.push(`${where}: ${none.status} without a token, ${bad.status} with a wrong one`)
      else refused++
      if (good.status === 401) notServedWithToken.push(`${where} refused the right token`)
    }
    // Preflight: a browser on another origin asking to read with the token.
    let preflightsGranted = 0
    for (const route of ['/calls/active', '/feed', '/sessions', '/webhook']) {
      const answer = await ask(`${server.url}${route}`, 'OPTIONS', {
        'access-control-request-method': route === '/webhook' ? 'POST' : 'GET',
        'access-control-request-headers': 'authorization'
      })
      tried++
      if (
        answer.headers.get('access-control-allow-origin') !== null ||
        answer.headers.get('access-control-allow-methods') !== null ||
        (answer.status >= 200 && answer.status < 300)
      )
        preflightsGranted++
    }
    figures['route and method pairs probed'] = probes.length
    figures['needing the token: refused without / with a wrong token'] = `${refused} / ${mustRefuse}`
    figures['leaks (answered without the right token)'] = leaks.length
    figures['CORS headers seen'] = cors
    figures['preflights granted'] = preflightsGranted
    figures['/metrics'] = probes.some((p) => p.route === '/metrics') ? 'behind the token' : 'not found'
    open.push(...leaks, ...notServedWithToken)
    if (cors > 0) open.push(`${cors} answers carried Access-Control-Allow-Origin`)
    if (preflightsGranted > 0) open.push(`${preflightsGranted} preflight requests were granted`)

    // A load: authenticated webhook posts (verification token, and the API token sent along), and failed attempts.
    context.log(`secrets: ${context.size} requests with tokens, then the log is searched for them`)
    const load = syntheticNotifications(Math.ceil(context.size / 2), 'sec-load')
    let failedAttempts = 0
    for (let i = 0; i < load.length; i += 16) {
      await Promise.all(
        load.slice(i, i + 16).map(async (n, j) => {
          const response = await fetch(webhook, {
            method: 'POST',
            body: n.text,
            headers: {
              'content-type': 'application/json',
              'verification-token': verificationToken,
              authorization: `Bearer ${apiToken}`
            }
          })
          await response.arrayBuffer()
          if (response.status === 200) acknowledged.push(n.uuid)
          // A failed attempt beside each: a wrong verification token, or the API token where the webhook's belongs.
          const wrongOne = (i + j) % 2 === 0 ? wrongToken : apiToken
          const refusedPost = await fetch(webhook, {
            method: 'POST',
            body: n.text,
            headers: { 'content-type': 'application/json', 'verification-token': wrongOne }
          })
          await refusedPost.arrayBuffer()
          const refusedGet = await fetch(`${server.url}/calls/active`, {
            headers: { authorization: `Bearer ${wrongOne === apiToken ? verificationToken : wrongToken}` }
          })
          await refusedGet.arrayBuffer()
          if (refusedPost.status === 401 && refusedGet.status === 401) failedAttempts += 2
        })
      )
    }
    tried += load.length * 3
    figures['webhook posts with both tokens: answered 200'] = `${acknowledged.length - 1} / ${load.length}`
    figures['failed auth attempts (answered 401)'] = failedAttempts
  } finally {
    await server.stop()
  }
  const logs = `${server.stdout()}\n${server.stderr()}`
  const occurrences = (secret: string): number => logs.split(secret).length - 1
  const secretsInLogs = occurrences(apiToken) + occurrences(verificationToken)
  figures['log lines searched'] = logs.split('\n').filter((l) => l.trim() !== '').length
  figures['secret occurrences in the logs'] = secretsInLogs
  figures['wrong token occurrences in the logs'] = occurrences(wrongToken)
  if (secretsInLogs > 0) open.push(`the tokens appear ${secretsInLogs} times in the server's log`)
  if (options.audit !== false) {
    context.log('npm audit --omit=dev')
    figures['npm audit (production dependencies)'] = await npmAudit()
  }
  const exit = await server.exited
  const crashes = exit.code === 0 ? 0 : 1
  const log = await logOf(dataDir)
  const uuids = new Map<string, number>()
  for (const e of log)
    if (e.metadata.uuid !== undefined) uuids.set(e.metadata.uuid, (uuids.get(e.metadata.uuid) ?? 0) + 1)
  return {
    tried,
    faults: 0,
    lost: acknowledged.filter((u) => !uuids.has(u)).length,
    duplicates: [...uuids.values()].filter((n) => n > 1).length,
    crashes,
    figures,
    open
  }
}

export const securityCampaign = (options: SecurityOptions = {}): Campaign => ({
  name: 'security',
  describe:
    'with an API token set, every route with call data refuses requests without it (or with a wrong one), no CORS, ' +
    'no token in any log line under load and failed attempts, npm audit of the production dependencies',
  defaultSize: 1000,
  unit: 'requests',
  run: (context) => runSecurity(context, options)
})

export const security: Campaign = securityCampaign()
