/// A contact of a location as export reads it: its values as UTF-8 in one buffer, not a
/// String each (making 17 Strings a contact was half of an export's reading).
public struct ContactBytes: Sendable {
    public var number: Int64
    public var practiceID: Int64
    public var text: Status
    public var email: Status
    /// The values, one after another, in template order.
    var bytes: [UInt8]
    /// Where each value starts in `bytes`; one more entry marks the end of the last.
    var starts: [Int32]
    /// Bit i: the value of field i is NULL (empty).
    var nulls: UInt32

    /// The value of `field`: nil when empty, else its bytes for the duration of `body`.
    public func withValue<T>(_ field: TemplateField, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T) rethrows -> T {
        let i = field.rawValue
        if nulls & (1 << UInt32(i)) != 0 { return try body(nil) }
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[Int(starts[i])..<Int(starts[i + 1])]))
        }
    }

    /// The value of `field` as a String (for the filters), nil when empty.
    public func value(_ field: TemplateField) -> String? {
        withValue(field) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }
}
