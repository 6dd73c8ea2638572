#!/usr/bin/env node
// npm 11.19 writes package-lock.json without the optional platform packages of other OS/CPUs (e.g. Biome's and
// DuckDB's darwin/win32 binaries) and then `npm ci` refuses the lock as "Missing … from lock file". This script adds
// the missing entries (version, integrity, os/cpu/libc from the registry) so `npm ci` works on a fresh clone on any
// platform. Run it after every `npm install`: node scripts/lock-platform-optionals.mjs [dir] (default: the repository;
// bench/hardhat3 has its own lock).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

const path = process.argv[2]
  ? resolve(process.argv[2], 'package-lock.json')
  : new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const pkgs = lock.packages
let added = 0
for (const [key, meta] of Object.entries(pkgs)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${key ? `${key}/` : ''}node_modules/${name}`
    if (pkgs[`node_modules/${name}`] || pkgs[nested]) continue
    const v = registryMeta(name, range)
    const entry = { version: v.version }
    if (v['dist.integrity']) entry.integrity = v['dist.integrity']
    if (v.cpu) entry.cpu = v.cpu
    if (v.libc) entry.libc = v.libc
    if (meta.dev) entry.dev = true
    if (v.license) entry.license = v.license
    entry.optional = true
    if (v.os) entry.os = v.os
    pkgs[`node_modules/${name}`] = entry
    added++
  }
}
/** Registry metadata, or — when the registry this machine reaches does not carry the package (404) — the platform
 * spelled in its name (`…-darwin-arm64`, `…-linux-x64-musl`), which is all npm ci needs to skip it elsewhere. */
function registryMeta(name, range) {
  try {
    const out = execFileSync(
      'npm',
      ['view', `${name}@${range}`, 'version', 'dist.integrity', 'os', 'cpu', 'libc', 'license', '--json'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    )
    const view = JSON.parse(out)
    return Array.isArray(view) ? view[view.length - 1] : view
  } catch {
    // Node's names (x64) and Go/Rust-style ones (amd64, as Foundry's @foundry-rs/anvil-darwin-amd64 spells it)
    const m = /-(android|darwin|freebsd|linux|win32)-(arm64|x64|amd64|ia32|arm)(-(musl|gnu|msvc))?$/.exec(name)
    if (!m) throw new Error(`cannot resolve ${name}@${range} and its name names no platform`)
    const meta = { version: range, os: [m[1]], cpu: [m[2] === 'amd64' ? 'x64' : m[2]] }
    if (m[4] === 'musl') meta.libc = ['musl']
    return meta
  }
}

if (added > 0) {
  // npm orders lock entries with localeCompare('en'); keep that order so the next npm install changes nothing
  lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => a.localeCompare(b, 'en')))
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
}
console.log(`package-lock.json: added ${added} optional platform packages`)
