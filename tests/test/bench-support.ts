/**
 * Helpers for the bench tests: run bench/run.mjs at a small size in a temp work directory (its own report file,
 * so the repository's BENCHMARKS.md is never touched) and read back the tables it appended.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const RUN = path.resolve(import.meta.dirname, '../../bench/run.mjs')
export const SIZE = 2000

export interface BenchRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** The whole report file after the run. */
  readonly report: string
  readonly work: string
}

export const tempWork = (): string => mkdtempSync(path.join(tmpdir(), 'callstate-bench-'))

export const runBench = (args: ReadonlyArray<string>, work = tempWork(), env: NodeJS.ProcessEnv = {}): BenchRun => {
  const out = path.join(work, 'BENCHMARKS.md')
  const r = spawnSync(process.execPath, [RUN, '--work', work, '--out', out, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024
  })
  let report = ''
  try {
    report = readFileSync(out, 'utf8')
  } catch {
    // No report: the run failed before writing it; the test's assertions on `report` say so.
    report = ''
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, report, work }
}

/** The rows of the markdown table under `### <heading>` in the LAST run section of a report. */
export const tableRows = (report: string, heading: 'Figures' | 'Targets' | 'At each log size'): string[][] => {
  const lastRun = report.slice(report.lastIndexOf('\n## '))
  const start = lastRun.indexOf(`### ${heading}`)
  if (start < 0) return []
  const lines = lastRun.slice(start).split('\n').slice(1)
  const rows: string[][] = []
  for (const line of lines) {
    if (line.startsWith('### ')) break
    if (!line.startsWith('|')) continue
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim())
    )
  }
  // Drop the header and the separator.
  return rows.slice(2)
}

/** figure name -> value, for one benchmark of the Figures table. */
export const figuresOf = (report: string, benchmark: string): Record<string, string> =>
  Object.fromEntries(
    tableRows(report, 'Figures')
      .filter((r) => r[0] === benchmark)
      .map((r) => [r[1] ?? '', r[2] ?? ''])
  )

/** figure name -> [value at each size..., growth], for one benchmark of the side-by-side table of a run at two sizes. */
export const sizeFiguresOf = (report: string, benchmark: string): Record<string, string[]> =>
  Object.fromEntries(
    tableRows(report, 'At each log size')
      .filter((r) => r[0] === benchmark)
      .map((r) => [r[1] ?? '', r.slice(2)])
  )

/** The header of the side-by-side table (its first row). */
export const sizeTableHead = (report: string): string[] => {
  const lastRun = report.slice(report.lastIndexOf('\n## '))
  const start = lastRun.indexOf('### At each log size')
  const line = lastRun
    .slice(start)
    .split('\n')
    .find((l) => l.startsWith('|'))
  return line === undefined || start < 0
    ? []
    : line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim())
}

/** target -> result (met / NOT met / not run). */
export const targetsOf = (report: string): Record<string, string> =>
  Object.fromEntries(tableRows(report, 'Targets').map((r) => [r[0] ?? '', r[2] ?? '']))

export const RATE = /^\d[\d,]*\/s$/
export const RESULT = /^(met|NOT met)$/
/** A latency figure of the query benchmark. */
export const LATENCY = /^p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms \(n=\d+(, .*)?\)$/
/** The figure of a target judged on the figures of the whole run (a growth target). */
export const targetFigureOf = (report: string, target: string): string | undefined =>
  tableRows(report, 'Targets').find((r) => r[0] === target)?.[1]
