import Foundation

/// A contact as `show` and `find` print it.
public struct ContactView: Equatable, Sendable {
    public var id: String
    public var practice: String
    public var values: ContactValues
    public var memberships: [Membership]
    public var history: [StatusChange]
    /// `find` reads no history: its JSON leaves the key out rather than show none.
    public var includesHistory = true

    /// `show --json` (SPEC 10): id, the template fields by snake_case name (null when
    /// empty), and locations with their statuses.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = ["id": id, "practice": practice]
        for field in TemplateField.allCases { object[field.snakeName] = values[field] ?? NSNull() }
        object["locations"] = memberships.map { ["location": $0.locationName, "text": $0.text.rawValue, "email": $0.email.rawValue] }
        guard includesHistory else { return object }
        object["status_history"] = history.map {
            ["location": $0.location, "channel": $0.channel, "from": $0.from ?? NSNull(), "to": $0.to, "reason": $0.reason, "at": $0.at] as [String: Any]
        }
        return object
    }
}

/// What `copy` did (SPEC 6).
public struct CopyReadout: Equatable, Sendable, Encodable {
    public var from: String
    public var to: String
    public var copied = 0
    public var alreadyThere = 0
    public var textsMoved = 0
    public var moved = 0
    /// Contacts already in B whose opt-out at A a move carried into B (an opt-out is the
    /// person's choice: it must not vanish with A's membership).
    public var optOutsCarried = 0
    /// Contacts already in B, not subscribed there, whose subscription at A a move took away
    /// with A's membership, per channel: they get that channel from no location now. SPEC 6
    /// leaves B's membership as it is, so this is said, with the command that subscribes.
    public var subscriptionsEnded: [Channel: [String]] = [:]
    public var contacts: [String] = []
    public var dryRun = false

    enum CodingKeys: String, CodingKey {
        case from, to, copied, contacts, moved
        case dryRun = "dry_run"
        case alreadyThere = "already_there"
        case textsMoved = "texts_moved"
        case optOutsCarried = "opt_outs_carried"
        case textsEnded = "texts_ended"
        case emailsEnded = "emails_ended"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(copied, forKey: .copied)
        try c.encode(contacts, forKey: .contacts)
        try c.encode(moved, forKey: .moved)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(alreadyThere, forKey: .alreadyThere)
        try c.encode(textsMoved, forKey: .textsMoved)
        try c.encode(optOutsCarried, forKey: .optOutsCarried)
        try c.encode(subscriptionsEnded[.text] ?? [], forKey: .textsEnded)
        try c.encode(subscriptionsEnded[.email] ?? [], forKey: .emailsEnded)
    }
}

/// Contact-level operations: show, find, copy, subscribe and unsubscribe.
public struct Contacts {
    public let store: any ContactStore
    public let clock: Clock

    public init(store: any ContactStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    /// The contact with this ID in any practice of this database. Contact IDs are unique
    /// across the database; an ID that does not decode is simply not found.
    public func show(_ id: String, practice: String? = nil) throws -> ContactView {
        let practices = try practice.map { [try store.practice(named: $0)] } ?? store.practices()
        guard let number = store.idCodec.decode(id) else { throw StoreError.contactNotFound(Text.trim(id)) }
        return try store.read { tx in
            for p in practices {
                if let contact = try tx.contact(number: number, practiceID: p.id) {
                    return ContactView(id: store.idCodec.encode(number), practice: p.name, values: contact.values,
                                       memberships: try tx.memberships(contact: number), history: try tx.statusChanges(contact: number))
                }
            }
            throw StoreError.contactNotFound(Text.trim(id))
        }
    }

    /// Contacts whose name, email or phone (any common format) matches `text`.
    public func find(_ text: String, practice: String? = nil, limit: Int = 200) throws -> [ContactView] {
        let query = Text.trim(text)
        guard !query.isEmpty else { return [] }
        let practices = try store.practices()
        let practiceID = try practice.map { try store.practice(named: $0).id }
        let phone = try? Phone.parse(query).get()
        let found = try store.read { tx in
            try tx.findContacts(practiceID: practiceID, text: query, phone: phone, limit: limit).map { c in
                ContactView(id: store.idCodec.encode(c.number), practice: practices.first { $0.id == c.practiceID }?.name ?? "",
                            values: c.values, memberships: try tx.memberships(contact: c.number), history: [], includesHistory: false)
            }
        }
        // Names that start with the text first (`Ann` finds Ann Lee before Joanna Hill),
        // then the rest, each group in the store's order (last name, first name).
        let lowered = Text.lowercased(query)
        let startsAName = { (v: ContactView) in
            [v.values[.firstName], v.values[.lastName], v.values[.nickname]].contains { name in
                name.map { Text.lowercased($0).split(whereSeparator: { $0 == " " || $0 == "-" }).contains { $0.hasPrefix(lowered) } } ?? false
            } || [v.values[.firstName], v.values[.lastName]].compactMap { $0 }.joined(separator: " ").lowercased().hasPrefix(lowered)
        }
        var ranked = found.filter(startsAName) + found.filter { !startsAName($0) }
        // Nothing matched the text as typed: look again with accents, case, apostrophes and
        // word order set aside (`siobhan` finds Siobhán, `Abbott, Jim` and `lopez maria` find
        // Jim Abbott and Maria Lopez), every word somewhere in the name, nickname or email.
        if ranked.isEmpty { ranked = try findByWords(query, practiceID: practiceID, practices: practices, limit: limit) }
        // A Contact ID pasted into find is that contact, first.
        if let number = store.idCodec.decode(query), !ranked.contains(where: { store.idCodec.decode($0.id) == number }),
           let byID = try? show(query, practice: practice) {
            ranked.insert(ContactView(id: byID.id, practice: byID.practice, values: byID.values, memberships: byID.memberships,
                                      history: [], includesHistory: false), at: 0)
        }
        return ranked
    }

    /// `text` folded: lower case, no accents, typographic apostrophes as '.
    static func folded(_ text: String) -> String {
        Text.identityKey(text).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    }

    private func findByWords(_ query: String, practiceID: Int64?, practices: [Practice], limit: Int) throws -> [ContactView] {
        let words = Self.folded(query).split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
        guard !words.isEmpty else { return [] }
        return try store.read { tx in
            var numbers: [(Int64, Int64)] = []
            try tx.forEachSearchText(practiceID: practiceID) { number, practice, text in
                guard numbers.count < limit else { return }
                let haystack = Text.isASCII(text) ? text : Self.folded(text)
                if words.allSatisfy({ Text.contains(haystack, $0) }) { numbers.append((number, practice)) }
            }
            return try numbers.compactMap { number, practiceID in
                guard let c = try tx.contact(number: number, practiceID: practiceID) else { return nil }
                return ContactView(id: store.idCodec.encode(number), practice: practices.first { $0.id == practiceID }?.name ?? "",
                                   values: c.values, memberships: try tx.memberships(contact: number), history: [], includesHistory: false)
            }
        }
    }

    /// Resolves IDs to contact numbers of `practiceID`, refusing any other (never saying
    /// whether it exists elsewhere).
    /// `practice` (the name of `practiceID`'s practice, where the database holds several) is
    /// named when an ID is not found: it tells a user who gave a location of another practice
    /// where the mistake is, and says nothing of other practices' contacts.
    /// The practice's name for `numbers` to give, where the database holds more than one.
    private func namedWhereSeveral(_ practice: String) throws -> String? {
        try store.practices().count > 1 ? practice : nil
    }

    private func numbers(_ ids: [String], practiceID: Int64, named practice: String?, _ tx: any ContactTransaction) throws -> [(String, Int64)] {
        try ids.map { id in
            guard let n = store.idCodec.decode(id), try tx.contact(number: n, practiceID: practiceID) != nil else {
                throw StoreError.contactNotFound(Text.trim(id), practice: practice)
            }
            return (store.idCodec.encode(n), n)
        }
    }

    /// Copies contacts from A to B of one practice (SPEC 6): email status kept from A,
    /// texts follow the text rule, opt-outs travel; `move` then removes them from A.
    public func copy(from: String, to: String, practice: String?, ids: [String]?, move: Bool, dryRun: Bool = false) throws -> CopyReadout {
        let source = try store.location(named: from, practice: practice)
        let target = try store.location(named: to, practice: practice ?? source.practiceName)
        guard source.practiceID == target.practiceID else {
            throw StoreError.unknownLocation(to, known: try store.locations(practice: source.practiceName).map(\.name), practice: source.practiceName)
        }
        guard source.id != target.id else {
            throw ImportError.invalidOption("--from and --to name the same location (\(source.name)): name two locations")
        }
        let practiceNamed = try namedWhereSeveral(source.practiceName)
        let at = Clock.timestamp(clock.now())
        return try store.write(commit: !dryRun) { tx in
            let operation = try tx.beginOperation(kind: move ? "move" : "copy", practiceID: source.practiceID, location: target.id,
                                                  file: nil, sha256: nil, consent: nil, at: at, from: source.id)
            // An ID given twice (or spelt two ways) is one contact, copied once: a second
            // pass would count them as already there, or, moved, as not in A any more.
            var seen = Set<Int64>()
            let chosen: [(String, Int64)] = try (ids.map { try numbers($0, practiceID: source.practiceID, named: practiceNamed, tx) }
                ?? tx.contactNumbers(location: source.id).map { (store.idCodec.encode($0), $0) })
                .filter { seen.insert($0.1).inserted }
            var readout = CopyReadout(from: source.name, to: target.name)
            readout.dryRun = dryRun
            var counts = OperationCounts()
            for (id, number) in chosen {
                counts.rows += 1
                let memberships = try tx.memberships(contact: number)
                guard let inSource = memberships.first(where: { $0.locationID == source.id }) else {
                    throw StoreError.notInLocation(contact: id, location: source.name)
                }
                let text: Status = inSource.text == .subscribed ? .subscribed : .unsubscribed
                let reason = (move ? "moved" : "copied") + " from \(source.name)"
                let added = try TextRule.addMembership(tx, contact: number, location: target, text: text, email: inSource.email,
                                                       reason: reason, operation: operation, at: at, memberships: memberships)
                if added.added {
                    readout.copied += 1
                    counts.copied += 1
                    readout.contacts.append(id)
                    readout.textsMoved += added.textsMovedFrom.count
                } else {
                    readout.alreadyThere += 1
                    counts.unchanged += 1
                }
                if move {
                    // An opt-out is the person's choice: it must not vanish with the old membership.
                    if !added.added, let there = try tx.memberships(contact: number).first(where: { $0.locationID == target.id }) {
                        let carried = Channel.allCases.filter { inSource.status($0) == .optedOut && there.status($0) != .optedOut }
                        for channel in carried {
                            try tx.setStatus(contact: number, location: target.id, channel: channel, status: .optedOut, at: at)
                            try tx.recordStatusChange(contact: number, location: target.id, channel: channel, from: there.status(channel),
                                                      to: .optedOut, reason: "opted out at \(source.name), moved here", operation: operation, at: at)
                        }
                        if !carried.isEmpty { readout.optOutsCarried += 1 }
                        // Subscribed at A only, and not at B: with A's membership gone, nowhere.
                        let others = memberships.filter { $0.locationID != source.id && $0.locationID != target.id }
                        for channel in Channel.allCases where inSource.status(channel) == .subscribed
                            && (there.status(channel) == .unsubscribed) && !others.contains(where: { $0.status(channel) == .subscribed }) {
                            readout.subscriptionsEnded[channel, default: []].append(id)
                        }
                    }
                    try tx.deleteMembership(contact: number, location: source.id, reason: "moved to \(target.name)",
                                            operation: operation, at: at)
                    readout.moved += 1
                }
            }
            try tx.finishOperation(operation, counts: counts, sha256: nil)
            return readout
        }
    }

    /// What `setStatus` did, with the contact's ID and the location's name as stored (the
    /// user may have typed `c7km…` and `nashua`).
    /// `samePhoneTexted`: for a text opt-out, the other contacts with this Phone (Mobile)
    /// who are still text-subscribed somewhere ("Owen Lee (C…) at Nashua"): a family's
    /// shared phone gets their texts too, which the person may have meant to stop.
    /// `subscribedNowhere`: a plain unsubscribe left this channel subscribed at no location.
    /// `subscribedElsewhere`: for an opt-out, the other locations where this channel is
    /// still subscribed. SPEC 1 keeps statuses per location, but a person who asks "stop
    /// emailing me" usually means the practice: said, with what to run, never done unasked.
    public typealias StatusSetByHand = (from: Status, movedFrom: [String], optedOutElsewhere: [String], contactID: String, location: String,
                                        samePhoneTexted: [String], subscribedElsewhere: [String], subscribedNowhere: Bool)

    /// Sets one status by hand. `subscribe` is the person's renewed consent: the only
    /// thing that lifts an opt-out (SPEC 1).
    public func setStatus(_ id: String, location: String, practice: String?, channel: Channel, status: Status) throws -> StatusSetByHand {
        let loc = try store.location(named: location, practice: practice)
        let practiceNamed = try namedWhereSeveral(loc.practiceName)
        let at = Clock.timestamp(clock.now())
        return try store.write(commit: true) { tx in
            let (canonical, number) = try numbers([id], practiceID: loc.practiceID, named: practiceNamed, tx)[0]
            guard try tx.memberships(contact: number).contains(where: { $0.locationID == loc.id }) else {
                throw StoreError.notInLocation(contact: canonical, location: loc.name)
            }
            // SPEC 4 subscribes a channel only with its phone or email; by hand too.
            if status == .subscribed {
                let values = try tx.contact(number: number, practiceID: loc.practiceID)?.values
                if values?[channel == .text ? .phone : .email] == nil {
                    throw StoreError.cannotReach(contact: canonical, channel: channel)
                }
            }
            let reason = switch status {
            case .subscribed: "subscribed by hand (renewed consent)"
            case .unsubscribed: "unsubscribed by hand"
            case .optedOut: "opted out by the person's choice"
            }
            let set = try TextRule.setStatus(tx, contact: number, location: loc, channel: channel, status: status,
                                             reason: reason, operation: nil, at: at)
            let subscribedElsewhere = status == .optedOut
                ? try tx.memberships(contact: number).filter { $0.locationID != loc.id && $0.status(channel) == .subscribed }.map(\.locationName)
                : []
            var samePhoneTexted: [String] = []
            if channel == .text, status == .optedOut, let phone = try tx.contact(number: number, practiceID: loc.practiceID)?.values[.phone] {
                for other in try tx.findContacts(practiceID: loc.practiceID, text: phone, phone: phone, limit: 50)
                where other.number != number && other.values[.phone] == phone {
                    let texted = try tx.memberships(contact: other.number).filter { $0.text == .subscribed }.map(\.locationName)
                    guard !texted.isEmpty else { continue }
                    let name = [other.values[.firstName], other.values[.lastName]].compactMap { $0 }.joined(separator: " ")
                    samePhoneTexted.append("\(name) (\(store.idCodec.encode(other.number))) at \(texted.joined(separator: ", "))")
                }
            }
            // A plain unsubscribe that leaves the channel subscribed nowhere (a subscribe at the
            // wrong location moved the texts here first): said, so it is not left unnoticed.
            let subscribedNowhere = try status == .unsubscribed && set.from == .subscribed
                && !tx.memberships(contact: number).contains { $0.status(channel) == .subscribed }
            return (set.from, set.movedFrom, set.optedOutElsewhere, canonical, loc.name, samePhoneTexted, subscribedElsewhere, subscribedNowhere)
        }
    }
}
