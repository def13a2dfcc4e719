import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var Envelope;
(function (Envelope) {
    let _codec;
    Envelope.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.payloadType != null && obj.payloadType !== '')) {
                    w.uint32(10);
                    w.string(obj.payloadType);
                }
                if ((obj.payload != null && obj.payload.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.payload);
                }
                if (obj.signatures != null && obj.signatures.length > 0) {
                    for (const value of obj.signatures) {
                        w.uint32(26);
                        Signature.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    payloadType: '',
                    payload: uint8ArrayAlloc(0),
                    signatures: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.payloadType = reader.string();
                            break;
                        }
                        case 2: {
                            obj.payload = reader.bytes();
                            break;
                        }
                        case 3: {
                            if (opts.limits?.signatures != null && obj.signatures.length === opts.limits.signatures) {
                                throw new MaxLengthError('Decode error - repeated field "signatures" had too many elements');
                            }
                            if (obj.signatures.length === 64) {
                                throw new MaxLengthError('Decode error - repeated field "signatures" had too many elements');
                            }
                            obj.signatures.push(Signature.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.signatures$
                            }));
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    signatures: 64
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.payloadType`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.payload`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            if (opts.limits?.signatures != null && obj.signatures === opts.limits.signatures) {
                                throw new MaxLengthError('Streaming decode error - repeated field "signatures" had too many elements');
                            }
                            if (obj.signatures === 64) {
                                throw new MaxLengthError('Streaming decode error - repeated field "signatures" had too many elements');
                            }
                            for (const evt of Signature.codec().stream(reader, reader.uint32(), `${prefix}.signatures[]`, {
                                limits: opts.limits?.signatures$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.signatures
                                };
                            }
                            obj.signatures++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Envelope.codec());
    }
    Envelope.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Envelope.codec(), opts);
    }
    Envelope.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Envelope.codec(), opts);
    }
    Envelope.stream = stream;
})(Envelope || (Envelope = {}));
export var Signature;
(function (Signature) {
    let _codec;
    Signature.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.keyId != null && obj.keyId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.keyId);
                }
                if ((obj.sig != null && obj.sig.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.sig);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    keyId: uint8ArrayAlloc(0),
                    sig: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.keyId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.sig = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.keyId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.sig`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Signature.codec());
    }
    Signature.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Signature.codec(), opts);
    }
    Signature.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Signature.codec(), opts);
    }
    Signature.stream = stream;
})(Signature || (Signature = {}));
export var Root;
(function (Root) {
    let _codec;
    Root.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.version != null && obj.version !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.version);
                }
                if ((obj.issuedAtMs != null && obj.issuedAtMs !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.issuedAtMs);
                }
                if ((obj.expiresAtMs != null && obj.expiresAtMs !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.expiresAtMs);
                }
                if (obj.keys != null && obj.keys.length > 0) {
                    for (const value of obj.keys) {
                        w.uint32(34);
                        PublicKey.codec().encode(value, w);
                    }
                }
                if (obj.roles != null && obj.roles.length > 0) {
                    for (const value of obj.roles) {
                        w.uint32(42);
                        Role.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    version: 0,
                    issuedAtMs: 0,
                    expiresAtMs: 0,
                    keys: [],
                    roles: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.version = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.issuedAtMs = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            obj.expiresAtMs = reader.uint64Number();
                            break;
                        }
                        case 4: {
                            if (opts.limits?.keys != null && obj.keys.length === opts.limits.keys) {
                                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements');
                            }
                            if (obj.keys.length === 64) {
                                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements');
                            }
                            obj.keys.push(PublicKey.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.keys$
                            }));
                            break;
                        }
                        case 5: {
                            if (opts.limits?.roles != null && obj.roles.length === opts.limits.roles) {
                                throw new MaxLengthError('Decode error - repeated field "roles" had too many elements');
                            }
                            if (obj.roles.length === 8) {
                                throw new MaxLengthError('Decode error - repeated field "roles" had too many elements');
                            }
                            obj.roles.push(Role.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.roles$
                            }));
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    keys: 64,
                    roles: 8
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.version`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.issuedAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.expiresAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 4: {
                            if (opts.limits?.keys != null && obj.keys === opts.limits.keys) {
                                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements');
                            }
                            if (obj.keys === 64) {
                                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements');
                            }
                            for (const evt of PublicKey.codec().stream(reader, reader.uint32(), `${prefix}.keys[]`, {
                                limits: opts.limits?.keys$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.keys
                                };
                            }
                            obj.keys++;
                            break;
                        }
                        case 5: {
                            if (opts.limits?.roles != null && obj.roles === opts.limits.roles) {
                                throw new MaxLengthError('Streaming decode error - repeated field "roles" had too many elements');
                            }
                            if (obj.roles === 8) {
                                throw new MaxLengthError('Streaming decode error - repeated field "roles" had too many elements');
                            }
                            for (const evt of Role.codec().stream(reader, reader.uint32(), `${prefix}.roles[]`, {
                                limits: opts.limits?.roles$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.roles
                                };
                            }
                            obj.roles++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Root.codec());
    }
    Root.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Root.codec(), opts);
    }
    Root.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Root.codec(), opts);
    }
    Root.stream = stream;
})(Root || (Root = {}));
export var PublicKey;
(function (PublicKey) {
    let _codec;
    PublicKey.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.keyId != null && obj.keyId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.keyId);
                }
                if ((obj.ed25519 != null && obj.ed25519.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.ed25519);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    keyId: uint8ArrayAlloc(0),
                    ed25519: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.keyId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.ed25519 = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.keyId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.ed25519`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, PublicKey.codec());
    }
    PublicKey.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, PublicKey.codec(), opts);
    }
    PublicKey.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, PublicKey.codec(), opts);
    }
    PublicKey.stream = stream;
})(PublicKey || (PublicKey = {}));
export var Role;
(function (Role) {
    let _codec;
    Role.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.name != null && obj.name !== '')) {
                    w.uint32(10);
                    w.string(obj.name);
                }
                if (obj.keyIds != null && obj.keyIds.length > 0) {
                    for (const value of obj.keyIds) {
                        w.uint32(18);
                        w.bytes(value);
                    }
                }
                if ((obj.threshold != null && obj.threshold !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.threshold);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    name: '',
                    keyIds: [],
                    threshold: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.name = reader.string();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.keyIds != null && obj.keyIds.length === opts.limits.keyIds) {
                                throw new MaxLengthError('Decode error - repeated field "keyIds" had too many elements');
                            }
                            if (obj.keyIds.length === 64) {
                                throw new MaxLengthError('Decode error - repeated field "keyIds" had too many elements');
                            }
                            obj.keyIds.push(reader.bytes());
                            break;
                        }
                        case 3: {
                            obj.threshold = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    keyIds: 64
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.name`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.keyIds != null && obj.keyIds === opts.limits.keyIds) {
                                throw new MaxLengthError('Streaming decode error - repeated field "keyIds" had too many elements');
                            }
                            if (obj.keyIds === 64) {
                                throw new MaxLengthError('Streaming decode error - repeated field "keyIds" had too many elements');
                            }
                            yield {
                                field: `${prefix}.keyIds[]`,
                                index: obj.keyIds,
                                value: reader.bytes()
                            };
                            obj.keyIds++;
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.threshold`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Role.codec());
    }
    Role.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Role.codec(), opts);
    }
    Role.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Role.codec(), opts);
    }
    Role.stream = stream;
})(Role || (Role = {}));
