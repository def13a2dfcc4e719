/**
 * Status reports, node to coordinator. A node opens one stream per batch: it writes each report
 * as a length-prefixed StatusReport frame, closes its writing end, and reads one StatusAck per
 * report, in the order sent. The coordinator answers a report only once its handler has taken
 * it, so an ack of recorded, duplicate or stale means the report is stored and the node may
 * forget it; retry-later means keep it and send it again; refused means drop it.
 *
 * Noise has authenticated the remote peer by the time a stream opens, so the coordinator takes
 * a report only from the node it names: one whose nodeId is not the remote peer id is refused.
 * A frame that does not decode costs its sender the stream, never the server.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Logger } from '../log.ts'
import {
  MAX_SMALL_FRAME_BYTES,
  MAX_STATUS_BATCH,
  MAX_STATUS_BATCH_BYTES,
  MAX_TEXT_LENGTH,
} from '../wire/limits.ts'
import {
  decodeStatusAck,
  decodeStatusReport,
  StatusAck,
  StatusOutcome,
  StatusReport,
} from '../wire/mesh.ts'
import { InvalidStatusReportError, MeshRequestError } from './errors.ts'
import type { Host } from './host.ts'
import { STATUS_PROTOCOL } from './protocols.ts'

/** What a handler may make of a report: the coordinator's ReportOutcome. */
export type HandledOutcome = 'recorded' | 'duplicate' | 'stale'

/** What became of one report, as its ack says. */
export type AckOutcome = HandledOutcome | 'retry-later' | 'refused'

/** One report's ack. `reason` is '' unless the outcome is retry-later or refused. */
export interface ReportAck {
  sequence: number
  outcome: AckOutcome
  reason: string
}

/**
 * Takes one report from an authenticated node (the coordinator's receiveReport). Errors are
 * told apart by name: InvalidReportError and PatchMismatchError, and ReportRefusedError with
 * `retry` false, refuse the report; ReportRefusedError with `retry` true, and any other error,
 * ask the node to send it again later.
 */
export type StatusHandler = (report: StatusReport, from: PeerId) => Promise<HandledOutcome>

export interface StatusServerOptions {
  /** Status streams served at once, from all nodes; further ones are reset. Default 64. */
  maxConcurrent?: number
  /** Longest wait for a stream's next frame, and for an ack to be written, ms. Default 30 s. */
  frameTimeoutMs?: number
}

const TO_WIRE: Record<AckOutcome, StatusOutcome> = {
  recorded: StatusOutcome.RECORDED,
  duplicate: StatusOutcome.DUPLICATE,
  stale: StatusOutcome.STALE,
  'retry-later': StatusOutcome.RETRY_LATER,
  refused: StatusOutcome.REFUSED,
}
const FROM_WIRE = new Map(Object.entries(TO_WIRE).map(([k, v]) => [v, k as AckOutcome]))
const REFUSING = new Set(['InvalidReportError', 'PatchMismatchError'])
const UNEXPECTED = 'the coordinator could not record it now'

/** Registers the status protocol handler; returns a function that unregisters it. */
export async function serveStatus(
  host: Host,
  handler: StatusHandler,
  log: Logger,
  opts: StatusServerOptions = {},
): Promise<() => Promise<void>> {
  const maxConcurrent = opts.maxConcurrent ?? 64
  const frameTimeoutMs = opts.frameTimeoutMs ?? 30_000
  let active = 0

  const answer = async (report: StatusReport, from: PeerId): Promise<ReportAck> => {
    const { sequence } = report
    const peer = from.toString()
    if (report.nodeId !== peer) {
      log.warn(
        { peer, nodeId: report.nodeId, patch: report.patchId, sequence },
        'status report names another node; refused',
      )
      return { sequence, outcome: 'refused', reason: `sent by ${peer}, not by the node it names` }
    }

    try {
      return { sequence, outcome: await handler(report, from), reason: '' }
    } catch (err) {
      const e = err as { name?: unknown; message?: unknown; retry?: unknown }
      const known = REFUSING.has(String(e?.name)) || e?.name === 'ReportRefusedError'
      const refused = known && e.retry !== true
      const fields = { peer, patch: report.patchId, sequence, err }
      // What failed inside the coordinator is its own business: the node only learns to retry.
      const reason = known ? cleanText(String(e.message), MAX_TEXT_LENGTH, false) : UNEXPECTED
      if (known) log.debug(fields, 'status report not recorded')
      else log.warn(fields, 'status handler failed; the node will send the report again')

      return { sequence, outcome: refused ? 'refused' : 'retry-later', reason }
    }
  }

  const serve = async (stream: Stream, connection: Connection): Promise<void> => {
    const peer = connection.remotePeer
    if (active >= maxConcurrent) {
      log.debug({ peer: peer.toString(), active }, 'status stream refused: serving the maximum')
      stream.abort(new Error(`serving ${active} status streams already`))
      return
    }

    active++
    const lp = lpStream(stream, {
      maxDataLength: MAX_SMALL_FRAME_BYTES,
      maxBufferSize: MAX_STATUS_BATCH_BYTES + 4 * MAX_STATUS_BATCH,
    })
    let count = 0
    try {
      while (count < MAX_STATUS_BATCH) {
        const frame = await lp
          .read({ signal: AbortSignal.timeout(frameTimeoutMs) })
          .catch((err: Error) => {
            // The node closed its end after its last report: the batch is over.
            if (err.name === 'UnexpectedEOFError' && stream.remoteWriteStatus !== 'writable') return
            throw err
          })
        if (frame === undefined) break

        count++
        const ack = await answer(decodeStatusReport(frame.subarray()), peer)
        const body = StatusAck.encode({ ...ack, outcome: TO_WIRE[ack.outcome] })
        await lp.write(body, { signal: AbortSignal.timeout(frameTimeoutMs) })
      }
      await stream.close({ signal: AbortSignal.timeout(frameTimeoutMs) })
    } catch (err) {
      const name = err instanceof Error ? err.name : ''
      const garbage = name === 'WireDecodeError' || name.startsWith('InvalidDataLength')
      log[garbage ? 'warn' : 'debug'](
        { peer: peer.toString(), reports: count, err },
        garbage ? 'status frame from node not readable; stream dropped' : 'status stream ended',
      )
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    } finally {
      active--
    }
  }

  await host.handle(STATUS_PROTOCOL, serve, { maxInboundStreams: 4 })

  return () => host.unhandle(STATUS_PROTOCOL)
}

export interface SendReportsOptions {
  /** Deadline of the whole exchange (dial, reports, acks), ms. Default 30 s. */
  timeoutMs?: number
  signal?: AbortSignal
  /** Told of each ack as it arrives, so what was acked counts even if the exchange then fails. */
  onAck?: (ack: ReportAck, report: StatusReport) => void
}

/**
 * Sends `reports` (at most MAX_STATUS_BATCH, MAX_STATUS_BATCH_BYTES of frames together) to the
 * coordinator on one stream and returns their acks, in the same order. Throws a
 * MeshRequestError when the coordinator cannot be reached or the exchange breaks off (acks
 * received before that went to `onAck`), and an InvalidStatusReportError, before dialling, for a
 * report whose frame is over the limit.
 */
export async function sendReports(
  host: Host,
  coordinator: PeerId,
  reports: readonly StatusReport[],
  opts: SendReportsOptions = {},
): Promise<ReportAck[]> {
  const peer = coordinator.toString()
  const frames = encodeBatch(reports)
  const acks: ReportAck[] = []
  if (frames.length === 0) return acks

  const timeoutMs = opts.timeoutMs ?? 30_000
  const signal = AbortSignal.any([
    AbortSignal.timeout(timeoutMs),
    ...(opts.signal === undefined ? [] : [opts.signal]),
  ])
  let stream: Stream | undefined
  try {
    stream = await host.dialProtocol(coordinator, STATUS_PROTOCOL, { signal })
    const lp = lpStream(stream, { maxDataLength: MAX_SMALL_FRAME_BYTES })
    await lp.writeV(frames, { signal })
    await stream.close({ signal })
    for (const report of reports) {
      const wire = decodeStatusAck((await lp.read({ signal })).subarray())
      if (wire.sequence !== report.sequence) {
        throw new MeshRequestError(
          peer,
          `status ack for sequence ${wire.sequence} where ${report.sequence} was due`,
        )
      }
      const outcome = FROM_WIRE.get(wire.outcome)!
      const ack: ReportAck = { sequence: wire.sequence, outcome, reason: wire.reason }
      acks.push(ack)
      opts.onAck?.(ack, report)
    }

    return acks
  } catch (err) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    if (err instanceof MeshRequestError) throw err
    const what = `acks of ${reports.length} status reports (${acks.length} received)`
    throw new MeshRequestError(peer, `${what} not received`, { cause: err })
  }
}

/** The frames of a batch; throws InvalidStatusReportError or RangeError for one over a limit. */
function encodeBatch(reports: readonly StatusReport[]): Uint8Array[] {
  if (reports.length > MAX_STATUS_BATCH) {
    throw new RangeError(
      `${reports.length} status reports in one batch: at most ${MAX_STATUS_BATCH}`,
    )
  }
  const frames = reports.map((r) => StatusReport.encode(r))
  let total = 0
  frames.forEach((frame, i) => {
    if (frame.byteLength > MAX_SMALL_FRAME_BYTES) {
      const reason = `encodes to ${frame.byteLength} bytes, over ${MAX_SMALL_FRAME_BYTES}`
      throw new InvalidStatusReportError(reports[i].patchId, reason)
    }
    total += frame.byteLength
  })
  if (total > MAX_STATUS_BATCH_BYTES) {
    throw new RangeError(
      `${total} bytes of status reports in one batch: at most ${MAX_STATUS_BATCH_BYTES}`,
    )
  }

  return frames
}

/**
 * `text` made safe to carry: control characters (but line breaks and tabs when `multiline`)
 * replaced by U+FFFD, and cut to `max` characters.
 */
export function cleanText(text: string, max: number, multiline: boolean): string {
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  const control = multiline ? /[\u0000-\u0008\u000b-\u001f\u007f]/g : /[\u0000-\u001f\u007f]/g
  const clean = text.replace(control, '\ufffd')

  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}\u2026`
}
