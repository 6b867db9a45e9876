import Foundation

/// One welcome email as an RFC 5322 message with a MIME text/plain UTF-8 body, for
/// handing to `sendmail -i -t` (issue 10). Lines end in LF, as local submission expects.
public struct MailMessage: Equatable, Sendable {
    public var from: String
    public var fromName: String?
    public var to: String
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String
    public var unsubscribeURL: String

    public init(from: String, fromName: String?, to: String, subject: String, body: String, date: Date,
                messageID: String, unsubscribeURL: String) {
        (self.from, self.fromName, self.to, self.subject, self.body) = (from, fromName, to, subject, body)
        (self.date, self.messageID, self.unsubscribeURL) = (date, messageID, unsubscribeURL)
    }

    /// The whole message: headers, a blank line, the quoted-printable body.
    public var rendered: String {
        var headers: [String] = []
        let name = fromName.map { MailEncoding.displayName($0) + " " } ?? ""
        headers.append("From: \(name)<\(from)>")
        headers.append("To: <\(to)>")
        headers.append("Subject: " + MailEncoding.headerText(subject))
        headers.append("Date: " + MailEncoding.date(date))
        headers.append("Message-ID: <\(messageID)>")
        headers.append("MIME-Version: 1.0")
        headers.append("Content-Type: text/plain; charset=utf-8")
        headers.append("Content-Transfer-Encoding: quoted-printable")
        headers.append("List-Unsubscribe: <\(unsubscribeURL)>")
        return headers.joined(separator: "\n") + "\n\n" + MailEncoding.quotedPrintable(body) + "\n"
    }
}

/// RFC 2047 encoded words, RFC 2045 quoted-printable and RFC 5322 dates.
public enum MailEncoding {
    /// A header value: as is when ASCII, else base64 encoded words of at most 75 characters.
    public static func headerText(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            let candidate = chunk + String(character)
            // "=?utf-8?B?" + base64 + "?=" ≤ 75 → at most 45 raw bytes per word.
            if candidate.utf8.count > 45 {
                words.append(encodedWord(chunk))
                chunk = String(character)
            } else {
                chunk = candidate
            }
        }
        if !chunk.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: "\n ")
    }

    static func encodedWord(_ text: String) -> String {
        "=?utf-8?B?" + Data(text.utf8).base64EncodedString() + "?="
    }

    /// A display name: quoted when ASCII (with quotes escaped), encoded words otherwise.
    public static func displayName(_ name: String) -> String {
        if name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) {
            return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return headerText(name)
    }

    /// Quoted-printable with soft line breaks: keeps long lines and any UTF-8 intact.
    public static func quotedPrintable(_ text: String) -> String {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded = ""
            var width = 0
            let bytes = Array(line.utf8)
            for (i, b) in bytes.enumerated() {
                let isLast = i == bytes.count - 1
                let piece: String
                if (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !isLast) {
                    piece = String(UnicodeScalar(b))
                } else {
                    piece = "=" + String(b, radix: 16, uppercase: true).leftPad(2)
                }
                if width + piece.count > 75 {
                    encoded += "=\n"
                    width = 0
                }
                encoded += piece
                width += piece.count
            }
            out.append(encoded)
        }
        return out.joined(separator: "\n")
    }

    /// `Wed, 25 Nov 2026 15:27:40 +0000`.
    public static func date(_ date: Date) -> String {
        var t = time_t(Int64(date.timeIntervalSince1970.rounded(.down)))
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let two = { (n: Int32) in String(n).leftPad(2) }
        return "\(days[Int(parts.tm_wday)]), \(parts.tm_mday) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
