/**
 * The progress bar of the long commands (`import`, `copy`): on stderr, and only when stderr is a terminal and there
 * is a total to measure against, so piped output and logs never hold bar frames. Cleared when done: the command's
 * summary follows it.
 */
import cliProgress from 'cli-progress'

export interface ProgressBar {
  readonly update: (value: number, payload?: Record<string, unknown>) => void
  readonly stop: () => void
}

/** `format`: cli-progress tokens (`{bar}`, `{percentage}`, `{eta_formatted}`) and the payload's own. */
export const progressBar = (
  format: string,
  total: number,
  payload: Record<string, unknown> = {}
): ProgressBar | undefined => {
  if (!process.stderr.isTTY || total <= 0) return undefined
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic
  )
  bar.start(total, 0, payload)
  return { update: (value, more) => bar.update(value, more ?? {}), stop: () => bar.stop() }
}
