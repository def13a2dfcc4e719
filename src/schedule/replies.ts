import type { DownloadState } from './download-state.ts'
import type { PeerState } from './peers.ts'
import type { FailureReason, PeerAction, ScheduledRequest } from './types.ts'

const NONE: readonly ScheduledRequest[] = Object.freeze([])

/**
 * Books a verified chunk: settles its request, learns from the reply time the peer's speed (and,
 * over the WAN, this node's WAN chunk time) and returns the other requests for the chunk, which
 * the caller is to cancel. A reply from a peer removed meanwhile, or a second copy, is accepted
 * and changes nothing else.
 */
export function onReceived(
  s: DownloadState,
  index: number,
  peerId: string,
  now: number,
): readonly ScheduledRequest[] {
  const peer = s.peers.find(peerId)
  if (peer !== undefined) {
    const sentAt = s.settle(peer, index)
    if (!Number.isNaN(sentAt)) {
      peer.failuresInRow = 0
      if (now > sentAt) peer.recordSpeed((s.bytesOf(index) * 1000) / (now - sentAt))
      if (peer.source !== 'site' && now >= sentAt) s.recordWanChunk(now - sentAt, now)
    }
  }
  if (s.have.get(index)) return NONE

  if (peer !== undefined) s.stats.received[peer.source]++
  const cancel = s.requests[index] > 0 ? cancelOthers(s, index) : NONE
  s.markHave(index)

  return cancel
}

/** Books a failed request and returns what the caller should do to the peer. */
export function onFailed(
  s: DownloadState,
  index: number,
  peerId: string,
  reason: FailureReason,
  now: number,
): PeerAction {
  const peer = s.peers.find(peerId)
  if (peer === undefined) return 'none'

  const wasInFlight = !Number.isNaN(s.settle(peer, index))
  s.stats.failed[reason]++

  switch (reason) {
    case 'bad-chunk':
      return strike(s, peer, now)
    case 'not-found':
      // Our view of its holdings was wrong (or it dropped the patch): correct it, no penalty.
      if (peer.holdings.clear(index) && !peer.banned) {
        s.dropHolder(peer, index)
        s.update(index, now)
      }

      return 'none'
    case 'timeout':
    case 'refused':
      // A failure of a request already cancelled or dropped says nothing new about the peer.
      if (wasInFlight) pause(s, peer, now)

      return 'none'
    case 'local':
      return 'none'
  }
}

function cancelOthers(s: DownloadState, index: number): ScheduledRequest[] {
  const cancel: ScheduledRequest[] = []

  for (const peer of s.peers.list) {
    if (!peer.hasRequest(index)) continue

    s.settle(peer, index)
    cancel.push({ index, peerId: peer.id, source: peer.source, bytes: s.bytesOf(index) })
  }
  s.stats.cancelled += cancel.length

  return cancel
}

/** Counts a bad chunk; at `banAfterBadChunks` the peer is banned from this patch for good. */
function strike(s: DownloadState, peer: PeerState, now: number): PeerAction {
  if (peer.banned) return 'disconnect'

  peer.badChunks++
  peer.failuresInRow++
  if (peer.badChunks < s.options.banAfterBadChunks) return 'penalise'

  s.detach(peer, now)
  peer.banned = true
  s.banned.add(peer.id)

  return 'disconnect'
}

/** Pauses the peer for `backoffMs`, doubled for each failure in a row, at most `maxBackoffMs`. */
function pause(s: DownloadState, peer: PeerState, now: number): void {
  const { backoffMs, maxBackoffMs } = s.options
  peer.failuresInRow++
  peer.pausedUntil = now + Math.min(maxBackoffMs, backoffMs * 2 ** (peer.failuresInRow - 1))
  s.pausesEndBy = Math.max(s.pausesEndBy, peer.pausedUntil)
}
