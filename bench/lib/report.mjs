/**
 * BENCHMARKS.md: a header written once, then one section per run, appended (earlier runs stay, so figures can be
 * compared over time and across machines). The same tables are printed on stdout.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import { describeMachine } from './machine.mjs'

const HEADER = `# Benchmarks

Written by \`npm run bench\` (\`node bench/run.mjs\`, see bench/README.md): each run APPENDS a section with the
machine, the date, its figures and the targets of the issue marked met / NOT met. Figures are from the machine
named in each section; they are not comparable across machines.
`

const escape = (s) => String(s).replaceAll('|', '\\|')

export const markdownTable = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)
  ].join('\n')

/** A plain-text table for the terminal. */
export const textTable = (head, rows) => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ')
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

const sizesText = (sizes) => sizes.map((s) => s.toLocaleString('en-US')).join(' and ')

/**
 * One run's section. `figures`: rows {benchmark, figure, value} of a one-size run; `bySize`: for a run at several
 * sizes, the side-by-side table {head, rows} (sideBySide) with `figures` then holding the once-per-run benchmarks.
 */
export const renderRun = ({ machine, command, sizes, peerSize, notes, bySize, figures, targets }) =>
  [
    `## ${machine.date}: ${sizesText(sizes)} notifications`,
    '',
    `- Machine: ${describeMachine(machine)}`,
    `- Command: \`${command}\``,
    `- Peer: Emmett 0.38.5 (emmett-sqlite) on the first ${peerSize.toLocaleString('en-US')} notifications of the same file`,
    ...notes.map((n) => `- ${n}`),
    '',
    ...(bySize === undefined ? [] : ['### At each log size', '', markdownTable(bySize.head, bySize.rows), '']),
    ...(figures.length === 0 && bySize !== undefined
      ? []
      : [
          '### Figures',
          '',
          markdownTable(
            ['benchmark', 'figure', 'value'],
            figures.map((f) => [f.benchmark, f.figure, f.value])
          ),
          ''
        ]),
    '### Targets',
    '',
    markdownTable(
      ['target', 'figure', 'result'],
      targets.map((t) => [t.target, t.figure, t.status])
    ),
    ''
  ].join('\n')

export const appendRun = (file, markdown) => {
  if (!existsSync(file)) writeFileSync(file, HEADER)
  appendFileSync(file, `\n${markdown}`)
}
