/** Minimal types for unbzip2-stream (the package ships none): a transform stream from .bz2 bytes to raw bytes. */
declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream'
  export default function unbzip2Stream(): Duplex
}
