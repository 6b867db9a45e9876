/// The identity keys of a practice (SPEC 4), held in memory for one import as hashes, so
/// a row whose keys no contact has needs no query at all (issue 6: a per-row SELECT is
/// where the time went). A hit is only a "maybe": the store answers it exactly.
/// Memory: three sets of 8-byte hashes, about 30 MB per million contacts.
struct IdentityIndex {
    private var names = Set<Int>()
    private var emails = Set<Int>()
    private var phones = Set<Int>()

    private static func hash(_ parts: String...) -> Int {
        var hasher = Hasher()
        for part in parts {
            hasher.combine(part)
            hasher.combine(0xFF as UInt8)
        }
        return hasher.finalize()
    }

    init(_ tx: any ContactTransaction, practiceID: Int64) throws {
        try tx.forEachIdentity(practiceID: practiceID) { emailKey, phone, firstKey, lastKey in
            add(emailKey: emailKey, phone: phone, firstKey: firstKey, lastKey: lastKey)
        }
    }

    mutating func add(emailKey: String?, phone: String?, firstKey: String, lastKey: String) {
        names.insert(Self.hash(firstKey, lastKey))
        if let emailKey { emails.insert(Self.hash(emailKey)) }
        if let phone { phones.insert(Self.hash(phone, firstKey)) }
    }

    mutating func add(_ keys: IdentityKeys) {
        add(emailKey: keys.email, phone: keys.phone, firstKey: keys.first, lastKey: keys.last)
    }

    func mayHaveName(_ firstKey: String, _ lastKey: String) -> Bool { names.contains(Self.hash(firstKey, lastKey)) }
    func mayHaveEmail(_ emailKey: String) -> Bool { emails.contains(Self.hash(emailKey)) }
    func mayHavePhone(_ phone: String, _ firstKey: String) -> Bool { phones.contains(Self.hash(phone, firstKey)) }
}
