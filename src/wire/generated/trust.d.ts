import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Envelope {
    payloadType: string;
    payload: Uint8Array<ArrayBuffer>;
    signatures: Signature[];
}
export declare namespace Envelope {
    const codec: () => Codec<Envelope>;
    interface EnvelopePayloadTypeFieldEvent {
        field: '$.payloadType';
        value: string;
    }
    interface EnvelopePayloadFieldEvent {
        field: '$.payload';
        value: Uint8Array<ArrayBuffer>;
    }
    interface EnvelopeSignaturesKeyIdFieldEvent {
        field: '$.signatures[].keyId';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface EnvelopeSignaturesSigFieldEvent {
        field: '$.signatures[].sig';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    function encode(obj: Partial<Envelope>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopePayloadTypeFieldEvent | EnvelopePayloadFieldEvent | EnvelopeSignaturesKeyIdFieldEvent | EnvelopeSignaturesSigFieldEvent>;
}
export interface Signature {
    keyId: Uint8Array<ArrayBuffer>;
    sig: Uint8Array<ArrayBuffer>;
}
export declare namespace Signature {
    const codec: () => Codec<Signature>;
    interface SignatureKeyIdFieldEvent {
        field: '$.keyId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface SignatureSigFieldEvent {
        field: '$.sig';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Signature>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signature>): Signature;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Signature>): Generator<SignatureKeyIdFieldEvent | SignatureSigFieldEvent>;
}
export interface Root {
    version: number;
    issuedAtMs: number;
    expiresAtMs: number;
    keys: PublicKey[];
    roles: Role[];
}
export declare namespace Root {
    const codec: () => Codec<Root>;
    interface RootVersionFieldEvent {
        field: '$.version';
        value: number;
    }
    interface RootIssuedAtMsFieldEvent {
        field: '$.issuedAtMs';
        value: number;
    }
    interface RootExpiresAtMsFieldEvent {
        field: '$.expiresAtMs';
        value: number;
    }
    interface RootKeysKeyIdFieldEvent {
        field: '$.keys[].keyId';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface RootKeysEd25519FieldEvent {
        field: '$.keys[].ed25519';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface RootRolesNameFieldEvent {
        field: '$.roles[].name';
        value: string;
        index: number;
    }
    interface RootRolesKeyIdsFieldEvent {
        field: '$.roles[].keyIds[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    interface RootRolesThresholdFieldEvent {
        field: '$.roles[].threshold';
        value: number;
        index: number;
    }
    function encode(obj: Partial<Root>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Root>): Root;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Root>): Generator<RootVersionFieldEvent | RootIssuedAtMsFieldEvent | RootExpiresAtMsFieldEvent | RootKeysKeyIdFieldEvent | RootKeysEd25519FieldEvent | RootRolesNameFieldEvent | RootRolesKeyIdsFieldEvent | RootRolesThresholdFieldEvent>;
}
export interface PublicKey {
    keyId: Uint8Array<ArrayBuffer>;
    ed25519: Uint8Array<ArrayBuffer>;
}
export declare namespace PublicKey {
    const codec: () => Codec<PublicKey>;
    interface PublicKeyKeyIdFieldEvent {
        field: '$.keyId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PublicKeyEd25519FieldEvent {
        field: '$.ed25519';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<PublicKey>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PublicKey>): PublicKey;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PublicKey>): Generator<PublicKeyKeyIdFieldEvent | PublicKeyEd25519FieldEvent>;
}
export interface Role {
    name: string;
    keyIds: Uint8Array<ArrayBuffer>[];
    threshold: number;
}
export declare namespace Role {
    const codec: () => Codec<Role>;
    interface RoleNameFieldEvent {
        field: '$.name';
        value: string;
    }
    interface RoleKeyIdsFieldEvent {
        field: '$.keyIds[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    interface RoleThresholdFieldEvent {
        field: '$.threshold';
        value: number;
    }
    function encode(obj: Partial<Role>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Role>): Role;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Role>): Generator<RoleNameFieldEvent | RoleKeyIdsFieldEvent | RoleThresholdFieldEvent>;
}
