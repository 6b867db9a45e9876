/// What a header cell names (SPEC 2).
public enum Column: Equatable, Hashable, Sendable {
    case field(TemplateField)
    case contactID
    /// Read-only status columns of `export --with-status`; a merge never applies them.
    case textStatus, emailStatus
    /// The `Reason` column of a `--report` file: read and ignored, so a fixed report
    /// file imports as it is.
    case reason

    public var header: String {
        switch self {
        case .field(let f): f.header
        case .contactID: "Contact ID"
        case .textStatus: "Text Status"
        case .emailStatus: "Email Status"
        case .reason: "Reason"
        }
    }
}

/// Header names and their aliases, matched case-insensitively ignoring spaces and
/// punctuation (SPEC 2). The one table: add an alias here and in the README's list.
public enum HeaderAliases {
    static let table: [Column: [String]] = [
        .contactID: ["Contact ID", "ID", "ContactID", "Roster ID"],
        .field(.firstName): ["First Name", "First", "FName", "Given Name", "Forename", "Patient First Name"],
        .field(.lastName): ["Last Name", "Last", "LName", "Surname", "Family Name", "Patient Last Name"],
        .field(.nickname): ["Nickname", "Nick Name", "Preferred Name", "Goes By"],
        .field(.email): ["Email", "E-mail", "Email Address", "E-mail Address", "Mail", "Email Addr", "Primary Email"],
        .field(.phone): ["Phone (Mobile)", "Phone", "Mobile", "Cell", "Mobile Phone", "Cell Phone",
                         "Phone Number", "Mobile Number", "Cell Number", "Phone Mobile", "Telephone", "Tel",
                         "Mobile Phone Number", "Cell Phone Number", "Phone (Cell)"],
        .field(.homePhone): ["Home Phone", "Home", "Home Number", "Home Phone Number", "Landline"],
        .field(.address): ["Address", "Address 1", "Address Line 1", "Street", "Street Address", "Address1", "Street Address 1", "Street 1",
                             "Mailing Address", "Home Address"],
        .field(.addressLine2): ["Address Line 2", "Address 2", "Address2", "Apt", "Unit", "Suite", "Street Address 2", "Street 2", "Apt/Suite", "Apartment"],
        .field(.city): ["City", "Town", "City/Town"],
        .field(.state): ["State", "Province", "State/Province", "Region", "Province/State", "State Code", "State/Prov"],
        .field(.country): ["Country"],
        .field(.sex): ["Sex", "Gender", "Sex (M/F)", "Gender (M/F)", "Sex At Birth", "Birth Sex"],
        .field(.postalCode): ["Postal Code", "Zip", "ZIP Code", "Zipcode", "Postcode", "Post Code", "Postal", "Zip/Postal Code", "Postal/Zip Code", "Zip/Postal", "Postal/Zip"],
        .field(.dateOfBirth): ["Date Of Birth", "DOB", "Birthday", "Birth Date", "Birthdate", "Date Of Birth (mm/dd/yyyy)", "DOB (mm/dd/yyyy)", "Patient DOB"],
        .field(.insuranceCarrier): ["Insurance Carrier", "Insurance", "Carrier", "Insurance Company", "Insurance Provider", "Payer",
                                       "Primary Insurance", "Insurance Name", "Insurance Plan", "Primary Payer", "Ins Carrier"],
        .field(.phase): ["Phase", "Current Phase"],
        .field(.notes): ["Notes", "Note", "Comments", "Comment", "Remarks", "Patient Notes"],
        .textStatus: ["Text Status"],
        .reason: ["Reason"],
        .emailStatus: ["Email Status"],
    ]

    /// Lower-cased letters and digits only: `Phone (Mobile)` → `phonemobile`.
    public static func key(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
            .map(Character.init))
    }

    static let columnOfKey: [String: Column] = {
        var map: [String: Column] = [:]
        for (column, names) in table { for name in names { map[key(name)] = column } }
        return map
    }()

    public static func column(for header: String) -> Column? { columnOfKey[key(header)] }

    /// Headers that look like each patient's own consent or opt-out (`OK to Text`, `SMS Opt
    /// In`, `Do Not Email`): roster takes consent for a whole file (`--consent`), so their
    /// answers are never read, and the message says how to keep them (split the file).
    public static func looksLikeConsent(_ header: String) -> Bool {
        let k = key(header)
        return consentParts.contains { Text.contains(k, $0) } || words(header).contains("dnc")
    }

    static let consentParts = ["consent", "optin", "optout", "okto", "textok", "emailok", "smsok", "oktext", "okemail", "oksms",
                               "donottext", "donotemail", "donotcall", "donotcontact", "donotsms", "allowtext", "allowsms",
                               "allowemail", "maytext", "mayemail", "permission", "unsubscribe"]

    /// Headers that look like data the tool never keeps (SPEC 2): named in the error and
    /// never stored, whatever the flags.
    static let sensitiveExact: Set<String> = ["ssn", "sin", "mrn", "ein", "itin", "tin", "dl", "drivers", "passport",
                                              "cvv", "cvc", "pin",
                                              // `SS#`, `SS No`, `SS Number`, `Chart #`, `Chart No`, `Acct #`, `Acct No`
                                              "ss", "ssno", "ssnumber", "chart", "chartno", "acct", "acctno",
                                              // `Card #`, `Card No.`, `MR#`, `Mbr ID`, `Member No`, `Subscriber #`,
                                              // `Group #`, `Account #`, `DL Number`, `PHN` (a Canadian health
                                              // number); `#` reads as "no", so `Group` alone is not one of them
                                              "cardno", "mrno", "mbrid", "mbrno", "memberno", "subscriberno", "groupno",
                                              "accountno", "dlno", "dlnumber", "phn", "policyno", "licenseno", "licenceno"]
    static let sensitiveParts = ["socialsecurity", "memberid", "membernumber", "medicalrecord",
                                 "policynumber", "policyid", "policy", "cardnumber", "creditcard", "debitcard",
                                 "driverslicense", "driverlicense", "driverslicence", "passport", "subscriberid",
                                 "subscribernumber", "accountnumber", "bankaccount", "routingnumber", "taxid",
                                 "insuranceid", "insurancenumber", "groupnumber", "medicaidid", "medicareid",
                                 "medicarenumber", "medicaidnumber", "healthplanid", "securitycode",
                                 "socsec", "chartnumber", "patientid", "patientnumber", "acctnumber", "ccnumber",
                                 "healthcard", "healthnumber", "healthinsurancenumber", "socialsec", "recordnumber",
                                 "insurancecard", "claimnumber", "licensenumber", "licencenumber", "groupid"]
    /// Short codes, matched as words (`Patient SSN`, `PatientSSN`, `ssn_last4`, `patientmrn`)
    /// and not inside other words: `Business Name` holds "ssn", `Combined` holds "mbi".
    static let sensitiveCodes = ["ssn", "mrn", "mbi", "ohip", "hicn"]

    public static func isSensitive(_ header: String) -> Bool {
        let k = key(header.contains("#") ? header.replacingOccurrences(of: "#", with: "no") : header)
        // Byte for byte (`Text.contains`): Foundation's `contains` took a millisecond a file.
        if sensitiveExact.contains(k) || sensitiveParts.contains(where: { Text.contains(k, $0) }) { return true }
        // `Insurance #`, `Payer No`, `Primary Insurance Number`, `Carrier ID`: the number on
        // the patient's card, not the carrier's name, though the words before it name one.
        for suffix in ["no", "number", "num", "nbr", "id"] where k.hasSuffix(suffix) && k.count > suffix.count {
            if columnOfKey[String(k.dropLast(suffix.count))] == .field(.insuranceCarrier) { return true }
        }
        guard sensitiveCodes.contains(where: { Text.contains(k, $0) }) else { return false }
        return words(header).contains { word in
            sensitiveCodes.contains { word.hasPrefix($0) || word.hasSuffix($0) }
        }
    }

    /// Lower-cased words of a header: split at anything but letters and digits, at a
    /// lower-to-upper case change (`PatientSSN`), before the last capital of a capital run
    /// followed by a small letter (`SSNNumber`), and between letters and digits.
    static func words(_ header: String) -> [String] {
        let scalars = Array(header.unicodeScalars)
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current).lowercased()) }
            current = String.UnicodeScalarView()
        }
        for (i, v) in scalars.enumerated() {
            let isDigit = ("0"..."9").contains(v)
            guard v.properties.isAlphabetic || isDigit else { flush(); continue }
            if let previous = current.last {
                let previousDigit = ("0"..."9").contains(previous)
                let upper = v.properties.isUppercase
                let nextLower = i + 1 < scalars.count && scalars[i + 1].properties.isLowercase
                if previousDigit != isDigit
                    || (previous.properties.isLowercase && upper)
                    || (previous.properties.isUppercase && upper && nextLower) {
                    flush()
                }
            }
            current.append(v)
        }
        flush()
        return words
    }
}
