#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pure HTTP/1.x request-head parser: finds the end of the head in a buffer and reads the request line and
/// headers, without I/O.
///
/// Only `Content-Length` bodies are supported; a `Transfer-Encoding` (chunked) body is answered 411. Lines must end
/// in CRLF; empty lines before the request line are skipped.
public struct HTTPRequestParser: Sendable {
    /// What one call to ``parseHead(_:)`` found.
    public enum Result: Sendable, Hashable {
        /// The head is not complete yet: read more bytes.
        case incomplete
        /// A complete head, and how many bytes of the buffer it took (the body starts there).
        case complete(HTTPRequestHead, headLength: Int)
        /// The request cannot be served.
        case failure(HTTPParseError)
    }

    /// The longest head accepted, in bytes.
    public var maxHeadBytes: Int
    /// The longest body accepted, in bytes.
    public var maxBodyBytes: Int

    /// Creates a parser with the given limits (defaults: 64 KiB of head, 16 MiB of body).
    public init(maxHeadBytes: Int = 65_536, maxBodyBytes: Int = 16 << 20) {
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Parses the head at the start of `buffer`.
    ///
    /// - Parameter buffer: Bytes received so far on the connection, starting at a request.
    /// - Returns: Whether a head is complete, and what it says.
    public func parseHead(_ buffer: UnsafeRawBufferPointer) -> Result {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return .incomplete }
        var start = 0
        while start + 1 < buffer.count, buffer[start] == 13, buffer[start + 1] == 10 { start += 2 }
        let remaining = buffer.count - start
        guard remaining >= 4 else { return .incomplete }
        guard let headEnd = Self.endOfHead(base, from: start, count: buffer.count) else {
            return remaining > maxHeadBytes ? .failure(.headersTooLarge(limit: maxHeadBytes)) : .incomplete
        }
        if headEnd - start > maxHeadBytes { return .failure(.headersTooLarge(limit: maxHeadBytes)) }
        let head = UnsafeRawBufferPointer(rebasing: buffer[start..<headEnd])
        switch parseLines(head) {
        case .success(let parsed):
            if parsed.contentLength > maxBodyBytes {
                return .failure(.bodyTooLarge(length: parsed.contentLength, limit: maxBodyBytes))
            }
            return .complete(parsed, headLength: headEnd + 4)
        case .failure(let error):
            return .failure(error)
        }
    }

    /// The offset of the first `\r\n\r\n` at or after `start`, found with `memchr` over the `\r`s.
    private static func endOfHead(_ base: UnsafeRawPointer, from start: Int, count: Int) -> Int? {
        var offset = start
        while offset + 4 <= count {
            guard let found = memchr(base + offset, 13, count - offset - 3) else { return nil }
            let index = UnsafeRawPointer(found) - base
            if base.load(fromByteOffset: index + 1, as: UInt8.self) == 10,
                base.load(fromByteOffset: index + 2, as: UInt8.self) == 13,
                base.load(fromByteOffset: index + 3, as: UInt8.self) == 10
            {
                return index
            }
            offset = index + 1
        }
        return nil
    }

    private func parseLines(_ head: UnsafeRawBufferPointer) -> Swift.Result<HTTPRequestHead, HTTPParseError> {
        var lines: [UnsafeRawBufferPointer] = []
        var lineStart = 0
        var index = 0
        while index < head.count {
            if head[index] == 13, index + 1 < head.count, head[index + 1] == 10 {
                lines.append(UnsafeRawBufferPointer(rebasing: head[lineStart..<index]))
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        lines.append(UnsafeRawBufferPointer(rebasing: head[lineStart..<head.count]))
        let requestLine = lines[0]
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[0].allSatisfy({ (0x41...0x5A).contains($0) || $0 == 0x2D || $0 == 0x5F })
        else {
            return .failure(.badRequestLine(String(decoding: requestLine, as: UTF8.self)))
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        let minorVersion: Int
        switch version {
        case "HTTP/1.1": minorVersion = 1
        case "HTTP/1.0": minorVersion = 0
        default:
            guard version.hasPrefix("HTTP/") else {
                return .failure(.badRequestLine(String(decoding: requestLine, as: UTF8.self)))
            }
            return .failure(.unsupportedVersion(version))
        }
        var request = HTTPRequestHead(
            method: String(decoding: parts[0], as: UTF8.self),
            target: String(decoding: parts[1], as: UTF8.self),
            minorVersion: minorVersion,
            headers: [],
            contentLength: 0,
            isKeepAlive: minorVersion == 1,
            expectsContinue: false
        )
        var contentLength: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: 0x3A), colon > 0,
                !line[..<colon].contains(where: { $0 <= 0x20 || $0 >= 0x7F })
            else {
                return .failure(.badHeader(String(decoding: line, as: UTF8.self)))
            }
            let name = String(
                decoding: line[..<colon].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 },
                as: UTF8.self
            )
            var valueStart = colon + 1
            var valueEnd = line.count
            while valueStart < valueEnd, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            let value = String(decoding: line[valueStart..<valueEnd], as: UTF8.self)
            request.headers.append(HTTPHeader(name: name, value: value))
            switch name {
            case "content-length":
                guard let length = Int(value), length >= 0, contentLength == nil || contentLength == length else {
                    return .failure(.badContentLength(value))
                }
                contentLength = length
            case "transfer-encoding":
                return .failure(.transferEncoding(value))
            case "connection":
                for token in value.lowercased().split(separator: ",") {
                    let option = token.trimmingSpaces()
                    if option == "close" { request.isKeepAlive = false }
                    if option == "keep-alive" && minorVersion == 0 { request.isKeepAlive = true }
                }
            case "expect":
                if value.lowercased() == "100-continue" && minorVersion == 1 { request.expectsContinue = true }
            default:
                break
            }
        }
        request.contentLength = contentLength ?? 0
        return .success(request)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
