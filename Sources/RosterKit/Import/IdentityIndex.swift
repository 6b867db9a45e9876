/// The identity keys of a practice (SPEC 4), held in memory for one import as hashes with
/// the contacts they belong to, so a row whose keys no contact has needs no query at all
/// (issue 6: a per-row SELECT is where the time went). A hit names the contacts that may
/// have the key, which the store then reads by number and checks exactly: the same answer
/// its index gives, and one the store can give while an import has dropped that index
/// (`ContactTransaction.deferIdentityIndexes`).
/// Memory: two tables of 8-byte entries, a quarter to half of the slots empty: 21 to 32 MB
/// per million contacts.
/// No table of names: a true duplicate has the row's email (or, without one, its phone and
/// first name), so the email and phone tables find it. A table of names held every
/// namesake under one key, and a file of one name repeated made each row probe and ask
/// the store about all the earlier ones: quadratic, 426 s for 20,000 rows of one name.
/// A class: the run reads it once, then adds to it row by row, never copying its tables.
/// Its tables are used by one thread, each access a single insert or lookup that calls
/// nothing back, so no two accesses can overlap: they go unchecked (the runtime's check of
/// a class's stored properties was 20 M instructions on a 20,000-row import).
final class IdentityIndex {
    @exclusivity(unchecked) private var emails = HashMultimap()
    @exclusivity(unchecked) private var phones = HashMultimap()

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
                                  email: { emails.insert(Self.hash($0), contact: $1) },
                                  phone: { phones.insert(Self.hash($0, $1), contact: $2) })
    }

    /// A row's keys as the index holds them. An import works them out on the feed's
    /// thread, with the keys: hashing them was a twelfth of the store thread's work.
    struct Hashes: Sendable {
        let email: Int?
        let phone: Int?

        init(emailKey: String?, phone: String?, firstKey: String) {
            email = emailKey.map { IdentityIndex.hash($0) }
            self.phone = phone.map { IdentityIndex.hash($0, firstKey) }
        }

        init(_ keys: IdentityKeys) {
            self.init(emailKey: keys.email, phone: keys.phone, firstKey: keys.first)
        }
    }

    /// `contact` has these keys (a new contact's, or a merged one's new keys: the old ones
    /// stay, a "maybe" the store answers "no").
    func add(_ hashes: Hashes, contact: Int64) {
        if let email = hashes.email { emails.insert(email, contact: contact) }
        if let phone = hashes.phone { phones.insert(phone, contact: contact) }
    }

    /// The contacts that may use this email.
    func emailUsers(_ hashes: Hashes) -> HashMultimap.Lookup { hashes.email.map(emails.lookup) ?? .absent }
    /// The contacts that may use this phone with this first name.
    func phoneUsers(_ hashes: Hashes) -> HashMultimap.Lookup { hashes.phone.map(phones.lookup) ?? .absent }

    /// Whether every lookup names its contacts (none answers `.unknown`): what an import
    /// needs before it drops the store's indexes of these keys.
    var knowsEveryContact: Bool { !emails.hasUnknownContacts && !phones.hasUnknownContacts }
}

/// Hashes, each with a contact that has the key: a key several contacts share (namesakes, a
/// family's phone) is held once per contact. An entry is 8 bytes: the hash's high 32 bits,
/// then the contact's number. The hash's high bits place it too (scaled to the table's
/// size, so any size will do: it grows by half, not double), and linear probing keeps
/// entries in order of those bits. The hashes are already uniform (SipHash's, from
/// `IdentityIndex.hash`), so nothing is hashed a second time (`Set<Int>` ran SipHash again
/// over each on every insert and lookup).
/// 32 bits of hash can match a key they are not: that adds a contact to the "maybe" (the
/// store then answers "no"), and it is rare (a table of a million, at 2^-11 an entry
/// placed where the lookup starts); it never loses one. A high half of 0 is kept as 1
/// (entry 0 is an empty slot), with the same effect.
/// A number past 32 bits (a database past four billion contacts) is kept as 0, "not
/// known", and a lookup that meets it answers `.unknown`, which sends the caller to the
/// store's own index.
struct HashMultimap {
    /// What a lookup found: no contact has the key; these may (ascending, each once); or
    /// some may, and the store must be asked by the key itself.
    enum Lookup: Equatable {
        case absent
        case among([Int64])
        case unknown

        /// Asks `query` only where a contact may have the key: with the contacts that may,
        /// or with nil (`.unknown`) to look the key up in the store's index. Nil when absent.
        func ask<T>(_ query: ([Int64]?) throws -> T) rethrows -> T? {
            switch self {
            case .absent: nil
            case .among(let contacts): try query(contacts)
            case .unknown: try query(nil)
            }
        }
    }

    private var entries: [UInt64] = Array(repeating: 0, count: 1024)
    private(set) var count = 0
    private(set) var hasUnknownContacts = false

    /// The hash's high half, as kept (never 0).
    @inline(__always) private static func high(_ hash: Int) -> UInt64 {
        let high = UInt64(UInt(bitPattern: hash)) >> 32
        return high == 0 ? 1 : high
    }

    /// Where a high half belongs: scaled to the table, so in their order.
    @inline(__always) private func home(_ high: UInt64) -> Int { Int((high &* UInt64(entries.count)) >> 32) }

    @inline(__always) private func next(_ i: Int) -> Int { i + 1 == entries.count ? 0 : i + 1 }

    func lookup(_ hash: Int) -> Lookup {
        let high = Self.high(hash)
        var found: [Int64] = []
        var i = home(high)
        while true {
            let entry = entries[i]
            if entry == 0 { break }
            if entry >> 32 == high {
                let contact = entry & 0xFFFF_FFFF
                if contact == 0 { return .unknown }
                found.append(Int64(contact))
            }
            i = next(i)
        }
        if found.isEmpty { return .absent }
        found.sort()
        return .among(found)
    }

    mutating func insert(_ hash: Int, contact: Int64) {
        let number: UInt64 = contact > 0 && contact <= Int64(UInt32.max) ? UInt64(contact) : 0
        let entry = Self.high(hash) << 32 | number
        if (count + 1) * 4 > entries.count * 3 { grow() }   // at most three quarters full
        guard place(entry) else { return }
        count += 1
        if number == 0 { hasUnknownContacts = true }
    }

    /// Puts `entry` in the first empty slot from its home; false if it is there already.
    private mutating func place(_ entry: UInt64) -> Bool {
        var i = home(entry >> 32)
        while true {
            let slot = entries[i]
            if slot == 0 { break }
            if slot == entry { return false }
            i = next(i)
        }
        entries[i] = entry
        return true
    }

    private mutating func grow() {
        let old = entries
        entries = Array(repeating: 0, count: old.count + old.count / 2)
        for entry in old where entry != 0 { _ = place(entry) }
    }
}
