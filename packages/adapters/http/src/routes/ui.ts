/**
 * The live board's static files (the `@callstate/web` build, handed over by the cli as a directory): `GET /` is its
 * `index.html`, `GET /assets/<file>` its bundle. The files are read once at start (a few hundred KB) and answered
 * from memory with an ETag, so a browser revalidates cheaply and no request ever reaches the disk or walks a path
 * it was given. They are public: the page itself holds no data, and asks for the API token when the API wants one.
 */
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { apiError } from '../errors.js'

interface StaticFile {
  readonly body: Buffer
  readonly type: string
  readonly etag: string
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2'
}

const load = (file: string): StaticFile | undefined => {
  const type = TYPES[path.extname(file)]
  if (type === undefined) return undefined
  const body = readFileSync(file)
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}

/** The files under `root/assets` (one level), by name. */
const assetsOf = (root: string): Map<string, StaticFile> => {
  const files = new Map<string, StaticFile>()
  let names: string[] = []
  try {
    names = readdirSync(path.join(root, 'assets'))
  } catch {
    return files
  }
  for (const name of names) {
    const loaded = load(path.join(root, 'assets', name))
    if (loaded !== undefined) files.set(name, loaded)
  }
  return files
}

const send = (request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply => {
  void reply.header('etag', file.etag).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff')
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send()
  return reply.type(file.type).send(file.body)
}

/** Registers `/` and `/assets/:file`; an empty or missing directory gives a 404 that says how to build it. */
export const registerUi = (app: FastifyInstance, root: string): void => {
  const index = (() => {
    try {
      return load(path.join(root, 'index.html'))
    } catch {
      return undefined
    }
  })()
  const assets = assetsOf(root)
  const hidden = { hide: true }
  app.get('/', { config: { public: true }, schema: hidden }, async (request, reply) =>
    index === undefined
      ? reply.code(404).send(apiError('not-found', 'the web UI is not built: run npm run build'))
      : send(request, reply, index)
  )
  app.get<{ Params: { file: string } }>(
    '/assets/:file',
    { config: { public: true }, schema: hidden },
    async (request, reply) => {
      const file = assets.get(request.params.file)
      return file === undefined
        ? reply.code(404).send(apiError('not-found', `no such asset: ${request.params.file}`))
        : send(request, reply, file)
    }
  )
}
