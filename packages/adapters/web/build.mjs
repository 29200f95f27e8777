/**
 * Bundles the browser UI (src/ui/main.tsx) with esbuild into dist/public: index.html and assets/app.js + app.css.
 * `node build.mjs --watch` rebuilds on change.
 */
import { build, context } from 'esbuild'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const out = path.join(here, 'dist', 'public')

await rm(out, { recursive: true, force: true })
await mkdir(path.join(out, 'assets'), { recursive: true })
await copyFile(path.join(here, 'src', 'ui', 'index.html'), path.join(out, 'index.html'))

const options = {
  entryPoints: { app: path.join(here, 'src', 'ui', 'main.tsx') },
  outdir: path.join(out, 'assets'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning'
}

if (process.argv.includes('--watch')) {
  const ctx = await context(options)
  await ctx.watch()
  console.log(`watching src/ui, writing ${path.relative(process.cwd(), out)}`)
} else {
  const result = await build(options)
  for (const [file, { bytes }] of Object.entries(result.metafile.outputs))
    console.log(`${path.relative(here, file)}  ${(bytes / 1024).toFixed(1)} KB`)
}
