import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Hello {
    protocolVersion: number;
    site: string;
    role: string;
    holdings: Holding[];
    ring: string;
    groups: string[];
}
export declare namespace Hello {
    const codec: () => Codec<Hello>;
    interface HelloProtocolVersionFieldEvent {
        field: '$.protocolVersion';
        value: number;
    }
    interface HelloSiteFieldEvent {
        field: '$.site';
        value: string;
    }
    interface HelloRoleFieldEvent {
        field: '$.role';
        value: string;
    }
    interface HelloHoldingsPatchIdFieldEvent {
        field: '$.holdings[].patchId';
        value: string;
        index: number;
    }
    interface HelloHoldingsChunkCountFieldEvent {
        field: '$.holdings[].chunkCount';
        value: number;
        index: number;
    }
    interface HelloHoldingsBitfieldFieldEvent {
        field: '$.holdings[].bitfield';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface HelloRingFieldEvent {
        field: '$.ring';
        value: string;
    }
    interface HelloGroupsFieldEvent {
        field: '$.groups[]';
        index: number;
        value: string;
    }
    function encode(obj: Partial<Hello>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Hello>): Hello;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Hello>): Generator<HelloProtocolVersionFieldEvent | HelloSiteFieldEvent | HelloRoleFieldEvent | HelloHoldingsPatchIdFieldEvent | HelloHoldingsChunkCountFieldEvent | HelloHoldingsBitfieldFieldEvent | HelloRingFieldEvent | HelloGroupsFieldEvent>;
}
export interface Holding {
    patchId: string;
    chunkCount: number;
    bitfield: Uint8Array<ArrayBuffer>;
}
export declare namespace Holding {
    const codec: () => Codec<Holding>;
    interface HoldingPatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface HoldingChunkCountFieldEvent {
        field: '$.chunkCount';
        value: number;
    }
    interface HoldingBitfieldFieldEvent {
        field: '$.bitfield';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Holding>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Holding>): Holding;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Holding>): Generator<HoldingPatchIdFieldEvent | HoldingChunkCountFieldEvent | HoldingBitfieldFieldEvent>;
}
export interface Have {
    patchId: string;
    indexes: number[];
    chunkCount: number;
}
export declare namespace Have {
    const codec: () => Codec<Have>;
    interface HavePatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface HaveIndexesFieldEvent {
        field: '$.indexes[]';
        index: number;
        value: number;
    }
    interface HaveChunkCountFieldEvent {
        field: '$.chunkCount';
        value: number;
    }
    function encode(obj: Partial<Have>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Have>): Have;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Have>): Generator<HavePatchIdFieldEvent | HaveIndexesFieldEvent | HaveChunkCountFieldEvent>;
}
export interface ChunkRequest {
    patchId: string;
    index: number;
}
export declare namespace ChunkRequest {
    const codec: () => Codec<ChunkRequest>;
    interface ChunkRequestPatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface ChunkRequestIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    function encode(obj: Partial<ChunkRequest>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChunkRequest>): ChunkRequest;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChunkRequest>): Generator<ChunkRequestPatchIdFieldEvent | ChunkRequestIndexFieldEvent>;
}
export declare enum ChunkStatus {
    OK = "OK",
    NOT_FOUND = "NOT_FOUND",
    BUSY = "BUSY",
    REVOKED = "REVOKED"
}
export declare namespace ChunkStatus {
    const codec: () => Codec<ChunkStatus>;
}
export interface ChunkResponse {
    status: ChunkStatus;
    patchId: string;
    index: number;
    data: Uint8Array<ArrayBuffer>;
}
export declare namespace ChunkResponse {
    const codec: () => Codec<ChunkResponse>;
    interface ChunkResponseStatusFieldEvent {
        field: '$.status';
        value: ChunkStatus;
    }
    interface ChunkResponsePatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface ChunkResponseIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    interface ChunkResponseDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<ChunkResponse>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChunkResponse>): ChunkResponse;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChunkResponse>): Generator<ChunkResponseStatusFieldEvent | ChunkResponsePatchIdFieldEvent | ChunkResponseIndexFieldEvent | ChunkResponseDataFieldEvent>;
}
export interface StatusReport {
    nodeId: string;
    patchId: string;
    state: string;
    site: string;
    ring: string;
    chunksHeld: number;
    chunkCount: number;
    bytesOwnSite: number;
    bytesOtherSites: number;
    bytesOrigin: number;
    reason: string;
    sequence: number;
    timeMs: number;
    groups: string[];
}
export declare namespace StatusReport {
    const codec: () => Codec<StatusReport>;
    interface StatusReportNodeIdFieldEvent {
        field: '$.nodeId';
        value: string;
    }
    interface StatusReportPatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface StatusReportStateFieldEvent {
        field: '$.state';
        value: string;
    }
    interface StatusReportSiteFieldEvent {
        field: '$.site';
        value: string;
    }
    interface StatusReportRingFieldEvent {
        field: '$.ring';
        value: string;
    }
    interface StatusReportChunksHeldFieldEvent {
        field: '$.chunksHeld';
        value: number;
    }
    interface StatusReportChunkCountFieldEvent {
        field: '$.chunkCount';
        value: number;
    }
    interface StatusReportBytesOwnSiteFieldEvent {
        field: '$.bytesOwnSite';
        value: number;
    }
    interface StatusReportBytesOtherSitesFieldEvent {
        field: '$.bytesOtherSites';
        value: number;
    }
    interface StatusReportBytesOriginFieldEvent {
        field: '$.bytesOrigin';
        value: number;
    }
    interface StatusReportReasonFieldEvent {
        field: '$.reason';
        value: string;
    }
    interface StatusReportSequenceFieldEvent {
        field: '$.sequence';
        value: number;
    }
    interface StatusReportTimeMsFieldEvent {
        field: '$.timeMs';
        value: number;
    }
    interface StatusReportGroupsFieldEvent {
        field: '$.groups[]';
        index: number;
        value: string;
    }
    function encode(obj: Partial<StatusReport>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusReport>): StatusReport;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusReport>): Generator<StatusReportNodeIdFieldEvent | StatusReportPatchIdFieldEvent | StatusReportStateFieldEvent | StatusReportSiteFieldEvent | StatusReportRingFieldEvent | StatusReportChunksHeldFieldEvent | StatusReportChunkCountFieldEvent | StatusReportBytesOwnSiteFieldEvent | StatusReportBytesOtherSitesFieldEvent | StatusReportBytesOriginFieldEvent | StatusReportReasonFieldEvent | StatusReportSequenceFieldEvent | StatusReportTimeMsFieldEvent | StatusReportGroupsFieldEvent>;
}
export declare enum StatusOutcome {
    STATUS_OUTCOME_UNSPECIFIED = "STATUS_OUTCOME_UNSPECIFIED",
    RECORDED = "RECORDED",
    DUPLICATE = "DUPLICATE",
    STALE = "STALE",
    RETRY_LATER = "RETRY_LATER",
    REFUSED = "REFUSED"
}
export declare namespace StatusOutcome {
    const codec: () => Codec<StatusOutcome>;
}
export interface StatusAck {
    sequence: number;
    outcome: StatusOutcome;
    reason: string;
}
export declare namespace StatusAck {
    const codec: () => Codec<StatusAck>;
    interface StatusAckSequenceFieldEvent {
        field: '$.sequence';
        value: number;
    }
    interface StatusAckOutcomeFieldEvent {
        field: '$.outcome';
        value: StatusOutcome;
    }
    interface StatusAckReasonFieldEvent {
        field: '$.reason';
        value: string;
    }
    function encode(obj: Partial<StatusAck>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusAck>): StatusAck;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusAck>): Generator<StatusAckSequenceFieldEvent | StatusAckOutcomeFieldEvent | StatusAckReasonFieldEvent>;
}
export interface StatusOutbox {
    lastSequence: number;
    reports: StatusReport[];
}
export declare namespace StatusOutbox {
    const codec: () => Codec<StatusOutbox>;
    interface StatusOutboxLastSequenceFieldEvent {
        field: '$.lastSequence';
        value: number;
    }
    interface StatusOutboxReportsNodeIdFieldEvent {
        field: '$.reports[].nodeId';
        value: string;
        index: number;
    }
    interface StatusOutboxReportsPatchIdFieldEvent {
        field: '$.reports[].patchId';
        value: string;
        index: number;
    }
    interface StatusOutboxReportsStateFieldEvent {
        field: '$.reports[].state';
        value: string;
        index: number;
    }
    interface StatusOutboxReportsSiteFieldEvent {
        field: '$.reports[].site';
        value: string;
        index: number;
    }
    interface StatusOutboxReportsRingFieldEvent {
        field: '$.reports[].ring';
        value: string;
        index: number;
    }
    interface StatusOutboxReportsChunksHeldFieldEvent {
        field: '$.reports[].chunksHeld';
        value: number;
        index: number;
    }
    interface StatusOutboxReportsChunkCountFieldEvent {
        field: '$.reports[].chunkCount';
        value: number;
        index: number;
    }
    interface StatusOutboxReportsBytesOwnSiteFieldEvent {
        field: '$.reports[].bytesOwnSite';
        value: number;
        index: number;
    }
    interface StatusOutboxReportsBytesOtherSitesFieldEvent {
        field: '$.reports[].bytesOtherSites';
        value: number;
        index: number;
    }
    interface StatusOutboxReportsBytesOriginFieldEvent {
        field: '$.reports[].bytesOrigin';
        value: number;
        index: number;
    }
    interface StatusOutboxReportsReasonFieldEvent {
        field: '$.reports[].reason';
        value: string;
        index: number;
    }
    interface StatusOutboxReportsSequenceFieldEvent {
        field: '$.reports[].sequence';
        value: number;
        index: number;
    }
    interface StatusOutboxReportsTimeMsFieldEvent {
        field: '$.reports[].timeMs';
        value: number;
        index: number;
    }
    interface StatusOutboxReportsGroupsFieldEvent {
        field: '$.reports[].groups[]';
        index: number;
        value: string;
    }
    function encode(obj: Partial<StatusOutbox>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusOutbox>): StatusOutbox;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusOutbox>): Generator<StatusOutboxLastSequenceFieldEvent | StatusOutboxReportsNodeIdFieldEvent | StatusOutboxReportsPatchIdFieldEvent | StatusOutboxReportsStateFieldEvent | StatusOutboxReportsSiteFieldEvent | StatusOutboxReportsRingFieldEvent | StatusOutboxReportsChunksHeldFieldEvent | StatusOutboxReportsChunkCountFieldEvent | StatusOutboxReportsBytesOwnSiteFieldEvent | StatusOutboxReportsBytesOtherSitesFieldEvent | StatusOutboxReportsBytesOriginFieldEvent | StatusOutboxReportsReasonFieldEvent | StatusOutboxReportsSequenceFieldEvent | StatusOutboxReportsTimeMsFieldEvent | StatusOutboxReportsGroupsFieldEvent>;
}
