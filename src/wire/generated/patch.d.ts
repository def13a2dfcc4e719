import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Announcement {
    patchId: string;
    name: string;
    version: string;
    targets: string[];
    size: number;
    sha256: Uint8Array<ArrayBuffer>;
    chunkSize: number;
    manifestSha256: Uint8Array<ArrayBuffer>;
    sequence: number;
    issuedAtMs: number;
    expiresAtMs: number;
    description: string;
}
export declare namespace Announcement {
    const codec: () => Codec<Announcement>;
    interface AnnouncementPatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface AnnouncementNameFieldEvent {
        field: '$.name';
        value: string;
    }
    interface AnnouncementVersionFieldEvent {
        field: '$.version';
        value: string;
    }
    interface AnnouncementTargetsFieldEvent {
        field: '$.targets[]';
        index: number;
        value: string;
    }
    interface AnnouncementSizeFieldEvent {
        field: '$.size';
        value: number;
    }
    interface AnnouncementSha256FieldEvent {
        field: '$.sha256';
        value: Uint8Array<ArrayBuffer>;
    }
    interface AnnouncementChunkSizeFieldEvent {
        field: '$.chunkSize';
        value: number;
    }
    interface AnnouncementManifestSha256FieldEvent {
        field: '$.manifestSha256';
        value: Uint8Array<ArrayBuffer>;
    }
    interface AnnouncementSequenceFieldEvent {
        field: '$.sequence';
        value: number;
    }
    interface AnnouncementIssuedAtMsFieldEvent {
        field: '$.issuedAtMs';
        value: number;
    }
    interface AnnouncementExpiresAtMsFieldEvent {
        field: '$.expiresAtMs';
        value: number;
    }
    interface AnnouncementDescriptionFieldEvent {
        field: '$.description';
        value: string;
    }
    function encode(obj: Partial<Announcement>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Announcement;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Announcement>): Generator<AnnouncementPatchIdFieldEvent | AnnouncementNameFieldEvent | AnnouncementVersionFieldEvent | AnnouncementTargetsFieldEvent | AnnouncementSizeFieldEvent | AnnouncementSha256FieldEvent | AnnouncementChunkSizeFieldEvent | AnnouncementManifestSha256FieldEvent | AnnouncementSequenceFieldEvent | AnnouncementIssuedAtMsFieldEvent | AnnouncementExpiresAtMsFieldEvent | AnnouncementDescriptionFieldEvent>;
}
export interface Revocation {
    patchId: string;
    reason: string;
    sequence: number;
    issuedAtMs: number;
    expiresAtMs: number;
}
export declare namespace Revocation {
    const codec: () => Codec<Revocation>;
    interface RevocationPatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface RevocationReasonFieldEvent {
        field: '$.reason';
        value: string;
    }
    interface RevocationSequenceFieldEvent {
        field: '$.sequence';
        value: number;
    }
    interface RevocationIssuedAtMsFieldEvent {
        field: '$.issuedAtMs';
        value: number;
    }
    interface RevocationExpiresAtMsFieldEvent {
        field: '$.expiresAtMs';
        value: number;
    }
    function encode(obj: Partial<Revocation>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Revocation>): Revocation;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Revocation>): Generator<RevocationPatchIdFieldEvent | RevocationReasonFieldEvent | RevocationSequenceFieldEvent | RevocationIssuedAtMsFieldEvent | RevocationExpiresAtMsFieldEvent>;
}
export interface Manifest {
    size: number;
    chunkSize: number;
    sha256: Uint8Array<ArrayBuffer>;
    chunkHashes: Uint8Array<ArrayBuffer>;
}
export declare namespace Manifest {
    const codec: () => Codec<Manifest>;
    interface ManifestSizeFieldEvent {
        field: '$.size';
        value: number;
    }
    interface ManifestChunkSizeFieldEvent {
        field: '$.chunkSize';
        value: number;
    }
    interface ManifestSha256FieldEvent {
        field: '$.sha256';
        value: Uint8Array<ArrayBuffer>;
    }
    interface ManifestChunkHashesFieldEvent {
        field: '$.chunkHashes';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Manifest>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Manifest>): Manifest;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Manifest>): Generator<ManifestSizeFieldEvent | ManifestChunkSizeFieldEvent | ManifestSha256FieldEvent | ManifestChunkHashesFieldEvent>;
}
export interface Window {
    days: number;
    startMinute: number;
    durationMinutes: number;
}
export declare namespace Window {
    const codec: () => Codec<Window>;
    interface WindowDaysFieldEvent {
        field: '$.days';
        value: number;
    }
    interface WindowStartMinuteFieldEvent {
        field: '$.startMinute';
        value: number;
    }
    interface WindowDurationMinutesFieldEvent {
        field: '$.durationMinutes';
        value: number;
    }
    function encode(obj: Partial<Window>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Window>): Window;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Window>): Generator<WindowDaysFieldEvent | WindowStartMinuteFieldEvent | WindowDurationMinutesFieldEvent>;
}
export interface Approval {
    patchId: string;
    ring: string;
    group: string;
    notBeforeMs: number;
    deadlineMs: number;
    windows: Window[];
    sequence: number;
    issuedAtMs: number;
    expiresAtMs: number;
}
export declare namespace Approval {
    const codec: () => Codec<Approval>;
    interface ApprovalPatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface ApprovalRingFieldEvent {
        field: '$.ring';
        value: string;
    }
    interface ApprovalGroupFieldEvent {
        field: '$.group';
        value: string;
    }
    interface ApprovalNotBeforeMsFieldEvent {
        field: '$.notBeforeMs';
        value: number;
    }
    interface ApprovalDeadlineMsFieldEvent {
        field: '$.deadlineMs';
        value: number;
    }
    interface ApprovalWindowsDaysFieldEvent {
        field: '$.windows[].days';
        value: number;
        index: number;
    }
    interface ApprovalWindowsStartMinuteFieldEvent {
        field: '$.windows[].startMinute';
        value: number;
        index: number;
    }
    interface ApprovalWindowsDurationMinutesFieldEvent {
        field: '$.windows[].durationMinutes';
        value: number;
        index: number;
    }
    interface ApprovalSequenceFieldEvent {
        field: '$.sequence';
        value: number;
    }
    interface ApprovalIssuedAtMsFieldEvent {
        field: '$.issuedAtMs';
        value: number;
    }
    interface ApprovalExpiresAtMsFieldEvent {
        field: '$.expiresAtMs';
        value: number;
    }
    function encode(obj: Partial<Approval>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Approval>): Approval;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Approval>): Generator<ApprovalPatchIdFieldEvent | ApprovalRingFieldEvent | ApprovalGroupFieldEvent | ApprovalNotBeforeMsFieldEvent | ApprovalDeadlineMsFieldEvent | ApprovalWindowsDaysFieldEvent | ApprovalWindowsStartMinuteFieldEvent | ApprovalWindowsDurationMinutesFieldEvent | ApprovalSequenceFieldEvent | ApprovalIssuedAtMsFieldEvent | ApprovalExpiresAtMsFieldEvent>;
}
export interface Halt {
    patchId: string;
    reason: string;
    sequence: number;
    issuedAtMs: number;
    expiresAtMs: number;
}
export declare namespace Halt {
    const codec: () => Codec<Halt>;
    interface HaltPatchIdFieldEvent {
        field: '$.patchId';
        value: string;
    }
    interface HaltReasonFieldEvent {
        field: '$.reason';
        value: string;
    }
    interface HaltSequenceFieldEvent {
        field: '$.sequence';
        value: number;
    }
    interface HaltIssuedAtMsFieldEvent {
        field: '$.issuedAtMs';
        value: number;
    }
    interface HaltExpiresAtMsFieldEvent {
        field: '$.expiresAtMs';
        value: number;
    }
    function encode(obj: Partial<Halt>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Halt>): Halt;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Halt>): Generator<HaltPatchIdFieldEvent | HaltReasonFieldEvent | HaltSequenceFieldEvent | HaltIssuedAtMsFieldEvent | HaltExpiresAtMsFieldEvent>;
}
