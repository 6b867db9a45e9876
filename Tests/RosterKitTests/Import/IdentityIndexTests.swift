import Testing
@testable import RosterKit

/// The identity index's set of hashes against Swift's `Set`: every hash put in is found, and
/// a hash not put in is found only where 0 and 1 share a slot (a false "maybe" the store
/// then answers exactly).
@Suite struct IdentityIndexTests {
    @Test func hashSetAgreesWithSet() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 7, 768, 769, 5_000, 40_000] {
            var fast = HashSet()
            var reference = Set<Int>()
            for _ in 0..<size {
                // Uniform hashes, a few small numbers (0 and 1 among them), and repeats.
                let hash = switch Int.random(in: 0..<10, using: &generator) {
                case 0: Int.random(in: -2...2, using: &generator)
                case 1: reference.randomElement(using: &generator) ?? 5
                default: Int.random(in: .min ... .max, using: &generator)
                }
                fast.insert(hash)
                reference.insert(hash)
            }
            for hash in reference { #expect(fast.contains(hash)) }
            let zeroOrOne = reference.contains(0) || reference.contains(1)
            #expect(fast.count == reference.count - (reference.contains(0) && reference.contains(1) ? 1 : 0))
            for _ in 0..<10_000 {
                let hash = Int.random(in: .min ... .max, using: &generator)
                #expect(fast.contains(hash) == reference.contains(hash))
            }
            for hash in -2...2 where !reference.contains(hash) {
                #expect(fast.contains(hash) == ((hash == 0 || hash == 1) && zeroOrOne), "\(hash) in a set of \(size)")
            }
        }
    }
}
