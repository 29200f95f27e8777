#!/usr/bin/env node
/**
 * Where the time goes in a `node --cpu-prof` profile: self time by function (with file:line) and total time by
 * file, the top N of each. Usage: node bench/tools/cpuprofile-top.mjs <file.cpuprofile> [N]
 *
 * Example, profiling the import benchmark:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/workers/import.mjs bench/.work/sim-100000-seed42.ndjson /tmp/s 100000
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

const [file, nText] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: node bench/tools/cpuprofile-top.mjs <file.cpuprofile> [N]')
  process.exit(2)
}
const top = Number(nText ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(profile.nodes.map((n) => [n.id, n]))

// Sample counts per node; each sample's duration is its time delta.
const selfUs = new Map()
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const total = [...selfUs.values()].reduce((a, b) => a + b, 0)

const short = (url) => {
  if (url === '') return '(native)'
  const p = url.replace(/^file:\/\//, '')
  const i = p.indexOf('/packages/')
  if (i >= 0) return p.slice(i + 1)
  const j = p.indexOf('/node_modules/')
  if (j >= 0) return p.slice(j + 1)
  return path.basename(p)
}
const label = (n) => {
  const f = n.callFrame
  return `${f.functionName || '(anonymous)'}  ${short(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`
}

const selfByFn = new Map()
const selfByFile = new Map()
for (const [id, us] of selfUs) {
  const n = byId.get(id)
  selfByFn.set(label(n), (selfByFn.get(label(n)) ?? 0) + us)
  const f = short(n.callFrame.url)
  selfByFile.set(f, (selfByFile.get(f) ?? 0) + us)
}

const print = (title, map) => {
  console.log(`\n${title}`)
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
}
console.log(`total ${(total / 1e6).toFixed(1)} s of samples`)
print('self time by function', selfByFn)
print('self time by file', selfByFile)
