import CapsuleGate
import Testing

extension Reliability {
    @Suite struct ReorderBufferTests {
        @Test func releasesInOrderWhateverTheArrivalOrder() {
            var buffer = ReorderBuffer<Int>()
            var released: [Int] = []
            for sequence in [3, 1, 4, 0, 2, 6, 5] {
                released += buffer.insert(sequence * 10, at: sequence).ready
            }
            #expect(released == [0, 10, 20, 30, 40, 50, 60])
            #expect(buffer.next == 7)
            #expect(buffer.waitingCount == 0)
        }

        @Test func holdsResultsUntilTheGapIsFilled() {
            var buffer = ReorderBuffer<String>()
            #expect(buffer.insert("b", at: 1).ready.isEmpty)
            #expect(buffer.insert("c", at: 2).released == 0)
            #expect(buffer.waitingCount == 2)
            let result = buffer.insert("a", at: 0)
            #expect(result.ready == ["a", "b", "c"])
            #expect(result.released == 3)
        }

        @Test func nilResultsAdvanceWithoutOutput() {
            var buffer = ReorderBuffer<String>()
            #expect(buffer.insert("c", at: 2).ready.isEmpty)
            #expect(buffer.insert(nil, at: 1).ready.isEmpty)
            let result = buffer.insert(nil, at: 0)
            #expect(result.ready == ["c"])
            #expect(result.released == 3)
        }

        @Test func randomPermutationsComeOutSorted() {
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<20 {
                var buffer = ReorderBuffer<Int>()
                var released: [Int] = []
                for sequence in Array(0..<500).shuffled(using: &generator) {
                    released += buffer.insert(sequence, at: sequence).ready
                }
                #expect(released == Array(0..<500))
            }
        }
    }
}
