import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends one JSON line per request to the `--record` file, each with a single `write(2)`, so that every line
/// answered is on disk even if the process is killed right after.
///
/// A line: `{"time":"2026-03-03T10:30:00.123Z","connection":3,"headers":{…},"body":…,"status":200,"response":…}`.
/// `headers` has lowercase names and the `Authorization` value redacted; `body` is the request's JSON, compacted,
/// else its raw text as a string; `status` is `null` for a black-holed request; `response` is the JSON answered,
/// `""` for an empty answer and `null` when never answered. The token never appears: any occurrence of it is
/// replaced by `[redacted]`.
public final class RequestRecorder: Sendable {
    private let descriptor: Int32
    /// Serialises the writes.
    ///
    /// A parking `NSLock` rather than `Synchronization.Mutex`, whose spinning slow path cost most of the throughput
    /// with 64 connection threads recording at once (measured with wrk and perf).
    private let lock = NSLock()
    private let secret: [UInt8]

    /// Opens (creating, mode 0600) `path` for appending.
    ///
    /// - Parameters:
    ///   - path: The record file.
    ///   - token: The configured token, scrubbed from every line.
    /// - Throws: ``UsageError`` when the file cannot be opened.
    public init(path: String, token: BearerToken?) throws(UsageError) {
        let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard opened >= 0 else {
            throw .other("cannot open the record file '\(path)': \(String(cString: strerror(errno)))")
        }
        descriptor = opened
        secret = Array(token?.value.utf8 ?? "".utf8)
    }

    deinit {
        close(descriptor)
    }

    /// Appends the line for one request.
    public func record(
        time: timespec,
        connection: Int,
        head: HTTPRequestHead,
        body: UnsafeRawBufferPointer,
        reply: MockReply
    ) {
        var line = Self.line(time: time, connection: connection, head: head, body: body, reply: reply)
        if !secret.isEmpty { Self.scrub(&line, secret: secret) }
        lock.withLock {
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// The record line (with its `\n`) for one request.
    public static func line(
        time: timespec,
        connection: Int,
        head: HTTPRequestHead,
        body: UnsafeRawBufferPointer,
        reply: MockReply
    ) -> [UInt8] {
        var line: [UInt8] = Array(#"{"time":"#.utf8)
        JSONText.appendString(timestamp(time), to: &line)
        line.append(contentsOf: Array(#","connection":\#(connection),"method":"#.utf8))
        JSONText.appendString(head.method, to: &line)
        line.append(contentsOf: Array(#","path":"#.utf8))
        JSONText.appendString(head.target, to: &line)
        line.append(contentsOf: Array(#","headers":{"#.utf8))
        var seen: Set<String> = []
        for header in head.headers where seen.insert(header.name).inserted {
            if seen.count > 1 { line.append(0x2C) }
            JSONText.appendString(header.name, to: &line)
            line.append(0x3A)
            let value = head.headers.filter { $0.name == header.name }.map(\.value).joined(separator: ", ")
            if header.name == "authorization" {
                JSONText.appendString(
                    value.lowercased().hasPrefix("bearer") ? "Bearer [redacted]" : "[redacted]",
                    to: &line
                )
            } else {
                JSONText.appendString(value, to: &line)
            }
        }
        line.append(contentsOf: Array(#"},"body":"#.utf8))
        if reply.isValidEvent || (!body.isEmpty && isJSON(body)) {
            JSONText.appendCompacted(body, to: &line)
        } else {
            JSONText.appendString(String(decoding: body, as: UTF8.self), to: &line)
        }
        line.append(contentsOf: Array(#","status":"#.utf8))
        if let status = reply.status {
            line.append(contentsOf: Array(#"\#(status),"response":"#.utf8))
            if reply.body.isEmpty {
                line.append(contentsOf: [0x22, 0x22])
            } else {
                reply.body.withUnsafeBytes { JSONText.appendCompacted($0, to: &line) }
            }
        } else {
            line.append(contentsOf: Array(#"null,"response":null"#.utf8))
        }
        line.append(contentsOf: [0x7D, 0x0A])
        return line
    }

    /// `time` as RFC 3339 UTC with milliseconds (`2026-03-03T10:30:00.123Z`).
    public static func timestamp(_ time: timespec) -> String {
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let millis = Int32(time.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(millis, 3))Z"
    }

    private static func isJSON(_ body: UnsafeRawBufferPointer) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) != nil
    }

    /// Replaces every occurrence of `secret` in `line` with `[redacted]`.
    static func scrub(_ line: inout [UInt8], secret: [UInt8]) {
        guard let first = secret.first, line.count >= secret.count else { return }
        var result: [UInt8] = []
        var index = 0
        var changed = false
        while index < line.count {
            if line[index] == first, index + secret.count <= line.count,
                line[index..<(index + secret.count)].elementsEqual(secret)
            {
                result.append(contentsOf: Array("[redacted]".utf8))
                index += secret.count
                changed = true
            } else {
                result.append(line[index])
                index += 1
            }
        }
        if changed { line = result }
    }
}
