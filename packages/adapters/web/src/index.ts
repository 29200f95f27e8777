/**
 * `@callstate/web` for Node: where its built static files are. The browser code (src/ui) is bundled by build.mjs
 * into dist/public; the HTTP face serves `index.html` at `/` and the bundle at `/assets/*`.
 */
import { fileURLToPath } from 'node:url'

/** Absolute path of the built UI: `index.html` and `assets/` (app.js, app.css). */
export const webRoot: string = fileURLToPath(new URL('./public', import.meta.url))
