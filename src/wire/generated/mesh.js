import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var Hello;
(function (Hello) {
    let _codec;
    Hello.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.protocolVersion != null && obj.protocolVersion !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.protocolVersion);
                }
                if ((obj.site != null && obj.site !== '')) {
                    w.uint32(18);
                    w.string(obj.site);
                }
                if ((obj.role != null && obj.role !== '')) {
                    w.uint32(26);
                    w.string(obj.role);
                }
                if (obj.holdings != null && obj.holdings.length > 0) {
                    for (const value of obj.holdings) {
                        w.uint32(34);
                        Holding.codec().encode(value, w);
                    }
                }
                if ((obj.ring != null && obj.ring !== '')) {
                    w.uint32(42);
                    w.string(obj.ring);
                }
                if (obj.groups != null && obj.groups.length > 0) {
                    for (const value of obj.groups) {
                        w.uint32(50);
                        w.string(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    protocolVersion: 0,
                    site: '',
                    role: '',
                    holdings: [],
                    ring: '',
                    groups: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.protocolVersion = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.site = reader.string();
                            break;
                        }
                        case 3: {
                            obj.role = reader.string();
                            break;
                        }
                        case 4: {
                            if (opts.limits?.holdings != null && obj.holdings.length === opts.limits.holdings) {
                                throw new MaxLengthError('Decode error - repeated field "holdings" had too many elements');
                            }
                            if (obj.holdings.length === 256) {
                                throw new MaxLengthError('Decode error - repeated field "holdings" had too many elements');
                            }
                            obj.holdings.push(Holding.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.holdings$
                            }));
                            break;
                        }
                        case 5: {
                            obj.ring = reader.string();
                            break;
                        }
                        case 6: {
                            if (opts.limits?.groups != null && obj.groups.length === opts.limits.groups) {
                                throw new MaxLengthError('Decode error - repeated field "groups" had too many elements');
                            }
                            if (obj.groups.length === 64) {
                                throw new MaxLengthError('Decode error - repeated field "groups" had too many elements');
                            }
                            obj.groups.push(reader.string());
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
                    holdings: 256,
                    groups: 64
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.protocolVersion`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.site`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.role`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            if (opts.limits?.holdings != null && obj.holdings === opts.limits.holdings) {
                                throw new MaxLengthError('Streaming decode error - repeated field "holdings" had too many elements');
                            }
                            if (obj.holdings === 256) {
                                throw new MaxLengthError('Streaming decode error - repeated field "holdings" had too many elements');
                            }
                            for (const evt of Holding.codec().stream(reader, reader.uint32(), `${prefix}.holdings[]`, {
                                limits: opts.limits?.holdings$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.holdings
                                };
                            }
                            obj.holdings++;
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.ring`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 6: {
                            if (opts.limits?.groups != null && obj.groups === opts.limits.groups) {
                                throw new MaxLengthError('Streaming decode error - repeated field "groups" had too many elements');
                            }
                            if (obj.groups === 64) {
                                throw new MaxLengthError('Streaming decode error - repeated field "groups" had too many elements');
                            }
                            yield {
                                field: `${prefix}.groups[]`,
                                index: obj.groups,
                                value: reader.string()
                            };
                            obj.groups++;
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
        return encodeMessage(obj, Hello.codec());
    }
    Hello.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Hello.codec(), opts);
    }
    Hello.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Hello.codec(), opts);
    }
    Hello.stream = stream;
})(Hello || (Hello = {}));
export var Holding;
(function (Holding) {
    let _codec;
    Holding.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(10);
                    w.string(obj.patchId);
                }
                if ((obj.chunkCount != null && obj.chunkCount !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.chunkCount);
                }
                if ((obj.bitfield != null && obj.bitfield.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.bitfield);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    patchId: '',
                    chunkCount: 0,
                    bitfield: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.patchId = reader.string();
                            break;
                        }
                        case 2: {
                            obj.chunkCount = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.bitfield = reader.bytes();
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
                                field: `${prefix}.patchId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.chunkCount`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.bitfield`,
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
        return encodeMessage(obj, Holding.codec());
    }
    Holding.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Holding.codec(), opts);
    }
    Holding.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Holding.codec(), opts);
    }
    Holding.stream = stream;
})(Holding || (Holding = {}));
export var Have;
(function (Have) {
    let _codec;
    Have.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(10);
                    w.string(obj.patchId);
                }
                if (obj.indexes != null && obj.indexes.length > 0) {
                    for (const value of obj.indexes) {
                        w.uint32(16);
                        w.uint32(value);
                    }
                }
                if ((obj.chunkCount != null && obj.chunkCount !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.chunkCount);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    patchId: '',
                    indexes: [],
                    chunkCount: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.patchId = reader.string();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.indexes != null && obj.indexes.length === opts.limits.indexes) {
                                throw new MaxLengthError('Decode error - repeated field "indexes" had too many elements');
                            }
                            if (obj.indexes.length === 4096) {
                                throw new MaxLengthError('Decode error - repeated field "indexes" had too many elements');
                            }
                            obj.indexes.push(reader.uint32());
                            break;
                        }
                        case 3: {
                            obj.chunkCount = reader.uint32();
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
                    indexes: 4096
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.patchId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.indexes != null && obj.indexes === opts.limits.indexes) {
                                throw new MaxLengthError('Streaming decode error - repeated field "indexes" had too many elements');
                            }
                            if (obj.indexes === 4096) {
                                throw new MaxLengthError('Streaming decode error - repeated field "indexes" had too many elements');
                            }
                            yield {
                                field: `${prefix}.indexes[]`,
                                index: obj.indexes,
                                value: reader.uint32()
                            };
                            obj.indexes++;
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.chunkCount`,
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
        return encodeMessage(obj, Have.codec());
    }
    Have.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Have.codec(), opts);
    }
    Have.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Have.codec(), opts);
    }
    Have.stream = stream;
})(Have || (Have = {}));
export var ChunkRequest;
(function (ChunkRequest) {
    let _codec;
    ChunkRequest.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(10);
                    w.string(obj.patchId);
                }
                if ((obj.index != null && obj.index !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.index);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    patchId: '',
                    index: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.patchId = reader.string();
                            break;
                        }
                        case 2: {
                            obj.index = reader.uint32();
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
                                field: `${prefix}.patchId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.index`,
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
        return encodeMessage(obj, ChunkRequest.codec());
    }
    ChunkRequest.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ChunkRequest.codec(), opts);
    }
    ChunkRequest.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ChunkRequest.codec(), opts);
    }
    ChunkRequest.stream = stream;
})(ChunkRequest || (ChunkRequest = {}));
export var ChunkStatus;
(function (ChunkStatus) {
    ChunkStatus["OK"] = "OK";
    ChunkStatus["NOT_FOUND"] = "NOT_FOUND";
    ChunkStatus["BUSY"] = "BUSY";
    ChunkStatus["REVOKED"] = "REVOKED";
})(ChunkStatus || (ChunkStatus = {}));
var __ChunkStatusValues;
(function (__ChunkStatusValues) {
    __ChunkStatusValues[__ChunkStatusValues["OK"] = 0] = "OK";
    __ChunkStatusValues[__ChunkStatusValues["NOT_FOUND"] = 1] = "NOT_FOUND";
    __ChunkStatusValues[__ChunkStatusValues["BUSY"] = 2] = "BUSY";
    __ChunkStatusValues[__ChunkStatusValues["REVOKED"] = 3] = "REVOKED";
})(__ChunkStatusValues || (__ChunkStatusValues = {}));
(function (ChunkStatus) {
    ChunkStatus.codec = () => {
        return enumeration(__ChunkStatusValues);
    };
})(ChunkStatus || (ChunkStatus = {}));
export var ChunkResponse;
(function (ChunkResponse) {
    let _codec;
    ChunkResponse.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.status != null && __ChunkStatusValues[obj.status] !== 0) {
                    w.uint32(8);
                    ChunkStatus.codec().encode(obj.status, w);
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(18);
                    w.string(obj.patchId);
                }
                if ((obj.index != null && obj.index !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.index);
                }
                if ((obj.data != null && obj.data.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.data);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    status: ChunkStatus.OK,
                    patchId: '',
                    index: 0,
                    data: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.status = ChunkStatus.codec().decode(reader);
                            break;
                        }
                        case 2: {
                            obj.patchId = reader.string();
                            break;
                        }
                        case 3: {
                            obj.index = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.data = reader.bytes();
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
                                field: `${prefix}.status`,
                                value: ChunkStatus.codec().decode(reader)
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.patchId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.index`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.data`,
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
        return encodeMessage(obj, ChunkResponse.codec());
    }
    ChunkResponse.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ChunkResponse.codec(), opts);
    }
    ChunkResponse.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ChunkResponse.codec(), opts);
    }
    ChunkResponse.stream = stream;
})(ChunkResponse || (ChunkResponse = {}));
export var StatusReport;
(function (StatusReport) {
    let _codec;
    StatusReport.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.nodeId != null && obj.nodeId !== '')) {
                    w.uint32(10);
                    w.string(obj.nodeId);
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(18);
                    w.string(obj.patchId);
                }
                if ((obj.state != null && obj.state !== '')) {
                    w.uint32(26);
                    w.string(obj.state);
                }
                if ((obj.site != null && obj.site !== '')) {
                    w.uint32(34);
                    w.string(obj.site);
                }
                if ((obj.ring != null && obj.ring !== '')) {
                    w.uint32(42);
                    w.string(obj.ring);
                }
                if ((obj.chunksHeld != null && obj.chunksHeld !== 0)) {
                    w.uint32(48);
                    w.uint32(obj.chunksHeld);
                }
                if ((obj.chunkCount != null && obj.chunkCount !== 0)) {
                    w.uint32(56);
                    w.uint32(obj.chunkCount);
                }
                if ((obj.bytesOwnSite != null && obj.bytesOwnSite !== 0)) {
                    w.uint32(64);
                    w.uint64Number(obj.bytesOwnSite);
                }
                if ((obj.bytesOtherSites != null && obj.bytesOtherSites !== 0)) {
                    w.uint32(72);
                    w.uint64Number(obj.bytesOtherSites);
                }
                if ((obj.bytesOrigin != null && obj.bytesOrigin !== 0)) {
                    w.uint32(80);
                    w.uint64Number(obj.bytesOrigin);
                }
                if ((obj.reason != null && obj.reason !== '')) {
                    w.uint32(90);
                    w.string(obj.reason);
                }
                if ((obj.sequence != null && obj.sequence !== 0)) {
                    w.uint32(96);
                    w.uint64Number(obj.sequence);
                }
                if ((obj.timeMs != null && obj.timeMs !== 0)) {
                    w.uint32(104);
                    w.uint64Number(obj.timeMs);
                }
                if (obj.groups != null && obj.groups.length > 0) {
                    for (const value of obj.groups) {
                        w.uint32(114);
                        w.string(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    nodeId: '',
                    patchId: '',
                    state: '',
                    site: '',
                    ring: '',
                    chunksHeld: 0,
                    chunkCount: 0,
                    bytesOwnSite: 0,
                    bytesOtherSites: 0,
                    bytesOrigin: 0,
                    reason: '',
                    sequence: 0,
                    timeMs: 0,
                    groups: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.nodeId = reader.string();
                            break;
                        }
                        case 2: {
                            obj.patchId = reader.string();
                            break;
                        }
                        case 3: {
                            obj.state = reader.string();
                            break;
                        }
                        case 4: {
                            obj.site = reader.string();
                            break;
                        }
                        case 5: {
                            obj.ring = reader.string();
                            break;
                        }
                        case 6: {
                            obj.chunksHeld = reader.uint32();
                            break;
                        }
                        case 7: {
                            obj.chunkCount = reader.uint32();
                            break;
                        }
                        case 8: {
                            obj.bytesOwnSite = reader.uint64Number();
                            break;
                        }
                        case 9: {
                            obj.bytesOtherSites = reader.uint64Number();
                            break;
                        }
                        case 10: {
                            obj.bytesOrigin = reader.uint64Number();
                            break;
                        }
                        case 11: {
                            obj.reason = reader.string();
                            break;
                        }
                        case 12: {
                            obj.sequence = reader.uint64Number();
                            break;
                        }
                        case 13: {
                            obj.timeMs = reader.uint64Number();
                            break;
                        }
                        case 14: {
                            if (opts.limits?.groups != null && obj.groups.length === opts.limits.groups) {
                                throw new MaxLengthError('Decode error - repeated field "groups" had too many elements');
                            }
                            if (obj.groups.length === 64) {
                                throw new MaxLengthError('Decode error - repeated field "groups" had too many elements');
                            }
                            obj.groups.push(reader.string());
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
                    groups: 64
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.nodeId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.patchId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.state`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.site`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.ring`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.chunksHeld`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.chunkCount`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.bytesOwnSite`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.bytesOtherSites`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.bytesOrigin`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 11: {
                            yield {
                                field: `${prefix}.reason`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 12: {
                            yield {
                                field: `${prefix}.sequence`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 13: {
                            yield {
                                field: `${prefix}.timeMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 14: {
                            if (opts.limits?.groups != null && obj.groups === opts.limits.groups) {
                                throw new MaxLengthError('Streaming decode error - repeated field "groups" had too many elements');
                            }
                            if (obj.groups === 64) {
                                throw new MaxLengthError('Streaming decode error - repeated field "groups" had too many elements');
                            }
                            yield {
                                field: `${prefix}.groups[]`,
                                index: obj.groups,
                                value: reader.string()
                            };
                            obj.groups++;
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
        return encodeMessage(obj, StatusReport.codec());
    }
    StatusReport.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, StatusReport.codec(), opts);
    }
    StatusReport.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, StatusReport.codec(), opts);
    }
    StatusReport.stream = stream;
})(StatusReport || (StatusReport = {}));
export var StatusOutcome;
(function (StatusOutcome) {
    StatusOutcome["STATUS_OUTCOME_UNSPECIFIED"] = "STATUS_OUTCOME_UNSPECIFIED";
    StatusOutcome["RECORDED"] = "RECORDED";
    StatusOutcome["DUPLICATE"] = "DUPLICATE";
    StatusOutcome["STALE"] = "STALE";
    StatusOutcome["RETRY_LATER"] = "RETRY_LATER";
    StatusOutcome["REFUSED"] = "REFUSED";
})(StatusOutcome || (StatusOutcome = {}));
var __StatusOutcomeValues;
(function (__StatusOutcomeValues) {
    __StatusOutcomeValues[__StatusOutcomeValues["STATUS_OUTCOME_UNSPECIFIED"] = 0] = "STATUS_OUTCOME_UNSPECIFIED";
    __StatusOutcomeValues[__StatusOutcomeValues["RECORDED"] = 1] = "RECORDED";
    __StatusOutcomeValues[__StatusOutcomeValues["DUPLICATE"] = 2] = "DUPLICATE";
    __StatusOutcomeValues[__StatusOutcomeValues["STALE"] = 3] = "STALE";
    __StatusOutcomeValues[__StatusOutcomeValues["RETRY_LATER"] = 4] = "RETRY_LATER";
    __StatusOutcomeValues[__StatusOutcomeValues["REFUSED"] = 5] = "REFUSED";
})(__StatusOutcomeValues || (__StatusOutcomeValues = {}));
(function (StatusOutcome) {
    StatusOutcome.codec = () => {
        return enumeration(__StatusOutcomeValues);
    };
})(StatusOutcome || (StatusOutcome = {}));
export var StatusAck;
(function (StatusAck) {
    let _codec;
    StatusAck.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.sequence != null && obj.sequence !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.sequence);
                }
                if (obj.outcome != null && __StatusOutcomeValues[obj.outcome] !== 0) {
                    w.uint32(16);
                    StatusOutcome.codec().encode(obj.outcome, w);
                }
                if ((obj.reason != null && obj.reason !== '')) {
                    w.uint32(26);
                    w.string(obj.reason);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    sequence: 0,
                    outcome: StatusOutcome.STATUS_OUTCOME_UNSPECIFIED,
                    reason: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.sequence = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.outcome = StatusOutcome.codec().decode(reader);
                            break;
                        }
                        case 3: {
                            obj.reason = reader.string();
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
                                field: `${prefix}.sequence`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.outcome`,
                                value: StatusOutcome.codec().decode(reader)
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.reason`,
                                value: reader.string()
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
        return encodeMessage(obj, StatusAck.codec());
    }
    StatusAck.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, StatusAck.codec(), opts);
    }
    StatusAck.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, StatusAck.codec(), opts);
    }
    StatusAck.stream = stream;
})(StatusAck || (StatusAck = {}));
export var StatusOutbox;
(function (StatusOutbox) {
    let _codec;
    StatusOutbox.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.lastSequence != null && obj.lastSequence !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.lastSequence);
                }
                if (obj.reports != null && obj.reports.length > 0) {
                    for (const value of obj.reports) {
                        w.uint32(18);
                        StatusReport.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    lastSequence: 0,
                    reports: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.lastSequence = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.reports != null && obj.reports.length === opts.limits.reports) {
                                throw new MaxLengthError('Decode error - repeated field "reports" had too many elements');
                            }
                            if (obj.reports.length === 256) {
                                throw new MaxLengthError('Decode error - repeated field "reports" had too many elements');
                            }
                            obj.reports.push(StatusReport.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.reports$
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
                    reports: 256
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.lastSequence`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.reports != null && obj.reports === opts.limits.reports) {
                                throw new MaxLengthError('Streaming decode error - repeated field "reports" had too many elements');
                            }
                            if (obj.reports === 256) {
                                throw new MaxLengthError('Streaming decode error - repeated field "reports" had too many elements');
                            }
                            for (const evt of StatusReport.codec().stream(reader, reader.uint32(), `${prefix}.reports[]`, {
                                limits: opts.limits?.reports$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.reports
                                };
                            }
                            obj.reports++;
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
        return encodeMessage(obj, StatusOutbox.codec());
    }
    StatusOutbox.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, StatusOutbox.codec(), opts);
    }
    StatusOutbox.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, StatusOutbox.codec(), opts);
    }
    StatusOutbox.stream = stream;
})(StatusOutbox || (StatusOutbox = {}));
