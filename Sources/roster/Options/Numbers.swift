import ArgumentParser

/// A number `roster history` or `roster outbox` shows as `#12`: typed with or without its
/// `#`. Anything else is refused saying where the numbers are, since a Contact ID (the
/// other thing a person has at hand) is not one.
func shownNumber(_ text: String, listedBy command: String) throws -> Int64 {
    let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
    guard let number = Int64(digits), number > 0 else {
        throw ValidationError("\"\(text)\" is not a number from `\(command)` (such as 12 or #12)"
                              + (text.uppercased().hasPrefix("C") && text.count >= 10 ? "; it looks like a Contact ID" : ""))
    }
    return number
}
