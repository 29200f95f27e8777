/**
 * What the `clients` and `security` campaigns share: `callstate serve` as a child process, so that its memory
 * (VmRSS / VmHWM from /proc) and its death are its own, with its stdout (the JSON log lines) and stderr kept.
 *
 * By default the child is the real binary, configured by flags and environment like in production. With `limits`
 * (short timeouts for the test suite), it is ./serve-with-limits.ts: the same `startServe` the binary runs, given
 * the limits the binary has no flags for.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { ClientLimits } from '@callstate/http'
import { BIN } from '../test/serve-helpers.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface ServeChild {
  readonly process: ChildProcess
  readonly url: string
  readonly port: number
  readonly exited: Promise<Exit>
  /** Whether it has exited (by itself or asked). */
  readonly hasExited: () => boolean
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resident memory now and at its peak, in KiB (0 when /proc is not there). */
  readonly memory: () => { readonly rssKiB: number; readonly peakKiB: number }
  /** SIGTERM, and resolves with the exit (SIGKILL after 10 s). */
  readonly stop: () => Promise<Exit>
}

export interface ServeChildOptions {
  readonly dataDir: string
  readonly logLevel?: string
  readonly apiToken?: string
  readonly verificationToken?: string
  readonly limits?: Partial<ClientLimits>
}

const kib = (status: string, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)

export const spawnServe = (options: ServeChildOptions): Promise<ServeChild> =>
  new Promise((resolve, reject) => {
    // The campaign's own CALLSTATE_* settings must not configure the child; tokens go by environment (not ps).
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CALLSTATE_'))),
      ...(options.apiToken !== undefined ? { CALLSTATE_API_TOKEN: options.apiToken } : {}),
      ...(options.verificationToken !== undefined ? { CALLSTATE_VERIFICATION_TOKEN: options.verificationToken } : {})
    }
    const logLevel = options.logLevel ?? 'warn'
    const args =
      options.limits === undefined
        ? [BIN, '--data-dir', options.dataDir, 'serve', '--port', '0', '--log-level', logLevel]
        : [
            '--import',
            'tsx',
            path.join(import.meta.dirname, 'serve-with-limits.ts'),
            JSON.stringify({ dataDir: options.dataDir, logLevel, limits: options.limits })
          ]
    const child = spawn(process.execPath, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let exit: Exit | undefined
    const exited = new Promise<Exit>((r) =>
      child.on('exit', (code, signal) => {
        exit = { code, signal }
        r(exit)
      })
    )
    let stdout = ''
    let stderr = ''
    let listening = false
    child.stdout?.on('data', (chunk: Buffer) => void (stdout += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const m = listening ? null : /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stderr)
      if (m?.[1] === undefined || m[2] === undefined) return
      listening = true
      resolve({
        process: child,
        url: m[1],
        port: Number(m[2]),
        exited,
        hasExited: () => exit !== undefined,
        stdout: () => stdout,
        stderr: () => stderr,
        memory: () => {
          try {
            const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
            return { rssKiB: kib(status, 'VmRSS'), peakKiB: kib(status, 'VmHWM') }
          } catch {
            return { rssKiB: 0, peakKiB: 0 }
          }
        },
        stop: async () => {
          if (exit !== undefined) return exit
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
          const e = await exited
          clearTimeout(timer)
          return e
        }
      })
    })
    void exited.then((e) => {
      if (!listening) reject(new Error(`serve exited (${e.code ?? e.signal}) before listening: ${stderr}`))
    })
  })
