import CapsuleGate
import Testing

extension Reliability {
    @Suite struct RetryPolicyTests {
        @Test func backoffDoublesWithJitterWithinItsCeiling() {
            let policy = RetryPolicy(attempts: 5, base: 0.1, cap: 5)
            for attempt in 0..<4 {
                let ceiling = 0.1 * Double(1 << attempt)
                #expect(policy.delay(after: attempt, retryAfter: nil, unit: 0) == ceiling / 2)
                #expect(abs(policy.delay(after: attempt, retryAfter: nil, unit: 0.999_999) - ceiling) < 1e-5)
            }
        }

        @Test func backoffIsCapped() {
            let policy = RetryPolicy(attempts: 50, base: 0.1, cap: 5)
            #expect(policy.delay(after: 10, retryAfter: nil, unit: 0.999_999) <= 5)
            #expect(policy.delay(after: 40, retryAfter: nil, unit: 0) == 2.5, "huge attempts do not overflow")
        }

        @Test func retryAfterWinsAndIsBounded() {
            let policy = RetryPolicy(attempts: 5)
            #expect(policy.delay(after: 0, retryAfter: 2, unit: 0.5) == 2)
            #expect(policy.delay(after: 0, retryAfter: 3_600, unit: 0.5) == policy.retryAfterCap)
            #expect(policy.delay(after: 0, retryAfter: -4, unit: 0.5) == 0)
        }
    }
}
