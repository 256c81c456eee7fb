#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and private writes for the transport's small files (CA bundles).
enum SmallFile {
    /// Reads the file at `path` whole, or returns `nil` with `errno` set.
    static func contents(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT != S_IFDIR else {
            errno = EISDIR
            return nil
        }
        var result: [UInt8] = []
        result.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }

    /// Creates a new file readable by its owner only (`0600`) from `template` (ending in `XXXXXX` plus `suffix`),
    /// writes `parts` into it, and returns its path.
    static func createPrivate(template: String, suffixLength: Int32, parts: [[UInt8]]) -> String? {
        var name = Array(template.utf8CString)
        let fd = name.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemps(base, suffixLength)
        }
        guard fd >= 0 else { return nil }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { close(fd) }
        for part in parts {
            var offset = 0
            while offset < part.count {
                let written = part.withUnsafeBytes {
                    write(fd, $0.baseAddress?.advanced(by: offset), $0.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    unlink(path)
                    return nil
                }
                offset += written
            }
        }
        return path
    }
}
