#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a file descriptor's bytes into lines with `memchr`, never holding more than `maxLineBytes` of one line.
///
/// Blocking: run it on a dedicated thread. A line longer than the limit is skipped as it streams by and reported
/// with its length; a last line without `\n` counts. Line numbers start at 1 and count blank lines too.
public struct LineReader {
    /// Why reading ended.
    public enum Ending: Sendable, Hashable {
        /// The input reached end of file.
        case endOfInput
        /// The stop descriptor became readable.
        case stopped
        /// `read(2)` failed with this errno.
        case failed(errno: Int32)
    }

    /// The descriptor to read.
    public var descriptor: Int32
    /// A descriptor that becomes readable when reading should stop (the read end of a pipe), or -1.
    public var stopDescriptor: Int32
    /// Longest accepted line, in bytes, without its `\n`.
    public var maxLineBytes: Int

    /// Creates a reader.
    public init(descriptor: Int32, stopDescriptor: Int32 = -1, maxLineBytes: Int) {
        self.descriptor = descriptor
        self.stopDescriptor = stopDescriptor
        self.maxLineBytes = maxLineBytes
    }

    /// Reads until end of input or stop, calling `line` for each line within the limit (the bytes are valid only
    /// during the call, without `\n`), `tooLong` for each line over it, and `beforeReading` each time it is about
    /// to read (and perhaps wait for) more input.
    public func run(
        line: (_ number: Int, _ bytes: UnsafeRawBufferPointer) -> Void,
        tooLong: (_ number: Int, _ length: Int) -> Void,
        beforeReading: () -> Void = {}
    ) -> Ending {
        var capacity = max(4096, min(65_536, maxLineBytes + 1))
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var start = 0
        var end = 0
        var number = 0
        var discarded = 0  // bytes of an over-long line already dropped; > 0 means "discarding"

        func emit(_ from: Int, _ to: Int) {
            number += 1
            let length = to - from + discarded
            if discarded > 0 || length > maxLineBytes {
                discarded = 0
                tooLong(number, length)
            } else {
                line(number, UnsafeRawBufferPointer(start: buffer + from, count: to - from))
            }
        }

        while true {
            if end == capacity {
                if start > 0 {
                    memmove(buffer, buffer + start, end - start)
                    end -= start
                    start = 0
                } else if capacity < maxLineBytes + 1 {
                    let grown = min(capacity * 2, maxLineBytes + 1)
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                    bigger.copyMemory(from: buffer, byteCount: end)
                    buffer.deallocate()
                    buffer = bigger
                    capacity = grown
                } else {
                    discarded += end
                    start = 0
                    end = 0
                }
            }
            beforeReading()
            if stopDescriptor >= 0, !waitReadable() { return .stopped }
            let count = read(descriptor, buffer + end, capacity - end)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failed(errno: errno)
            }
            if count == 0 {
                if end > start || discarded > 0 { emit(start, end) }
                return .endOfInput
            }
            var scan = end
            end += count
            while let found = memchr(buffer + scan, 0x0A, end - scan) {
                let newline = buffer.distance(to: found)
                emit(start, newline)
                start = newline + 1
                scan = start
            }
            if discarded > 0 || end - start > maxLineBytes {
                // The line in progress is already over the limit: drop what we have and keep counting.
                discarded += end - start
                start = 0
                end = 0
            } else if start == end {
                start = 0
                end = 0
            }
        }
    }

    /// Waits until the input is readable; `false` when the stop descriptor fired first.
    private func waitReadable() -> Bool {
        var fds = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stopDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return true  // let read(2) report the problem
            }
            if fds[1].revents != 0 { return false }
            return true
        }
    }
}
