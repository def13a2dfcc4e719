import { WireDecodeError } from './errors.ts'
/** A generated message namespace: the parts of it this module uses. */
export interface MessageCodec<T> {
  decode: (bytes: Uint8Array) => T
  encode: (value: Partial<T>) => Uint8Array
}

/**
 * Decodes `bytes` as message `type` after checking its length against `maxBytes`. Whatever the
 * input, this returns a message or throws a {@link WireDecodeError}: protobuf's own errors
 * (truncated varints, bad wire types, too many repeated elements) are wrapped, never leaked.
 */
export function decodeBounded<T>(
  type: string,
  message: MessageCodec<T>,
  bytes: Uint8Array,
  maxBytes: number,
): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new WireDecodeError(type, 'input is not a byte array')
  }

  if (bytes.byteLength > maxBytes) {
    throw new WireDecodeError(type, `${bytes.byteLength} bytes is over the limit of ${maxBytes}`)
  }

  try {
    return message.decode(bytes)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)

    throw new WireDecodeError(type, `not a valid protobuf message (${reason})`, { cause: err })
  }
}

/** Field-shape checks shared by the record decoders; each throws a WireDecodeError. */
export class FieldCheck {
  readonly type: string

  constructor(type: string) {
    this.type = type
  }

  fail(reason: string): never {
    throw new WireDecodeError(this.type, reason)
  }

  bytes(field: string, value: Uint8Array, length: number): void {
    if (value.byteLength !== length) {
      this.fail(`field ${field} must be ${length} bytes, got ${value.byteLength}`)
    }
  }

  /**
   * Text fields are bounded and free of control characters (newlines and tabs too, unless
   * `multiline`), so a record can never forge lines in a terminal or a log.
   */
  text(
    field: string,
    value: string,
    opts: { required: boolean; max: number; multiline?: boolean },
  ): void {
    if (opts.required && value.length === 0) this.fail(`field ${field} is empty`)
    if (value.length > opts.max) this.fail(`field ${field} is longer than ${opts.max} characters`)
    if (hasControl(value, opts.multiline === true)) {
      this.fail(`field ${field} contains control characters`)
    }
  }

  range(field: string, value: number, min: number, max: number): void {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(`field ${field} is ${value}, outside ${min}..${max}`)
    }
  }

  hex(field: string, value: string, length: number): void {
    if (value.length !== length || !/^[0-9a-f]*$/.test(value)) {
      this.fail(`field ${field} must be ${length} lowercase hex characters, got "${value}"`)
    }
  }
}

/** True when `text` holds a C0 control character or DEL (line breaks and tabs allowed if asked). */
function hasControl(text: string, allowLines: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (allowLines && (code === 0x0a || code === 0x09)) continue
    if (code < 0x20 || code === 0x7f) return true
  }

  return false
}
