/** What a `callstate doctor` check answers, and the small helpers every check uses (doctor-checks.ts). */

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface CheckResult {
  readonly check: string
  readonly status: CheckStatus
  /** What was seen, one line. */
  readonly detail: string
  /** What to do about it (absent when ok). */
  readonly action?: string
  /** The numbers behind the detail (for --json). */
  readonly figures?: Readonly<Record<string, number | string | boolean | null>>
}

export interface DoctorOptions {
  readonly dataDir: string
  readonly esdb?: string
  /** `integrity_check` instead of `quick_check` (also checks every index; about 3 times slower). */
  readonly full: boolean
  /** Projection lag (events) above which the read models are a warning. */
  readonly maxLag: number
  /** WAL size (bytes) above which a warning says to checkpoint. */
  readonly maxWalBytes: number
  /** Checkpoint (and truncate) the WAL files before measuring them. */
  readonly checkpoint: boolean
  /** Time bound of each network check (EventStoreDB, RingCentral). */
  readonly timeoutMs: number
  readonly env: NodeJS.ProcessEnv
}

export const MiB = 1024 * 1024
export const size = (bytes: number): string =>
  bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`

export const result = (
  check: string,
  status: CheckStatus,
  detail: string,
  action?: string,
  figures?: CheckResult['figures']
): CheckResult => ({
  check,
  status,
  detail,
  ...(action !== undefined ? { action } : {}),
  ...(figures !== undefined ? { figures } : {})
})

/** Resolves to `late` when `work` takes longer than `ms`. */
export const within = <A>(ms: number, work: Promise<A>, late: A): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<A>((resolve) => (timer = setTimeout(() => resolve(late), ms)))
  ])
}
