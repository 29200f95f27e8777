/**
 * Corruption: copies of a populated data directory damaged in different ways, then what callstate makes of them.
 *
 * - readmodels.db (random pages overwritten, truncated, header overwritten): `callstate doctor` must fail the read
 *   models check, and the file must be set aside and rebuilt from the log, by `serve` at start (even cycles) or by
 *   `callstate rebuild` (odd cycles); `callstate verify` then equals a rebuild at the log's head.
 * - events.db (random pages overwritten, truncated): `doctor` must fail the log check and say how many events can
 *   still be read, and `serve` must refuse to start (exit 1, one line): a damaged log is never served.
 * - events.db-wal cut short (a copy taken while `serve` runs): SQLite drops the commits of the cut frames without an
 *   error (that is how a WAL works); detected when the read models are ahead of the shortened log (`doctor` fails,
 *   `serve` sets the read models aside and rebuilds them).
 * A damage that changes nothing readable (a free page overwritten, a cut after the last commit) counts as
 * "no effect"; one that changes what is read and is not detected counts as undetected.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Campaign, CampaignResult } from '../campaign.js'
import {
  BIN,
  logOf,
  payloadTexts,
  post,
  serveProcess,
  syntheticNotifications,
  P01,
  P02,
  P03
} from '../../test/serve-helpers.js'
import { readLog } from '../../test/cli-helpers.js'

interface Cli {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const cliRun = (args: ReadonlyArray<string>): Promise<Cli> =>
  new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_')))
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

/** A small seeded PRNG (mulberry32): the same cycle damages the same bytes. */
const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PAGE = 4096
/** Posts committed into a fresh WAL before the hot copy is taken. */
const WAL_POSTS = 20

const overwritePages = (file: string, random: () => number, count: number): string => {
  const pages = Math.floor(fs.statSync(file).size / PAGE)
  const fd = fs.openSync(file, 'r+')
  const hit: number[] = []
  try {
    for (let i = 0; i < count && pages > 1; i++) {
      const page = 1 + Math.floor(random() * (pages - 1)) // never page 0 (the header): that is its own kind
      const bytes = Buffer.from(Array.from({ length: PAGE }, () => Math.floor(random() * 256)))
      fs.writeSync(fd, bytes, 0, PAGE, page * PAGE)
      hit.push(page + 1)
    }
  } finally {
    fs.closeSync(fd)
  }
  return `pages ${hit.sort((a, b) => a - b).join(',')} of ${pages}`
}

const truncate = (file: string, random: () => number): string => {
  const size = fs.statSync(file).size
  const to = Math.floor(size * (0.2 + 0.6 * random()))
  fs.truncateSync(file, to)
  return `${size} -> ${to} bytes`
}

const overwriteHeader = (file: string, random: () => number): string => {
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, Buffer.from(Array.from({ length: 100 }, () => Math.floor(random() * 256))), 0, 100, 0)
  fs.closeSync(fd)
  return 'first 100 bytes'
}

type Target = 'read models' | 'log' | 'wal'

interface Kind {
  readonly name: string
  readonly target: Target
  /** Damages the copy; says what it did. */
  readonly damage: (dir: string, random: () => number) => string
}

const KINDS: ReadonlyArray<Kind> = [
  {
    name: 'readmodels.db pages overwritten',
    target: 'read models',
    damage: (d, r) => overwritePages(path.join(d, 'readmodels.db'), r, 1 + Math.floor(r() * 4))
  },
  {
    name: 'readmodels.db truncated',
    target: 'read models',
    damage: (d, r) => truncate(path.join(d, 'readmodels.db'), r)
  },
  {
    name: 'readmodels.db header overwritten',
    target: 'read models',
    damage: (d, r) => overwriteHeader(path.join(d, 'readmodels.db'), r)
  },
  {
    name: 'events.db pages overwritten',
    target: 'log',
    damage: (d, r) => overwritePages(path.join(d, 'events.db'), r, 1 + Math.floor(r() * 4))
  },
  { name: 'events.db truncated', target: 'log', damage: (d, r) => truncate(path.join(d, 'events.db'), r) },
  { name: 'events.db-wal truncated', target: 'wal', damage: (d, r) => truncate(path.join(d, 'events.db-wal'), r) }
]

interface DoctorCheck {
  readonly check: string
  readonly status: string
  readonly detail: string
  readonly figures?: Record<string, unknown>
}

const doctor = async (dir: string): Promise<{ code: number | null; checks: DoctorCheck[] }> => {
  const r = await cliRun(['--data-dir', dir, 'doctor', '--json'])
  try {
    const parsed = JSON.parse(r.stdout) as { checks: DoctorCheck[] }
    return { code: r.code, checks: parsed.checks }
  } catch {
    return { code: r.code, checks: [] }
  }
}

const copyFiles = (from: string, to: string, files: ReadonlyArray<string>): void => {
  fs.mkdirSync(to, { recursive: true })
  for (const f of files) if (fs.existsSync(path.join(from, f))) fs.copyFileSync(path.join(from, f), path.join(to, f))
}

const idsOf = async (dir: string): Promise<string | undefined> => {
  try {
    return (await logOf(dir)).map((e) => e.id).join(',')
  } catch {
    return undefined
  }
}

/** Waits until `serve` at `url` reports its projections caught up with the log (lag 0); false after ~20 s. */
const caughtUp = async (url: string): Promise<boolean> => {
  for (let i = 0; i < 400; i++) {
    try {
      const r = await fetch(`${url}/health`)
      const body = (await r.json()) as { projections?: { lag?: number } }
      if (body.projections?.lag === 0) return true
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

export const corruption: Campaign = {
  name: 'corruption',
  describe:
    'copies of a populated data directory with pages of readmodels.db / events.db overwritten, files truncated, ' +
    'the WAL cut short: damaged read models are detected and rebuilt from the log; a damaged log is detected, ' +
    'reported with what can still be read, and never served',
  defaultSize: 10,
  unit: 'corruptions',
  run: async ({ size, workDir, log }): Promise<CampaignResult> => {
    // A populated data directory: real captures and synthetic calls through the real serve binary. Two copies are
    // taken while serve runs, idle and caught up: "hot" with its WAL files, and "settled" (WALs checkpointed).
    const started = performance.now()
    const base = path.join(workDir, 'base')
    const hot = path.join(workDir, 'hot')
    const settled = path.join(workDir, 'settled')
    const serve = await serveProcess(base)
    let crashes = 0
    const acked: string[] = []
    try {
      const texts = [...payloadTexts(P01), ...payloadTexts(P02), ...payloadTexts(P03)]
      const synthetic = syntheticNotifications(150, 'corrupt').map((n) => n.text)
      for (const text of [...texts, ...synthetic]) {
        const r = await post(`${serve.url}/webhook`, text)
        await r.text()
        if (r.status === 200) acked.push(text)
      }
      // A WAL that holds commits not yet in events.db: checkpoint it away (`doctor --checkpoint`, while serve runs),
      // then a few more posts, each its own commit in the fresh WAL.
      await cliRun(['--data-dir', base, 'doctor', '--checkpoint'])
      for (const n of syntheticNotifications(WAL_POSTS, 'corrupt-wal')) {
        const r = await post(`${serve.url}/webhook`, n.text)
        await r.text()
        if (r.status === 200) acked.push(n.text)
      }
      if (!(await caughtUp(serve.url))) throw new Error('serve did not catch up with its log')
      const files = ['events.db', 'events.db-wal', 'readmodels.db', 'readmodels.db-wal']
      copyFiles(base, hot, files)
      copyFiles(base, settled, files)
    } finally {
      serve.process.kill('SIGTERM')
      if ((await serve.exited) !== 0) crashes++
    }
    // Settle: open and close each file once (the last connection checkpoints its WAL into it and removes it).
    const settledLog = await readLog(settled)
    const originalIds = settledLog.map((e) => e.id).join(',')
    await cliRun(['--data-dir', settled, 'doctor', '--checkpoint'])
    const hotWal = fs.existsSync(path.join(hot, 'events.db-wal'))
      ? fs.statSync(path.join(hot, 'events.db-wal')).size
      : 0
    log(
      `populated in ${((performance.now() - started) / 1000).toFixed(1)} s: ${settledLog.length} events (${acked.length} acknowledged posts), hot WAL ${hotWal} bytes`
    )

    const counts = { detected: 0, rebuiltByServe: 0, rebuiltByRebuild: 0, refusedByServe: 0, noEffect: 0 }
    const undetected: string[] = []
    const problems: string[] = []
    const readable: string[] = []
    for (let i = 0; i < size; i++) {
      const kind = KINDS[i % KINDS.length]
      if (kind === undefined) continue
      const random = prng(1000 + i)
      const dir = path.join(workDir, `c${i}`)
      fs.cpSync(kind.target === 'wal' ? hot : settled, dir, { recursive: true })
      const what = kind.damage(dir, random)
      const label = `#${i} ${kind.name} (${what})`
      // Did it change what can be read? (Read through a copy: opening checkpoints the WAL into the file.)
      const probe = path.join(workDir, `c${i}-probe`)
      fs.cpSync(dir, probe, { recursive: true })
      const ids = kind.target === 'read models' ? originalIds : await idsOf(probe)
      fs.rmSync(probe, { recursive: true, force: true })
      const logChanged = ids !== originalIds
      const d = await doctor(dir)
      const checkOf = (name: string): DoctorCheck | undefined => d.checks.find((c) => c.check === name)
      if (kind.target === 'read models') {
        const detected = checkOf('read models')?.status === 'fail' && d.code === 1
        if (!detected) {
          undetected.push(`${label}: doctor says ${JSON.stringify(checkOf('read models'))}`)
          continue
        }
        counts.detected++
        // Rebuilt from the log: by serve at start (even cycles) or by `callstate rebuild` (odd ones).
        if (i % 2 === 0) {
          const s = await serveProcess(dir)
          const ok = await caughtUp(s.url)
          s.process.kill('SIGTERM')
          if ((await s.exited) !== 0) crashes++
          if (!ok) problems.push(`${label}: serve did not rebuild the read models`)
        } else {
          const r = await cliRun(['--data-dir', dir, 'rebuild'])
          if (r.code !== 0) problems.push(`${label}: rebuild exited ${r.code}: ${r.stderr.trim()}`)
        }
        const v = await cliRun(['--data-dir', dir, 'verify', '--json'])
        const verified = v.code === 0 && (JSON.parse(v.stdout || '{}') as { events?: number }).events !== undefined
        const setAside = fs.readdirSync(dir).some((f) => f.startsWith('readmodels.db.damaged-'))
        if (verified && setAside) {
          if (i % 2 === 0) counts.rebuiltByServe++
          else counts.rebuiltByRebuild++
        } else
          problems.push(`${label}: not rebuilt (verify exit ${v.code}: ${v.stderr.trim()}; set aside: ${setAside})`)
        log(`${label}: detected, rebuilt by ${i % 2 === 0 ? 'serve' : 'rebuild'}`)
        continue
      }
      const logCheck = checkOf('log')
      const rmCheck = checkOf('read models')
      if (kind.target === 'log') {
        if (logCheck?.status !== 'fail') {
          if (logChanged) undetected.push(`${label}: doctor says ${JSON.stringify(logCheck)}`)
          else counts.noEffect++
          log(`${label}: ${logChanged ? 'UNDETECTED' : 'no effect on what is read'}`)
          continue
        }
        counts.detected++
        readable.push(`${String(logCheck.figures?.['readable'] ?? '?')}/${settledLog.length}`)
        const s = await cliRun(['--data-dir', dir, 'serve', '--port', '0'])
        const lines = s.stderr.split('\n').filter((l) => l.trim() !== '')
        if (s.code === 1 && lines.length === 1 && /integrity check/.test(s.stderr)) counts.refusedByServe++
        else problems.push(`${label}: serve on a damaged log exited ${s.code}: ${s.stderr.trim().slice(0, 300)}`)
        log(`${label}: detected (${logCheck.detail.slice(0, 160)}), serve refused`)
        continue
      }
      // The WAL cut short: commits of the cut frames are gone; the read models (ahead of the log) tell.
      if (!logChanged) {
        counts.noEffect++
        log(`${label}: no effect on what is read`)
        continue
      }
      if (rmCheck?.status === 'fail' && /ahead|ends at/.test(rmCheck.detail)) {
        counts.detected++
        log(`${label}: detected (${rmCheck.detail.slice(0, 160)})`)
      } else undetected.push(`${label}: the log lost commits and doctor says ${JSON.stringify(d.checks)}`)
    }
    return {
      tried: size,
      faults: size,
      lost: 0,
      duplicates: 0,
      crashes,
      figures: {
        'events in the populated log': settledLog.length,
        'corruptions tried': size,
        detected: counts.detected,
        'read models rebuilt by serve at start': counts.rebuiltByServe,
        'read models rebuilt by callstate rebuild': counts.rebuiltByRebuild,
        'damaged logs refused by serve': counts.refusedByServe,
        'readable events reported for damaged logs': readable.length > 0 ? readable.join(', ') : 'none',
        'no effect (free page, cut after the last commit)': counts.noEffect,
        undetected: undetected.length
      },
      open: [...undetected.map((u) => `undetected: ${u}`), ...problems]
    }
  }
}
