import Testing
@testable import RosterKit

/// The identity index's table of hashes and contacts against a dictionary of sets keyed by
/// the hash's high half (what the table keeps; a high half of 0 is kept as 1): every
/// contact put in under a hash is found under it, and only those; a number past 32 bits is
/// never lost: its lookups say "ask the store".
@Suite struct IdentityIndexTests {
    @Test func hashMultimapAgreesWithADictionaryOfSets() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 7, 768, 769, 5_000, 40_000] {
            var fast = HashMultimap()
            var reference: [UInt64: Set<Int64>] = [:]
            func high(_ hash: Int) -> UInt64 { max(1, UInt64(UInt(bitPattern: hash)) >> 32) }
            for _ in 0..<size {
                // Uniform hashes, a few small numbers (high halves 0 and all ones), hashes
                // that differ only in the low half, and repeats: of a hash with another
                // contact (namesakes), and of a hash and contact both.
                let hash = switch Int.random(in: 0..<10, using: &generator) {
                case 0: Int.random(in: -2...2, using: &generator)
                case 1: Int(bitPattern: UInt(reference.keys.randomElement(using: &generator) ?? 5) << 32 | UInt.random(in: 0...UInt(UInt32.max), using: &generator))
                case 2: Int(bitPattern: UInt(reference.keys.randomElement(using: &generator) ?? 5) << 32)
                default: Int.random(in: .min ... .max, using: &generator)
                }
                let contact = Int.random(in: 0..<4, using: &generator) == 0
                    ? reference[high(hash)]?.randomElement(using: &generator) ?? 1 : Int64.random(in: 1...Int64(UInt32.max), using: &generator)
                fast.insert(hash, contact: contact)
                reference[high(hash), default: []].insert(contact)
            }
            #expect(fast.count == reference.values.reduce(0) { $0 + $1.count })
            #expect(!fast.hasUnknownContacts)
            for (high, contacts) in reference {
                let hash = Int(bitPattern: UInt(high) << 32 | UInt.random(in: 0...UInt(UInt32.max), using: &generator))
                #expect(fast.lookup(hash) == .among(contacts.sorted()))
            }
            for _ in 0..<10_000 {
                let hash = Int.random(in: .min ... .max, using: &generator)
                #expect(fast.lookup(hash) == (reference[high(hash)].map { .among($0.sorted()) } ?? .absent))
            }
            #expect(fast.lookup(0) == fast.lookup(1 << 32), "a high half of 0 is kept as 1")
        }
    }

    /// A number that does not fit in 32 bits is kept as "not known": its hash then answers
    /// `.unknown` (the caller asks the store by the key), and the index says it cannot
    /// name every contact (so an import keeps the store's indexes).
    @Test func aNumberPastThirtyTwoBitsSendsTheLookupToTheStore() {
        var map = HashMultimap()
        let (a, b, c) = (42 << 32, 43 << 32, 44 << 32)
        map.insert(a, contact: 7)
        map.insert(b, contact: Int64(UInt32.max))
        #expect(!map.hasUnknownContacts)
        map.insert(a, contact: Int64(UInt32.max) + 1)
        #expect(map.hasUnknownContacts)
        #expect(map.lookup(a) == .unknown)
        #expect(map.lookup(b) == .among([Int64(UInt32.max)]))
        #expect(map.lookup(c) == .absent)
        #expect(HashMultimap.Lookup.absent.ask { _ in 1 } == nil)
        #expect(HashMultimap.Lookup.unknown.ask { $0 == nil ? 2 : 3 } == 2)
        #expect(HashMultimap.Lookup.among([5]).ask { $0 == [5] ? 4 : 5 } == 4)
    }
}
