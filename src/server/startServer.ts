/**
 * Listen on a port (default 127.0.0.1:8080) with node:http: the app's fast path for the screening routes (see
 * fastListener) in front of the Hono app (@hono/node-server's listener) for everything else. Port 0 picks a free port
 * (tests).
 * @module
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { Hono } from 'hono'
import type { ServerEnv } from './context.js'
import { fastPathOf } from './createApp.js'

export type RunningServer = {
  readonly port: number
  readonly host: string
  readonly url: string
  close(): Promise<void>
}

export function startServer(app: Hono<ServerEnv>, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const honoListener = getRequestListener(app.fetch, { hostname: host })
  const fast = fastPathOf(app)
  const server = createServer(fast ? fast(honoListener) : honoListener)
  return new Promise((resolve, reject) => {
    server.on('error', reject)
    server.listen(opts.port ?? 8080, host, () => {
      const info = server.address() as AddressInfo
      resolve({
        port: info.port,
        host,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res())
            server.closeAllConnections()
          }),
      })
    })
  })
}
