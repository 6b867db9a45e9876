/// States, territories and provinces (SPEC 3), from country-region-data (US and CA).
/// The one table; `State.normalise` and `Country.normalise` read it.
public enum Country: String, Sendable, CaseIterable {
    case us = "US", ca = "CA"

    /// Accepted spellings, compared after lower-casing and dropping dots and spaces (`Regions.key`).
    static let spellings: [String: Country] = [
        "us": .us, "usa": .us, "unitedstates": .us, "unitedstatesofamerica": .us, "america": .us,
        "ca": .ca, "can": .ca, "canada": .ca,
    ]

    public static func normalise(_ trimmed: String) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        guard let country = spellings[Regions.key(trimmed)] else {
            return .invalid("is not US or Canada; only US and CA addresses can be stored (write US or CA)")
        }
        return country.rawValue == trimmed ? .accepted(trimmed) : .corrected(country.rawValue, kind: .countryCode)
    }
}

enum Regions {
    /// Lower-cased letters and digits: dots, spaces and dashes do not count (`N.H.`, `U.S.A.`).
    /// Digits are kept, so a cell holding more than a region (`MA 01852`) is not read as one.
    /// From the bytes for ASCII text (every State and Country cell in practice): there a
    /// letter is A–Z or a–z and a number 0–9 (a CR LF pair, one Character, is neither).
    /// `fullKey` for anything else, and the reference, held to this by `asciiKeyIsTheFullKey`.
    static func key(_ s: String) -> String {
        let ascii: String?? = s.utf8.withContiguousStorageIfAvailable { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { out -> String? in
                var n = 0
                for b in bytes {
                    if b >= 0x80 { return nil }
                    if (b | 0x20) &- 0x61 < 26 { out[n] = b | 0x20; n += 1 } else if b &- 0x30 < 10 { out[n] = b; n += 1 }
                }
                return String(decoding: UnsafeBufferPointer(rebasing: out[0..<n]), as: UTF8.self)
            }
        }
        if let ascii, let key = ascii { return key }
        return fullKey(s)
    }

    static func fullKey(_ s: String) -> String {
        String(s.lowercased().filter { $0.isLetter || $0.isNumber })
    }

    static let table: [(country: Country, code: String, name: String)] = [
        (.ca, "AB", "Alberta"), (.ca, "BC", "British Columbia"), (.ca, "MB", "Manitoba"),
        (.ca, "NB", "New Brunswick"), (.ca, "NL", "Newfoundland and Labrador"),
        (.ca, "NT", "Northwest Territories"), (.ca, "NS", "Nova Scotia"), (.ca, "NU", "Nunavut"),
        (.ca, "ON", "Ontario"), (.ca, "PE", "Prince Edward Island"), (.ca, "QC", "Quebec"),
        (.ca, "SK", "Saskatchewan"), (.ca, "YT", "Yukon"),
        (.us, "AL", "Alabama"), (.us, "AK", "Alaska"), (.us, "AS", "American Samoa"), (.us, "AZ", "Arizona"),
        (.us, "AR", "Arkansas"), (.us, "CA", "California"), (.us, "CO", "Colorado"), (.us, "CT", "Connecticut"),
        (.us, "DE", "Delaware"), (.us, "DC", "District of Columbia"), (.us, "FM", "Micronesia"),
        (.us, "FL", "Florida"), (.us, "GA", "Georgia"), (.us, "GU", "Guam"), (.us, "HI", "Hawaii"),
        (.us, "ID", "Idaho"), (.us, "IL", "Illinois"), (.us, "IN", "Indiana"), (.us, "IA", "Iowa"),
        (.us, "KS", "Kansas"), (.us, "KY", "Kentucky"), (.us, "LA", "Louisiana"), (.us, "ME", "Maine"),
        (.us, "MH", "Marshall Islands"), (.us, "MD", "Maryland"), (.us, "MA", "Massachusetts"),
        (.us, "MI", "Michigan"), (.us, "MN", "Minnesota"), (.us, "MS", "Mississippi"), (.us, "MO", "Missouri"),
        (.us, "MT", "Montana"), (.us, "NE", "Nebraska"), (.us, "NV", "Nevada"), (.us, "NH", "New Hampshire"),
        (.us, "NJ", "New Jersey"), (.us, "NM", "New Mexico"), (.us, "NY", "New York"),
        (.us, "NC", "North Carolina"), (.us, "ND", "North Dakota"), (.us, "MP", "Northern Mariana Islands"),
        (.us, "OH", "Ohio"), (.us, "OK", "Oklahoma"), (.us, "OR", "Oregon"), (.us, "PW", "Palau"),
        (.us, "PA", "Pennsylvania"), (.us, "PR", "Puerto Rico"), (.us, "RI", "Rhode Island"),
        (.us, "SC", "South Carolina"), (.us, "SD", "South Dakota"), (.us, "TN", "Tennessee"),
        (.us, "TX", "Texas"), (.us, "UT", "Utah"), (.us, "VT", "Vermont"), (.us, "VI", "Virgin Islands"),
        (.us, "VA", "Virginia"), (.us, "WA", "Washington"), (.us, "WV", "West Virginia"),
        (.us, "WI", "Wisconsin"), (.us, "WY", "Wyoming"), (.us, "AA", "Armed Forces Americas"),
        (.us, "AE", "Armed Forces Europe, Canada, Africa and Middle East"), (.us, "AP", "Armed Forces Pacific"),
    ]

    /// Traditional abbreviations people still type (`Mass.`, `Calif.`, `Que.`).
    static let abbreviations: [String: String] = [
        "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO", "conn": "CT",
        "del": "DE", "fla": "FL", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "mass": "MA",
        "mich": "MI", "minn": "MN", "miss": "MS", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV",
        "okla": "OK", "ore": "OR", "oreg": "OR", "penn": "PA", "penna": "PA", "tenn": "TN", "tex": "TX",
        "wash": "WA", "wis": "WI", "wisc": "WI", "wyo": "WY", "vt": "VT", "que": "QC", "pq": "QC",
        "newfoundland": "NL", "washingtondc": "DC", "quebec": "QC", "quebecprovince": "QC",
        // Canada's traditional ones (Canada Post's before the two-letter codes).
        "ont": "ON", "alta": "AB", "sask": "SK", "man": "MB", "nfld": "NL", "pei": "PE",
        // Territories' longer names (`U.S. Virgin Islands`, `Commonwealth of Puerto Rico`).
        "usvirginislands": "VI", "usvi": "VI", "virginislandsoftheunitedstates": "VI",
        "commonwealthofpuertorico": "PR", "federatedstatesofmicronesia": "FM",
        "commonwealthofthenorthernmarianaislands": "MP", "republicofpalau": "PW",
        "republicofthemarshallislands": "MH", "yukonterritory": "YT",
    ]

    /// code → country, and normalised spelling → code.
    static let countryOfCode: [String: Country] = Dictionary(table.map { ($0.code, $0.country) }, uniquingKeysWith: { a, _ in a })
    static let codeOfSpelling: [String: String] = {
        var map: [String: String] = abbreviations
        for entry in table {
            map[key(entry.name)] = entry.code
            map[key(entry.code)] = entry.code
        }
        map[key("Québec")] = "QC"
        return map
    }()
}

/// State (SPEC 3): stored as the two-letter code.
public enum State {
    public static func normalise(_ trimmed: String, country: String?) -> FieldOutcome {
        if trimmed.isEmpty { return .accepted(nil) }
        guard let code = Regions.codeOfSpelling[Regions.key(trimmed)] else {
            return .invalid("is not a US state or territory or a Canadian province; use its two-letter code such as NH or ON")
        }
        if let country, let expected = Country(rawValue: country), Regions.countryOfCode[code] != expected {
            // California is also CA; `CA` as a state in Canada is the one ambiguity left.
            return .invalid("is not in \(expected == .us ? "the US" : "Canada"), the row's Country; fix the State or the Country")
        }
        return code == trimmed ? .accepted(code) : .corrected(code, kind: .stateCode)
    }
}

import Foundation
