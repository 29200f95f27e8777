/**
 * `npm run chaos`: every reliability campaign (tests/chaos/campaigns/*.ts), one after another, each at its full
 * size; their figures are printed and appended to RELIABILITY.md with the machine and the date, like `npm run bench`.
 *
 *   npm run chaos                                  every campaign, full size
 *   npm run chaos -- --only hostile-input,crash    some of them
 *   npm run chaos -- --size 100                    every campaign at this size (a quick run)
 *   npm run chaos -- --no-write                    print only
 */
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Campaign, CampaignResult } from './campaign.js'
import { campaigns } from './campaigns/index.js'

const REPORT = path.resolve(import.meta.dirname, '../../RELIABILITY.md')

const usage = `usage: npm run chaos -- [--only name,name] [--size n] [--no-write]
campaigns: ${campaigns.map((c) => c.name).join(', ')}`

interface Options {
  readonly only: ReadonlyArray<string>
  readonly size: number | undefined
  readonly write: boolean
}

const parse = (args: ReadonlyArray<string>): Options | string => {
  let only: string[] = campaigns.map((c) => c.name)
  let size: number | undefined
  let write = true
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--only') {
      only = (args[++i] ?? '').split(',').filter((s) => s !== '')
      const unknown = only.filter((n) => !campaigns.some((c) => c.name === n))
      if (unknown.length > 0) return `unknown campaign(s): ${unknown.join(', ')}`
    } else if (a === '--size') {
      size = Number(args[++i])
      if (!Number.isInteger(size) || size <= 0) return '--size wants a positive integer'
    } else if (a === '--no-write') write = false
    else if (a === '--help' || a === '-h') return ''
    else return `unknown option ${a}`
  }
  return { only, size, write }
}

const machine = (): string =>
  `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
  `Node ${process.version}, ${os.platform()} ${os.release()}`

const row = (c: Campaign, size: number, r: CampaignResult, seconds: number): string =>
  `| ${c.name} | ${size.toLocaleString('en-US')} ${c.unit} | ${r.tried.toLocaleString('en-US')} | ${r.faults.toLocaleString('en-US')} | ` +
  `${r.lost} | ${r.duplicates} | ${r.crashes} | ${seconds.toFixed(0)} s |`

const main = async (): Promise<number> => {
  const options = parse(process.argv.slice(2))
  if (typeof options === 'string') {
    process.stderr.write(`${options === '' ? '' : `chaos: ${options}\n`}${usage}\n`)
    return options === '' ? 0 : 2
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  const results: Array<{ c: Campaign; size: number; r: CampaignResult; seconds: number }> = []
  for (const c of campaigns.filter((x) => options.only.includes(x.name))) {
    const size = options.size ?? c.defaultSize
    const workDir = mkdtempSync(path.join(os.tmpdir(), `callstate-chaos-${c.name}-`))
    log(`\n== ${c.name}: ${c.describe} (${size} ${c.unit})`)
    const started = performance.now()
    try {
      const r = await c.run({ size, workDir, log: (line) => log(`  ${line}`) })
      results.push({ c, size, r, seconds: (performance.now() - started) / 1000 })
    } finally {
      rmSync(workDir, { recursive: true, force: true })
    }
  }
  const head =
    '| campaign | size | tried | faults | lost | duplicates | crashes | time |\n|---|---|---|---|---|---|---|---|'
  const table = [head, ...results.map((x) => row(x.c, x.size, x.r, x.seconds))].join('\n')
  const details = results
    .map(
      (x) =>
        `### ${x.c.name}\n\n${x.c.describe}\n\n` +
        `Reproduce: \`npm run chaos -- --only ${x.c.name} --size ${x.size}\`\n\n` +
        `| figure | value |\n|---|---|\n` +
        Object.entries(x.r.figures)
          .map(([k, v]) => `| ${k} | ${typeof v === 'number' ? v.toLocaleString('en-US') : v} |`)
          .join('\n') +
        (x.r.open.length > 0 ? `\n\nOpen:\n${x.r.open.map((o) => `- ${o}`).join('\n')}` : '')
    )
    .join('\n\n')
  const run = `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${machine()}\n\n${table}\n\n${details}\n`
  process.stdout.write(`\n${run}`)
  if (options.write) {
    if (!existsSync(REPORT))
      writeFileSync(
        REPORT,
        '# Reliability\n\nWhat `npm run chaos` tried, what it injected, and what held: one section per run, newest ' +
          'last. lost = acknowledged notifications missing afterwards; duplicates = stored twice; crashes = ' +
          'callstate processes that died unasked.\n\n'
      )
    appendFileSync(REPORT, `\n${run}`)
    process.stderr.write(`chaos: appended to ${REPORT}\n`)
  }
  const broken = results.filter((x) => x.r.lost > 0 || x.r.duplicates > 0 || x.r.crashes > 0)
  return broken.length > 0 ? 1 : 0
}

process.exitCode = await main()
