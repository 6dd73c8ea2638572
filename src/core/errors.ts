/**
 * Typed errors with stable codes (docs/errors.md lists every code; errors.test.ts keeps the two in sync).
 *
 * Every error the product raises on purpose is a `HoundError`: it has a literal `name`, a stable `code`
 * (`HOUND_ERR_*`), an optional `details` record (file, offset, field…) and an `exitCode` for the CLI
 * (1 runtime error, 2 usage error). Match errors by `code` or `name`, never by message text.
 * @module
 */

export type HoundErrorDetails = Readonly<Record<string, string | number | boolean | null | undefined>>

export type HoundErrorOptions = { cause?: unknown; details?: HoundErrorDetails }

export class HoundError extends Error {
  override name = 'HoundError'
  readonly code: string
  readonly details: HoundErrorDetails
  /** Process exit code the CLI uses for this error: 1 runtime error, 2 usage error. */
  readonly exitCode: 1 | 2
  /** True when retrying the same operation may succeed (network hiccup, busy server). */
  readonly retryable: boolean

  constructor(
    code: string,
    message: string,
    options: HoundErrorOptions & { exitCode?: 1 | 2; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details ?? {}
    this.exitCode = options.exitCode ?? 1
    this.retryable = options.retryable ?? false
  }

  toJSON(): { name: string; code: string; message: string; details: HoundErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details }
  }
}

/** Bad command-line usage or bad parameters given by the user (exit code 2). */
export class UsageError extends HoundError {
  override name = 'UsageError'
  static readonly code = 'HOUND_ERR_USAGE'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(UsageError.code, message, { ...options, exitCode: 2 })
  }
}

/** Bytes that do not decode: truncated, wrong magic, bad merkle root, garbage. Names file and offset. */
export class DecodeError extends HoundError {
  override name = 'DecodeError'
  static readonly code = 'HOUND_ERR_DECODE'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(DecodeError.code, message, options)
  }
}

/** A block whose merkle root does not match its transactions. */
export class MerkleMismatchError extends HoundError {
  override name = 'MerkleMismatchError'
  static readonly code = 'HOUND_ERR_MERKLE_MISMATCH'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(MerkleMismatchError.code, message, options)
  }
}

/** A data source (file, RPC node) failed or returned something unusable. */
export class SourceError extends HoundError {
  override name = 'SourceError'
  static readonly code = 'HOUND_ERR_SOURCE'
  constructor(message: string, options: HoundErrorOptions & { retryable?: boolean } = {}) {
    super(SourceError.code, message, options)
  }
}

/** The RPC server refused our credentials. */
export class RpcAuthError extends HoundError {
  override name = 'RpcAuthError'
  static readonly code = 'HOUND_ERR_RPC_AUTH'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(RpcAuthError.code, message, options)
  }
}

/** The RPC server answered with a JSON-RPC error object. */
export class RpcError extends HoundError {
  override name = 'RpcError'
  static readonly code = 'HOUND_ERR_RPC'
  readonly rpcCode: number | null
  constructor(message: string, rpcCode: number | null, options: HoundErrorOptions & { retryable?: boolean } = {}) {
    super(RpcError.code, message, options)
    this.rpcCode = rpcCode
  }
}

/** The store could not be opened, read or written. */
export class StoreError extends HoundError {
  override name = 'StoreError'
  static readonly code = 'HOUND_ERR_STORE'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(StoreError.code, message, options)
  }
}

/** Something the user named (txid, address, cluster, incident…) is not in the store. */
export class NotFoundError extends HoundError {
  override name = 'NotFoundError'
  static readonly code = 'HOUND_ERR_NOT_FOUND'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(NotFoundError.code, message, options)
  }
}

/** A value that is syntactically wrong: malformed address, txid, seed, amount. */
export class InvalidInputError extends HoundError {
  override name = 'InvalidInputError'
  static readonly code = 'HOUND_ERR_INVALID_INPUT'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(InvalidInputError.code, message, { ...options, exitCode: 2 })
  }
}

/** A request that needs data the store does not hold yet (a seed above the synced tip, an empty store). */
export class NotSyncedError extends HoundError {
  override name = 'NotSyncedError'
  static readonly code = 'HOUND_ERR_NOT_SYNCED'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(NotSyncedError.code, message, options)
  }
}

/** An invariant of an algorithm broke (taint not conserved, value created). Always a bug. */
export class InvariantError extends HoundError {
  override name = 'InvariantError'
  static readonly code = 'HOUND_ERR_INVARIANT'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(InvariantError.code, message, options)
  }
}

/** Imported intelligence or a shared bundle is malformed, oversized or hostile. */
export class ImportError extends HoundError {
  override name = 'ImportError'
  static readonly code = 'HOUND_ERR_IMPORT'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(ImportError.code, message, options)
  }
}

/** A step of a multi-step job (`hound demo`) failed; the step's own error was printed before. */
export class StepFailedError extends HoundError {
  override name = 'StepFailedError'
  static readonly code = 'HOUND_ERR_STEP_FAILED'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(StepFailedError.code, message, options)
  }
}

/** An unexpected error (a bug or an environment failure) that no other code describes. */
export class InternalError extends HoundError {
  override name = 'InternalError'
  static readonly code = 'HOUND_ERR_INTERNAL'
  constructor(message: string, options: HoundErrorOptions = {}) {
    super(InternalError.code, message, options)
  }
}

/** Every error class whose code is public. Add new classes here and to docs/errors.md. */
export const errorClasses = [
  UsageError,
  DecodeError,
  MerkleMismatchError,
  SourceError,
  RpcAuthError,
  RpcError,
  StoreError,
  NotFoundError,
  InvalidInputError,
  NotSyncedError,
  InvariantError,
  ImportError,
  StepFailedError,
  InternalError,
] as const

export function isHoundError(e: unknown): e is HoundError {
  return e instanceof HoundError
}
