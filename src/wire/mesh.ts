/**
 * Bounded decoders for the frames nodes exchange on patchmesh's own protocols.
 */
import { decodeBounded, FieldCheck } from './decode.ts'
import {
  MAX_CHUNK_FRAME_BYTES,
  MAX_CHUNKS,
  MAX_HELLO_BYTES,
  MAX_SMALL_FRAME_BYTES,
  MAX_STATUS_OUTBOX_BYTES,
  MAX_TEXT_LENGTH,
} from './limits.ts'
import {
  ChunkRequest,
  ChunkResponse,
  ChunkStatus,
  Have,
  Hello,
  StatusAck,
  StatusOutbox,
  StatusOutcome,
  StatusReport,
} from './generated/mesh.js'

export {
  ChunkRequest,
  ChunkResponse,
  ChunkStatus,
  Have,
  Hello,
  StatusAck,
  StatusOutbox,
  StatusOutcome,
  StatusReport,
}
export type { Holding } from './generated/mesh.js'

/** Every ChunkStatus value (the generated enum object also holds its codec). */
export const CHUNK_STATUSES: readonly ChunkStatus[] = [
  ChunkStatus.OK,
  ChunkStatus.NOT_FOUND,
  ChunkStatus.BUSY,
  ChunkStatus.REVOKED,
]

const PATCH_ID_HEX = 32
const text = { required: false, max: MAX_TEXT_LENGTH }

export function decodeHello(bytes: Uint8Array): Hello {
  const h = decodeBounded('Hello', Hello, bytes, MAX_HELLO_BYTES)
  const check = new FieldCheck('Hello')

  check.text('site', h.site, { required: true, max: MAX_TEXT_LENGTH })
  check.text('role', h.role, { required: true, max: 32 })
  check.text('ring', h.ring, text)
  h.groups.forEach((g, i) => check.text(`groups[${i}]`, g, text))
  h.holdings.forEach((holding, i) => {
    check.hex(`holdings[${i}].patchId`, holding.patchId, PATCH_ID_HEX)
    check.range(`holdings[${i}].chunkCount`, holding.chunkCount, 0, MAX_CHUNKS)
    check.bytes(`holdings[${i}].bitfield`, holding.bitfield, Math.ceil(holding.chunkCount / 8))
  })

  return h
}

export function decodeHave(bytes: Uint8Array): Have {
  const h = decodeBounded('Have', Have, bytes, MAX_SMALL_FRAME_BYTES)
  const check = new FieldCheck('Have')

  check.hex('patchId', h.patchId, PATCH_ID_HEX)
  check.range('chunkCount', h.chunkCount, 1, MAX_CHUNKS)
  h.indexes.forEach((index, i) => check.range(`indexes[${i}]`, index, 0, h.chunkCount - 1))

  return h
}

export function decodeChunkRequest(bytes: Uint8Array): ChunkRequest {
  const r = decodeBounded('ChunkRequest', ChunkRequest, bytes, MAX_SMALL_FRAME_BYTES)
  const check = new FieldCheck('ChunkRequest')

  check.hex('patchId', r.patchId, PATCH_ID_HEX)
  check.range('index', r.index, 0, MAX_CHUNKS - 1)

  return r
}

export function decodeChunkResponse(bytes: Uint8Array): ChunkResponse {
  const r = decodeBounded('ChunkResponse', ChunkResponse, bytes, MAX_CHUNK_FRAME_BYTES)
  const check = new FieldCheck('ChunkResponse')

  if (!CHUNK_STATUSES.includes(r.status)) check.fail('field status is unknown')
  check.hex('patchId', r.patchId, PATCH_ID_HEX)
  check.range('index', r.index, 0, MAX_CHUNKS - 1)

  return r
}

export function decodeStatusReport(bytes: Uint8Array): StatusReport {
  const s = decodeBounded('StatusReport', StatusReport, bytes, MAX_SMALL_FRAME_BYTES)
  checkStatusReport(new FieldCheck('StatusReport'), s, '')

  return s
}

/** Every StatusOutcome a decoded ack may carry: UNSPECIFIED (an empty ack) is refused. */
export const STATUS_OUTCOMES: readonly StatusOutcome[] = [
  StatusOutcome.RECORDED,
  StatusOutcome.DUPLICATE,
  StatusOutcome.STALE,
  StatusOutcome.RETRY_LATER,
  StatusOutcome.REFUSED,
]

export function decodeStatusAck(bytes: Uint8Array): StatusAck {
  const a = decodeBounded('StatusAck', StatusAck, bytes, MAX_SMALL_FRAME_BYTES)
  const check = new FieldCheck('StatusAck')

  if (!STATUS_OUTCOMES.includes(a.outcome)) check.fail(`field outcome is ${a.outcome}`)
  check.range('sequence', a.sequence, 1, Number.MAX_SAFE_INTEGER)
  check.text('reason', a.reason, { required: false, max: MAX_TEXT_LENGTH })

  return a
}

/**
 * Decodes a node's stored outbox: every report is checked as one from the wire would be, and
 * their sequences must ascend and none pass `lastSequence`.
 */
export function decodeStatusOutbox(bytes: Uint8Array): StatusOutbox {
  const o = decodeBounded('StatusOutbox', StatusOutbox, bytes, MAX_STATUS_OUTBOX_BYTES)
  const check = new FieldCheck('StatusOutbox')

  check.range('lastSequence', o.lastSequence, 0, Number.MAX_SAFE_INTEGER)
  let previous = 0
  o.reports.forEach((report, i) => {
    checkStatusReport(check, report, `reports[${i}].`)
    check.range(`reports[${i}].sequence`, report.sequence, previous + 1, o.lastSequence)
    previous = report.sequence
  })

  return o
}

/** The checks of one StatusReport; `prefix` names where it sits, e.g. "reports[2].". */
function checkStatusReport(check: FieldCheck, s: StatusReport, prefix: string): void {
  check.text(`${prefix}nodeId`, s.nodeId, { required: true, max: 128 })
  check.hex(`${prefix}patchId`, s.patchId, PATCH_ID_HEX)
  check.text(`${prefix}state`, s.state, { required: true, max: 32 })
  check.text(`${prefix}site`, s.site, text)
  check.text(`${prefix}ring`, s.ring, text)
  s.groups.forEach((g, i) => {
    check.text(`${prefix}groups[${i}]`, g, { required: true, max: MAX_TEXT_LENGTH })
  })
  const reason = { required: false, max: 16 * MAX_TEXT_LENGTH, multiline: true }
  check.text(`${prefix}reason`, s.reason, reason)
  check.range(`${prefix}chunkCount`, s.chunkCount, 0, MAX_CHUNKS)
  check.range(`${prefix}chunksHeld`, s.chunksHeld, 0, s.chunkCount)
  check.range(`${prefix}sequence`, s.sequence, 1, Number.MAX_SAFE_INTEGER)
  for (const field of ['bytesOwnSite', 'bytesOtherSites', 'bytesOrigin', 'timeMs'] as const) {
    check.range(`${prefix}${field}`, s[field], 0, Number.MAX_SAFE_INTEGER)
  }
}
