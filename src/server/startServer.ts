/**
 * Listen on a port (default 127.0.0.1:8080) with @hono/node-server. Port 0 picks a free port (tests).
 * @module
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { ServerEnv } from './context.js'

export type RunningServer = {
  readonly port: number
  readonly host: string
  readonly url: string
  close(): Promise<void>
}

export function startServer(app: Hono<ServerEnv>, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: opts.port ?? 8080, hostname: host }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        host,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        close: () =>
          new Promise<void>((res) => {
            const s = server as unknown as { close(cb: () => void): void; closeAllConnections?: () => void }
            s.close(() => res())
            s.closeAllConnections?.()
          }),
      })
    })
    server.on('error', reject)
  })
}
