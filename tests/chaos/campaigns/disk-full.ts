/**
 * Disk full: the data directory on a small tmpfs (mounted here, as root; unmounted in `finally`), the real `serve`
 * binary taking webhook posts, and a filler file that takes every free byte. While the disk is full the webhook must
 * answer 503 (never 200 for a notification it did not store) and `callstate import` must exit 1 with one clear line;
 * once the filler is deleted both go on without a restart, nothing answered 200 is missing, nothing is stored twice,
 * and SQLite's integrity check passes on both files.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { inspectSqliteFile } from '@callstate/sqlite'
import type { Campaign, CampaignResult } from '../campaign.js'
import { BIN, logOf, post, serveProcess, syntheticNotifications, type ServeChild } from '../../test/serve-helpers.js'

const MOUNT_MIB = 16
/** Posts per phase (before the fill, after the space is freed). */
const POSTS = 40
/** While full: post until this many 503s in a row (the WAL may still have room for a few commits). */
const FULL_503S = 20
const FULL_MAX_POSTS = 2000

interface Cli {
  readonly code: number | null
  readonly stderr: string
}

const cliRun = (args: ReadonlyArray<string>): Promise<Cli> =>
  new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_')))
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => resolve({ code, stderr }))
  })

/** Writes zeros to `file` until the file system refuses (ENOSPC); returns the bytes written. */
const fill = (file: string): number => {
  const chunk = Buffer.alloc(64 * 1024)
  const fd = fs.openSync(file, 'w')
  let written = 0
  try {
    for (;;) {
      try {
        written += fs.writeSync(fd, chunk)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break
        throw error
      }
    }
    // The last bytes: a partial chunk may still fit.
    for (let n = 32 * 1024; n >= 512; n /= 2)
      try {
        written += fs.writeSync(fd, chunk.subarray(0, n))
      } catch {
        // full at this size: try a smaller one
      }
  } finally {
    fs.closeSync(fd)
  }
  return written
}

const oneCleanLine = (stderr: string): boolean => {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '')
  return lines.length === 1 && !/\n\s+at /.test(stderr) && lines[0]?.startsWith('callstate: ') === true
}

const mount = (dir: string): string | undefined => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_MIB}m`, 'tmpfs', dir], { stdio: 'pipe' })
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error)
  }
}

const unmount = (dir: string): void => {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' })
  } catch {
    // still busy (a child not yet gone): detach it now, the kernel frees it when the last user goes
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
  }
}

export const diskFull: Campaign = {
  name: 'disk-full',
  describe:
    `the data directory on a ${MOUNT_MIB} MiB tmpfs filled to the last byte under webhook load and an import: ` +
    '503 (never 200) and exit 1 while full, resume without restart when freed, nothing lost, no file damaged',
  defaultSize: 3,
  unit: 'fill cycles',
  run: async ({ size, workDir, log }): Promise<CampaignResult> => {
    const mnt = path.join(workDir, 'mnt')
    fs.mkdirSync(mnt, { recursive: true })
    const refused = mount(mnt)
    if (refused !== undefined)
      return {
        tried: 0,
        faults: 0,
        lost: 0,
        duplicates: 0,
        crashes: 0,
        figures: { skipped: 'mount -t tmpfs not permitted' },
        open: [`disk-full not run: cannot mount a tmpfs (${refused}); run as root`]
      }
    let serve: ServeChild | undefined
    try {
      const dataDir = path.join(mnt, 'data')
      const filler = path.join(mnt, 'filler')
      serve = await serveProcess(dataDir)
      const url = `${serve.url}/webhook`
      const notifications = syntheticNotifications(size * (2 * POSTS + FULL_MAX_POSTS + 50), 'diskfull')
      let next = 0
      const acked = new Set<string>()
      const answers = { posts: 0, ok: 0, unavailable: 0, other: 0, okWhileFull: 0 }
      const otherAnswers: string[] = []
      const postOne = async (): Promise<number> => {
        const n = notifications[next++]
        if (n === undefined) throw new Error('out of notifications')
        answers.posts++
        let status: number
        try {
          const r = await post(url, n.text)
          status = r.status
          const body = await r.text()
          if (status !== 200 && status !== 503 && otherAnswers.length < 5) otherAnswers.push(`${status} ${body}`)
        } catch (error) {
          status = 0
          if (otherAnswers.length < 5) otherAnswers.push(`no answer: ${String(error)}`)
        }
        if (status === 200) {
          answers.ok++
          acked.add(n.uuid)
        } else if (status === 503) answers.unavailable++
        else answers.other++
        return status
      }
      const importFile = (cycle: number, phase: string): string => {
        const file = path.join(workDir, `import-${cycle}-${phase}.ndjson`)
        const lines = syntheticNotifications(30, `diskfull-import-${cycle}-${phase}`)
        fs.writeFileSync(file, `${lines.map((l) => l.text).join('\n')}\n`)
        return file
      }
      const imported = new Set<string>()
      let importsWhileFull = 0
      let importsFailedCleanly = 0
      let importsAfter = 0
      let importsAfterOk = 0
      const resumeMs: number[] = []
      const problems: string[] = []
      for (let cycle = 1; cycle <= size; cycle++) {
        const cycleStarted = performance.now()
        const took = (): string => `${((performance.now() - cycleStarted) / 1000).toFixed(1)} s`
        for (let i = 0; i < POSTS; i++) await postOne()
        const filled = fill(filler)
        log(`cycle ${cycle}: ${took()}: filler ${(filled / 1048576).toFixed(1)} MiB, disk full`)
        // While full: the WAL may hold a few more commits; then every post must be refused.
        let in503 = 0
        for (let i = 0; i < FULL_MAX_POSTS && in503 < FULL_503S; i++) {
          const status = await postOne()
          in503 = status === 503 ? in503 + 1 : 0
          if (status === 200) answers.okWhileFull++
        }
        log(`cycle ${cycle}: ${took()}: ${in503} answers 503 in a row while full`)
        if (in503 < FULL_503S) problems.push(`cycle ${cycle}: the webhook did not answer 503 while the disk was full`)
        const full = await cliRun(['--data-dir', dataDir, 'import', '--workers', '0', importFile(cycle, 'full')])
        importsWhileFull++
        if (full.code === 1 && oneCleanLine(full.stderr)) importsFailedCleanly++
        else problems.push(`cycle ${cycle}: import while full exited ${full.code}: ${full.stderr.trim().slice(0, 300)}`)
        log(
          `cycle ${cycle}: ${took()}: import while full: exit ${full.code}: ${full.stderr.trim().split('\n')[0] ?? ''}`
        )
        // Free the space: the webhook resumes by itself.
        fs.rmSync(filler)
        const freed = performance.now()
        let resumed = false
        for (let i = 0; i < 400 && !resumed; i++) {
          resumed = (await postOne()) === 200
          if (!resumed) await new Promise((r) => setTimeout(r, 25))
        }
        if (resumed) resumeMs.push(performance.now() - freed)
        else problems.push(`cycle ${cycle}: the webhook did not answer 200 again after the space was freed`)
        for (let i = 0; i < POSTS; i++) await postOne()
        const file = importFile(cycle, 'after')
        const after = await cliRun(['--data-dir', dataDir, 'import', '--workers', '0', file])
        importsAfter++
        if (after.code === 0) {
          importsAfterOk++
          for (const line of fs.readFileSync(file, 'utf8').split('\n'))
            if (line !== '') imported.add((JSON.parse(line) as { uuid: string }).uuid)
        } else problems.push(`cycle ${cycle}: import after freeing exited ${after.code}: ${after.stderr.trim()}`)
        log(`cycle ${cycle}: ${took()}: resumed; import after freeing: exit ${after.code}`)
      }
      serve.process.kill('SIGTERM')
      const code = await serve.exited
      const crashes = code === 0 ? 0 : 1
      if (code !== 0) problems.push(`serve exited ${code} on SIGTERM`)
      serve = undefined
      const integrity = ['events.db', 'readmodels.db'].map((f) => {
        const check = inspectSqliteFile(path.join(dataDir, f), { full: true })
        return `${f} ${check.ok ? 'ok' : check.problems.slice(0, 2).join('; ')}`
      })
      const damaged = integrity.filter((i) => !i.endsWith(' ok'))
      for (const d of damaged) problems.push(`integrity: ${d}`)
      const stored = await logOf(dataDir)
      const uuids = stored.map((e) => e.metadata.uuid ?? '')
      const counted = new Map<string, number>()
      for (const u of uuids) counted.set(u, (counted.get(u) ?? 0) + 1)
      const lost = [...acked, ...imported].filter((u) => !counted.has(u)).length
      const duplicates = [...counted.values()].filter((n) => n > 1).length
      // Answered 200 while full is allowed only for what is stored (counted in `lost` otherwise).
      const figures = {
        'fill cycles': size,
        'tmpfs size': `${MOUNT_MIB} MiB`,
        posts: answers.posts,
        '200 answers': answers.ok,
        '200 while full (stored in the WAL room left)': answers.okWhileFull,
        '503 answers': answers.unavailable,
        'other answers': answers.other,
        'imports while full (exit 1, one line)': `${importsFailedCleanly} of ${importsWhileFull}`,
        'imports after freeing (exit 0)': `${importsAfterOk} of ${importsAfter}`,
        'events in the log': stored.length,
        lost,
        duplicates,
        integrity: integrity.join(', '),
        'time to resume after freeing (max)':
          resumeMs.length > 0 ? `${Math.max(...resumeMs).toFixed(0)} ms` : 'did not resume'
      }
      if (otherAnswers.length > 0) problems.push(`answers other than 200/503: ${otherAnswers.join(' | ')}`)
      return {
        tried: answers.posts + importsWhileFull + importsAfter,
        faults: size,
        lost,
        duplicates,
        crashes,
        figures,
        open: problems
      }
    } finally {
      if (serve !== undefined) {
        serve.process.kill('SIGKILL')
        await serve.exited
      }
      unmount(mnt)
    }
  }
}
