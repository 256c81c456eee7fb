import CapsuleGate
import Testing

extension Reliability {
    @Suite struct CircuitBreakerTests {
        /// A breaker opened by `threshold` failures at time 0.
        private func opened(threshold: Int = 3, cooldown: Double = 5) -> CircuitBreaker {
            var breaker = CircuitBreaker(threshold: threshold, cooldown: cooldown)
            for _ in 0..<threshold {
                let permit = breaker.permit(now: 0)
                _ = breaker.recordFailure(permit: permit, now: 0)
            }
            return breaker
        }

        @Test func opensAfterThresholdConsecutiveFailures() {
            var breaker = CircuitBreaker(threshold: 3, cooldown: 5)
            #expect(breaker.recordFailure(permit: breaker.permit(now: 0), now: 0) == nil)
            #expect(breaker.recordFailure(permit: breaker.permit(now: 0), now: 0) == nil)
            #expect(breaker.recordFailure(permit: .send, now: 1) == .opened(failures: 3, cooldown: 5))
            #expect(breaker.state == .open(until: 6))
            #expect(breaker.isOpen(now: 5.9))
            #expect(breaker.permit(now: 5.9) == .reject)
        }

        @Test func successResetsTheFailureCount() {
            var breaker = CircuitBreaker(threshold: 3, cooldown: 5)
            _ = breaker.recordFailure(permit: .send, now: 0)
            _ = breaker.recordFailure(permit: .send, now: 0)
            #expect(breaker.recordSuccess(permit: .send) == nil)
            #expect(breaker.recordFailure(permit: .send, now: 0) == nil)
            #expect(breaker.state == .closed(failures: 1))
        }

        @Test func letsOneProbeThroughAfterTheCooldown() {
            var breaker = opened()
            #expect(breaker.permit(now: 5) == .probe)
            #expect(breaker.state == .halfOpen)
            #expect(breaker.permit(now: 5) == .reject, "only one probe at a time")
            #expect(breaker.isOpen(now: 5))
        }

        @Test func successfulProbeClosesTheCircuit() {
            var breaker = opened()
            let probe = breaker.permit(now: 6)
            #expect(breaker.recordSuccess(permit: probe) == .closed)
            #expect(breaker.state == .closed(failures: 0))
            #expect(breaker.permit(now: 6) == .send)
        }

        @Test func failedProbeReopensWithADoubledCooldownUpToTheCap() {
            var breaker = CircuitBreaker(threshold: 1, cooldown: 5, maxCooldown: 12)
            _ = breaker.recordFailure(permit: breaker.permit(now: 0), now: 0)
            var now = 5.0
            var cooldowns: [Double] = []
            for _ in 0..<3 {
                let probe = breaker.permit(now: now)
                #expect(probe == .probe)
                if case .reopened(let cooldown) = breaker.recordFailure(permit: probe, now: now) {
                    cooldowns.append(cooldown)
                    now += cooldown
                }
            }
            #expect(cooldowns == [10, 12, 12])
            let probe = breaker.permit(now: now)
            #expect(breaker.recordSuccess(permit: probe) == .closed)
            _ = breaker.recordFailure(permit: .send, now: now)
            #expect(breaker.state == .open(until: now + 5), "a closed circuit starts again from the first cooldown")
        }

        @Test func lateAnswersOfRejectedOrOldRequestsChangeNothing() {
            var breaker = opened()
            #expect(breaker.recordSuccess(permit: .send) == nil)
            #expect(breaker.recordFailure(permit: .send, now: 1) == nil)
            #expect(breaker.state == .open(until: 5))
            _ = breaker.permit(now: 5)
            #expect(breaker.recordSuccess(permit: .send) == nil, "only the probe closes the circuit")
            #expect(breaker.state == .halfOpen)
        }

        @Test func abandonedProbeLetsTheNextRequestProbe() {
            var breaker = opened()
            let probe = breaker.permit(now: 5)
            breaker.recordAbandoned(permit: probe)
            #expect(breaker.permit(now: 5) == .probe)
        }

        @Test func transitionsNameTheCircuitState() {
            #expect(CircuitBreaker.Transition.opened(failures: 5, cooldown: 5).description.hasPrefix("circuit open"))
            #expect(CircuitBreaker.Transition.closed.description.hasPrefix("circuit closed"))
            #expect(CircuitBreaker.Transition.reopened(cooldown: 2.5).description.contains("2.5s"))
        }
    }
}
