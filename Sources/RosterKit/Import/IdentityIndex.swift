/// The identity keys of a practice (SPEC 4), held in memory for one import as hashes, so
/// a row whose keys no contact has needs no query at all (issue 6: a per-row SELECT is
/// where the time went). A hit is only a "maybe": the store answers it exactly.
/// Memory: three sets of 8-byte hashes, about 30 MB per million contacts.
/// A class: the run reads it once, then adds to it row by row, never copying its sets.
/// Its sets are used by one thread, each access a single insert or lookup that calls
/// nothing back, so no two accesses can overlap: they go unchecked (the runtime's check of
/// a class's stored properties was 20 M instructions on a 20,000-row import).
final class IdentityIndex {
    @exclusivity(unchecked) private var names = HashSet()
    @exclusivity(unchecked) private var emails = HashSet()
    @exclusivity(unchecked) private var phones = HashSet()

    /// SipHash (seeded per process) of the keys' UTF-8 bytes, each followed by 0xFF (a byte
    /// no UTF-8 text has). Bytes, as the store compares keys: a String's hash first brings
    /// canonically equal texts together, which no SQL lookup does (so a "maybe" it gave
    /// for them was always answered "no"), and costs a little more.
    private static func hash(_ first: String, _ second: String? = nil) -> Int {
        var hasher = Hasher()
        var first = first
        first.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)
        if var second {
            second.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(0xFF as UInt8)
        }
        return hasher.finalize()
    }

    init(_ tx: any ContactTransaction, practiceID: Int64) throws {
        // Hashed as `Hashes` hashes a row's keys.
        try tx.forEachIdentityKey(practiceID: practiceID,
                                  email: { emails.insert(Self.hash($0)) },
                                  phone: { phones.insert(Self.hash($0, $1)) },
                                  name: { names.insert(Self.hash($0, $1)) })
    }

    /// A row's keys as the index holds them. An import works them out on the feed's
    /// thread, with the keys: hashing them was a twelfth of the store thread's work.
    struct Hashes: Sendable {
        let name: Int
        let email: Int?
        let phone: Int?

        init(emailKey: String?, phone: String?, firstKey: String, lastKey: String) {
            name = IdentityIndex.hash(firstKey, lastKey)
            email = emailKey.map { IdentityIndex.hash($0) }
            self.phone = phone.map { IdentityIndex.hash($0, firstKey) }
        }

        init(_ keys: IdentityKeys) {
            self.init(emailKey: keys.email, phone: keys.phone, firstKey: keys.first, lastKey: keys.last)
        }
    }

    func add(_ keys: IdentityKeys) { add(Hashes(keys)) }

    func add(_ hashes: Hashes) {
        names.insert(hashes.name)
        if let email = hashes.email { emails.insert(email) }
        if let phone = hashes.phone { phones.insert(phone) }
    }

    func mayHaveName(_ hashes: Hashes) -> Bool { names.contains(hashes.name) }
    func mayHaveEmail(_ hashes: Hashes) -> Bool { hashes.email.map(emails.contains) ?? false }
    func mayHavePhone(_ hashes: Hashes) -> Bool { hashes.phone.map(phones.contains) ?? false }
}

/// A set of hashes that are already uniform (SipHash's, from `IdentityIndex.hash`): open
/// addressing on their low bits, so nothing is hashed a second time (`Set<Int>` runs SipHash
/// again over each on every insert and lookup). A "maybe" set: 0 is kept as 1, which can
/// only add a false "maybe", never lose a key.
struct HashSet {
    private var slots: [Int] = Array(repeating: 0, count: 1024)
    private(set) var count = 0

    private var mask: Int { slots.count - 1 }

    func contains(_ hash: Int) -> Bool {
        let hash = hash == 0 ? 1 : hash
        var i = hash & mask
        while true {
            let slot = slots[i]
            if slot == hash { return true }
            if slot == 0 { return false }
            i = (i &+ 1) & mask
        }
    }

    mutating func insert(_ hash: Int) {
        let hash = hash == 0 ? 1 : hash
        if (count + 1) * 4 > slots.count * 3 { grow() }   // at most three quarters full
        var i = hash & mask
        while true {
            let slot = slots[i]
            if slot == hash { return }
            if slot == 0 { break }
            i = (i &+ 1) & mask
        }
        slots[i] = hash
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        count = 0
        for hash in old where hash != 0 { insert(hash) }
    }
}
