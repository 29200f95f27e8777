/**
 * The notifications every benchmark uses: `size` lines of the simulator's NDJSON (webhook bodies of a call
 * centre day: telephony sessions, presence, message store), generated once into the work directory and reused.
 * The simulator is deterministic, so the same size and seed always give the same bytes.
 *
 * It is written to a temporary name and renamed when complete, so a run stopped half-way never leaves a
 * truncated file that a later run would take for the real one. Generation streams (the simulator holds only the
 * calls in progress): 10,000,000 lines (8.4 GB) took 174 s on the 2-core bench machine, peak RSS 352 MB.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { once } from 'node:events'
import path from 'node:path'

export const SEED = 42
/** Users in the simulated account: a mid-sized call centre. */
export const EXTENSIONS = 500

export const datasetPath = (workDir, size) => path.join(workDir, `sim-${size}-seed${SEED}.ndjson`)

/**
 * The dataset file for `size` notifications, generated when absent. Resolves `{ file, bytes, generated, seconds }`.
 * Stops the simulator after `size` lines: it streams, so the calls still in progress at that point are cut off,
 * as in any real day's capture.
 */
export const ensureDataset = async (workDir, size, log = () => undefined) => {
  mkdirSync(workDir, { recursive: true })
  const file = datasetPath(workDir, size)
  if (existsSync(file)) return { file, bytes: statSync(file).size, generated: false, seconds: 0 }
  const { simulateLines, DEFAULT_OPTIONS } = await import('@callstate/simulator')
  log(`generating ${size.toLocaleString('en-US')} notifications with the simulator into ${file}`)
  const started = performance.now()
  const partial = `${file}.partial`
  const out = createWriteStream(partial)
  // Calls never run out before `size` lines (a call yields several notifications); generation is lazy.
  const options = { ...DEFAULT_OPTIONS, calls: size, extensions: EXTENSIONS, seed: SEED }
  let written = 0
  let chunk = []
  for (const line of simulateLines(options)) {
    chunk.push(line)
    written++
    if (chunk.length === 2000 || written === size) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain')
      chunk = []
    }
    if (written === size) break
    if (written % 1_000_000 === 0)
      log(`  ${written.toLocaleString('en-US')} lines, ${((performance.now() - started) / 1000).toFixed(0)} s`)
  }
  out.end()
  await once(out, 'finish')
  if (written < size) throw new Error(`the simulator produced only ${written} lines`)
  renameSync(partial, file)
  return { file, bytes: statSync(file).size, generated: true, seconds: (performance.now() - started) / 1000 }
}
