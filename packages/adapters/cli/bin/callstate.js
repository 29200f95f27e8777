#!/usr/bin/env node
// The `callstate` command. The TypeScript sources are compiled to dist/ by `npm run build`.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const main = new URL('../dist/main.js', import.meta.url)
if (!existsSync(fileURLToPath(main))) {
  console.error(
    'callstate is not built yet: run `npm run build` (or `npm ci && npm run build`) in the repository first.'
  )
  process.exit(2)
}
await import(main.href)
