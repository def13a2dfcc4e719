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
    function encode(obj: Partial<StatusReport>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusReport>): StatusReport;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StatusReport>): Generator<StatusReportNodeIdFieldEvent | StatusReportPatchIdFieldEvent | StatusReportStateFieldEvent | StatusReportSiteFieldEvent | StatusReportRingFieldEvent | StatusReportChunksHeldFieldEvent | StatusReportChunkCountFieldEvent | StatusReportBytesOwnSiteFieldEvent | StatusReportBytesOtherSitesFieldEvent | StatusReportBytesOriginFieldEvent | StatusReportReasonFieldEvent | StatusReportSequenceFieldEvent | StatusReportTimeMsFieldEvent>;
}
