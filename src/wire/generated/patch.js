import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var Announcement;
(function (Announcement) {
    let _codec;
    Announcement.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(10);
                    w.string(obj.patchId);
                }
                if ((obj.name != null && obj.name !== '')) {
                    w.uint32(18);
                    w.string(obj.name);
                }
                if ((obj.version != null && obj.version !== '')) {
                    w.uint32(26);
                    w.string(obj.version);
                }
                if (obj.targets != null && obj.targets.length > 0) {
                    for (const value of obj.targets) {
                        w.uint32(34);
                        w.string(value);
                    }
                }
                if ((obj.size != null && obj.size !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.size);
                }
                if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
                    w.uint32(50);
                    w.bytes(obj.sha256);
                }
                if ((obj.chunkSize != null && obj.chunkSize !== 0)) {
                    w.uint32(56);
                    w.uint32(obj.chunkSize);
                }
                if ((obj.manifestSha256 != null && obj.manifestSha256.byteLength > 0)) {
                    w.uint32(66);
                    w.bytes(obj.manifestSha256);
                }
                if ((obj.sequence != null && obj.sequence !== 0)) {
                    w.uint32(72);
                    w.uint64Number(obj.sequence);
                }
                if ((obj.issuedAtMs != null && obj.issuedAtMs !== 0)) {
                    w.uint32(80);
                    w.uint64Number(obj.issuedAtMs);
                }
                if ((obj.expiresAtMs != null && obj.expiresAtMs !== 0)) {
                    w.uint32(88);
                    w.uint64Number(obj.expiresAtMs);
                }
                if ((obj.description != null && obj.description !== '')) {
                    w.uint32(98);
                    w.string(obj.description);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    patchId: '',
                    name: '',
                    version: '',
                    targets: [],
                    size: 0,
                    sha256: uint8ArrayAlloc(0),
                    chunkSize: 0,
                    manifestSha256: uint8ArrayAlloc(0),
                    sequence: 0,
                    issuedAtMs: 0,
                    expiresAtMs: 0,
                    description: ''
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
                            obj.name = reader.string();
                            break;
                        }
                        case 3: {
                            obj.version = reader.string();
                            break;
                        }
                        case 4: {
                            if (opts.limits?.targets != null && obj.targets.length === opts.limits.targets) {
                                throw new MaxLengthError('Decode error - repeated field "targets" had too many elements');
                            }
                            if (obj.targets.length === 64) {
                                throw new MaxLengthError('Decode error - repeated field "targets" had too many elements');
                            }
                            obj.targets.push(reader.string());
                            break;
                        }
                        case 5: {
                            obj.size = reader.uint64Number();
                            break;
                        }
                        case 6: {
                            obj.sha256 = reader.bytes();
                            break;
                        }
                        case 7: {
                            obj.chunkSize = reader.uint32();
                            break;
                        }
                        case 8: {
                            obj.manifestSha256 = reader.bytes();
                            break;
                        }
                        case 9: {
                            obj.sequence = reader.uint64Number();
                            break;
                        }
                        case 10: {
                            obj.issuedAtMs = reader.uint64Number();
                            break;
                        }
                        case 11: {
                            obj.expiresAtMs = reader.uint64Number();
                            break;
                        }
                        case 12: {
                            obj.description = reader.string();
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
                    targets: 64
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
                            yield {
                                field: `${prefix}.name`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.version`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            if (opts.limits?.targets != null && obj.targets === opts.limits.targets) {
                                throw new MaxLengthError('Streaming decode error - repeated field "targets" had too many elements');
                            }
                            if (obj.targets === 64) {
                                throw new MaxLengthError('Streaming decode error - repeated field "targets" had too many elements');
                            }
                            yield {
                                field: `${prefix}.targets[]`,
                                index: obj.targets,
                                value: reader.string()
                            };
                            obj.targets++;
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.size`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.sha256`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.chunkSize`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.manifestSha256`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.sequence`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.issuedAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 11: {
                            yield {
                                field: `${prefix}.expiresAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 12: {
                            yield {
                                field: `${prefix}.description`,
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
        return encodeMessage(obj, Announcement.codec());
    }
    Announcement.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Announcement.codec(), opts);
    }
    Announcement.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Announcement.codec(), opts);
    }
    Announcement.stream = stream;
})(Announcement || (Announcement = {}));
export var Revocation;
(function (Revocation) {
    let _codec;
    Revocation.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(10);
                    w.string(obj.patchId);
                }
                if ((obj.reason != null && obj.reason !== '')) {
                    w.uint32(18);
                    w.string(obj.reason);
                }
                if ((obj.sequence != null && obj.sequence !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.sequence);
                }
                if ((obj.issuedAtMs != null && obj.issuedAtMs !== 0)) {
                    w.uint32(32);
                    w.uint64Number(obj.issuedAtMs);
                }
                if ((obj.expiresAtMs != null && obj.expiresAtMs !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.expiresAtMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    patchId: '',
                    reason: '',
                    sequence: 0,
                    issuedAtMs: 0,
                    expiresAtMs: 0
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
                            obj.reason = reader.string();
                            break;
                        }
                        case 3: {
                            obj.sequence = reader.uint64Number();
                            break;
                        }
                        case 4: {
                            obj.issuedAtMs = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.expiresAtMs = reader.uint64Number();
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
                                field: `${prefix}.reason`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.sequence`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.issuedAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.expiresAtMs`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, Revocation.codec());
    }
    Revocation.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Revocation.codec(), opts);
    }
    Revocation.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Revocation.codec(), opts);
    }
    Revocation.stream = stream;
})(Revocation || (Revocation = {}));
export var Manifest;
(function (Manifest) {
    let _codec;
    Manifest.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.size != null && obj.size !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.size);
                }
                if ((obj.chunkSize != null && obj.chunkSize !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.chunkSize);
                }
                if ((obj.sha256 != null && obj.sha256.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.sha256);
                }
                if ((obj.chunkHashes != null && obj.chunkHashes.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.chunkHashes);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    size: 0,
                    chunkSize: 0,
                    sha256: uint8ArrayAlloc(0),
                    chunkHashes: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.size = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.chunkSize = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.sha256 = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.chunkHashes = reader.bytes();
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
                                field: `${prefix}.size`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.chunkSize`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.sha256`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.chunkHashes`,
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
        return encodeMessage(obj, Manifest.codec());
    }
    Manifest.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Manifest.codec(), opts);
    }
    Manifest.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Manifest.codec(), opts);
    }
    Manifest.stream = stream;
})(Manifest || (Manifest = {}));
export var Window;
(function (Window) {
    let _codec;
    Window.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.days != null && obj.days !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.days);
                }
                if ((obj.startMinute != null && obj.startMinute !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.startMinute);
                }
                if ((obj.durationMinutes != null && obj.durationMinutes !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.durationMinutes);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    days: 0,
                    startMinute: 0,
                    durationMinutes: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.days = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.startMinute = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.durationMinutes = reader.uint32();
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
                                field: `${prefix}.days`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.startMinute`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.durationMinutes`,
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
        return encodeMessage(obj, Window.codec());
    }
    Window.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Window.codec(), opts);
    }
    Window.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Window.codec(), opts);
    }
    Window.stream = stream;
})(Window || (Window = {}));
export var Approval;
(function (Approval) {
    let _codec;
    Approval.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(10);
                    w.string(obj.patchId);
                }
                if ((obj.ring != null && obj.ring !== '')) {
                    w.uint32(18);
                    w.string(obj.ring);
                }
                if ((obj.group != null && obj.group !== '')) {
                    w.uint32(26);
                    w.string(obj.group);
                }
                if ((obj.notBeforeMs != null && obj.notBeforeMs !== 0)) {
                    w.uint32(32);
                    w.uint64Number(obj.notBeforeMs);
                }
                if ((obj.deadlineMs != null && obj.deadlineMs !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.deadlineMs);
                }
                if (obj.windows != null && obj.windows.length > 0) {
                    for (const value of obj.windows) {
                        w.uint32(50);
                        Window.codec().encode(value, w);
                    }
                }
                if ((obj.sequence != null && obj.sequence !== 0)) {
                    w.uint32(56);
                    w.uint64Number(obj.sequence);
                }
                if ((obj.issuedAtMs != null && obj.issuedAtMs !== 0)) {
                    w.uint32(64);
                    w.uint64Number(obj.issuedAtMs);
                }
                if ((obj.expiresAtMs != null && obj.expiresAtMs !== 0)) {
                    w.uint32(72);
                    w.uint64Number(obj.expiresAtMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    patchId: '',
                    ring: '',
                    group: '',
                    notBeforeMs: 0,
                    deadlineMs: 0,
                    windows: [],
                    sequence: 0,
                    issuedAtMs: 0,
                    expiresAtMs: 0
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
                            obj.ring = reader.string();
                            break;
                        }
                        case 3: {
                            obj.group = reader.string();
                            break;
                        }
                        case 4: {
                            obj.notBeforeMs = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.deadlineMs = reader.uint64Number();
                            break;
                        }
                        case 6: {
                            if (opts.limits?.windows != null && obj.windows.length === opts.limits.windows) {
                                throw new MaxLengthError('Decode error - repeated field "windows" had too many elements');
                            }
                            if (obj.windows.length === 32) {
                                throw new MaxLengthError('Decode error - repeated field "windows" had too many elements');
                            }
                            obj.windows.push(Window.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.windows$
                            }));
                            break;
                        }
                        case 7: {
                            obj.sequence = reader.uint64Number();
                            break;
                        }
                        case 8: {
                            obj.issuedAtMs = reader.uint64Number();
                            break;
                        }
                        case 9: {
                            obj.expiresAtMs = reader.uint64Number();
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
                    windows: 32
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
                            yield {
                                field: `${prefix}.ring`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.group`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.notBeforeMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.deadlineMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 6: {
                            if (opts.limits?.windows != null && obj.windows === opts.limits.windows) {
                                throw new MaxLengthError('Streaming decode error - repeated field "windows" had too many elements');
                            }
                            if (obj.windows === 32) {
                                throw new MaxLengthError('Streaming decode error - repeated field "windows" had too many elements');
                            }
                            for (const evt of Window.codec().stream(reader, reader.uint32(), `${prefix}.windows[]`, {
                                limits: opts.limits?.windows$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.windows
                                };
                            }
                            obj.windows++;
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.sequence`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.issuedAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.expiresAtMs`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, Approval.codec());
    }
    Approval.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Approval.codec(), opts);
    }
    Approval.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Approval.codec(), opts);
    }
    Approval.stream = stream;
})(Approval || (Approval = {}));
export var Halt;
(function (Halt) {
    let _codec;
    Halt.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.patchId != null && obj.patchId !== '')) {
                    w.uint32(10);
                    w.string(obj.patchId);
                }
                if ((obj.reason != null && obj.reason !== '')) {
                    w.uint32(18);
                    w.string(obj.reason);
                }
                if ((obj.sequence != null && obj.sequence !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.sequence);
                }
                if ((obj.issuedAtMs != null && obj.issuedAtMs !== 0)) {
                    w.uint32(32);
                    w.uint64Number(obj.issuedAtMs);
                }
                if ((obj.expiresAtMs != null && obj.expiresAtMs !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.expiresAtMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    patchId: '',
                    reason: '',
                    sequence: 0,
                    issuedAtMs: 0,
                    expiresAtMs: 0
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
                            obj.reason = reader.string();
                            break;
                        }
                        case 3: {
                            obj.sequence = reader.uint64Number();
                            break;
                        }
                        case 4: {
                            obj.issuedAtMs = reader.uint64Number();
                            break;
                        }
                        case 5: {
                            obj.expiresAtMs = reader.uint64Number();
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
                                field: `${prefix}.reason`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.sequence`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.issuedAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.expiresAtMs`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, Halt.codec());
    }
    Halt.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Halt.codec(), opts);
    }
    Halt.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Halt.codec(), opts);
    }
    Halt.stream = stream;
})(Halt || (Halt = {}));
