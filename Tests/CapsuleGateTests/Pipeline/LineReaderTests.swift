import CapsuleGate
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// ``LineReader`` over real pipes: chunk boundaries, limits, the last line, stopping.
@Suite
struct LineReaderTests {
    /// What the reader reported, in order.
    enum Seen: Equatable {
        case line(Int, String)
        case tooLong(Int, Int)
    }

    /// Feeds `chunks` through a pipe (from another thread, one write each) and collects what the reader reports.
    private func read(_ chunks: [String], maxLineBytes: Int) -> (seen: [Seen], ending: LineReader.Ending) {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let writer = fds[1]
        let feeder = Thread {
            for chunk in chunks {
                _ = Array(chunk.utf8).withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
                usleep(1000)
            }
            close(writer)
        }
        feeder.start()
        var seen: [Seen] = []
        let ending = LineReader(descriptor: fds[0], maxLineBytes: maxLineBytes).run(
            line: { number, bytes in seen.append(.line(number, String(decoding: bytes, as: UTF8.self))) },
            tooLong: { number, length in seen.append(.tooLong(number, length)) }
        )
        close(fds[0])
        return (seen, ending)
    }

    @Test func splitsLinesAcrossWritesAndKeepsTheLastLineWithoutNewline() {
        let (seen, ending) = read(["ab", "c\nde", "f\n\ng", "hi"], maxLineBytes: 100)
        #expect(seen == [.line(1, "abc"), .line(2, "def"), .line(3, ""), .line(4, "ghi")])
        #expect(ending == .endOfInput)
    }

    @Test func acceptsALineExactlyAtTheLimitAndRejectsOneByteMore() {
        let (seen, _) = read(
            [String(repeating: "a", count: 64) + "\n" + String(repeating: "b", count: 65) + "\nok\n"],
            maxLineBytes: 64
        )
        #expect(seen == [.line(1, String(repeating: "a", count: 64)), .tooLong(2, 65), .line(3, "ok")])
    }

    @Test func skipsAHugeLineWithoutHoldingItAndCountsItsLength() {
        let huge = String(repeating: "x", count: 300_000)
        let chunks = stride(from: 0, to: huge.count, by: 50_000).map { _ in String(repeating: "x", count: 50_000) }
        let (seen, _) = read(["first\n"] + chunks + ["\nlast\n"], maxLineBytes: 4096)
        #expect(seen == [.line(1, "first"), .tooLong(2, 300_000), .line(3, "last")])
    }

    @Test func reportsAnOverlongLastLineWithoutNewline() {
        let (seen, ending) = read(["ok\n", String(repeating: "z", count: 5000)], maxLineBytes: 100)
        #expect(seen == [.line(1, "ok"), .tooLong(2, 5000)])
        #expect(ending == .endOfInput)
    }

    @Test func growsItsBufferForLongLinesUnderTheLimit() {
        let long = String(repeating: "q", count: 200_000)
        let (seen, _) = read([long + "\n", "end\n"], maxLineBytes: 1 << 20)
        #expect(seen == [.line(1, long), .line(2, "end")])
    }

    @Test func stopsWhenTheStopDescriptorFires() {
        var input: [Int32] = [-1, -1]
        var stop: [Int32] = [-1, -1]
        #expect(pipe(&input) == 0 && pipe(&stop) == 0)
        _ = Array("one\n".utf8).withUnsafeBytes { write(input[1], $0.baseAddress, $0.count) }
        let stopWriter = stop[1]
        let stopper = Thread {
            usleep(50_000)
            var byte: UInt8 = 1
            _ = write(stopWriter, &byte, 1)
        }
        stopper.start()
        var lines: [String] = []
        let ending = LineReader(descriptor: input[0], stopDescriptor: stop[0], maxLineBytes: 100).run(
            line: { _, bytes in lines.append(String(decoding: bytes, as: UTF8.self)) },
            tooLong: { _, _ in }
        )
        #expect(lines == ["one"])
        #expect(ending == .stopped)
        for descriptor in input + stop { close(descriptor) }
    }
}
