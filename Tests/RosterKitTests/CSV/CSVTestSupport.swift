import Foundation
import Testing
@testable import RosterKit

/// Every record of a file (blank ones included), read with the encoding the scan finds
/// unless one is given.
func csvRead(_ path: String, encoding: SourceEncoding? = nil, delimiter: UInt8 = UInt8(ascii: ","),
             fieldByteLimit: Int = CSVReader.defaultFieldByteLimit, maxFields: Int = 200_000) throws -> [CSVRecord] {
    let encoding = try encoding ?? FileFingerprint.scan(path: path).encoding
    let reader = try CSVReader(path: path, encoding: encoding, delimiter: delimiter,
                               fieldByteLimit: fieldByteLimit, maxFields: maxFields)
    var records: [CSVRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

/// Writes `bytes` to a scratch file and reads every record back.
func csvRead(bytes: [UInt8], encoding: SourceEncoding? = nil, delimiter: UInt8 = UInt8(ascii: ","),
             fieldByteLimit: Int = CSVReader.defaultFieldByteLimit, maxFields: Int = 200_000) throws -> [CSVRecord] {
    let scratch = Scratch()
    let path = scratch.file("in.csv", bytes: bytes)
    return try csvRead(path, encoding: encoding, delimiter: delimiter, fieldByteLimit: fieldByteLimit, maxFields: maxFields)
}

/// UTF-8 text → records.
func csvRead(text: String, fieldByteLimit: Int = CSVReader.defaultFieldByteLimit, maxFields: Int = 200_000) throws -> [CSVRecord] {
    try csvRead(bytes: Array(text.utf8), fieldByteLimit: fieldByteLimit, maxFields: maxFields)
}

/// The records' fields only.
func csvFields(_ records: [CSVRecord]) -> [[String]] { records.map(\.fields) }

/// The error a throwing call ends with, or nil.
func csvThrownError<T>(_ body: () throws -> T) -> (any Error)? {
    do { _ = try body(); return nil } catch { return error }
}

/// The shared seeded generator (TestSupport.swift), so "random" inputs are the same on every run.
typealias CSVSeededGenerator = SplitMix64

enum CSVBytes {
    static func utf16LE(_ text: String, bom: Bool = true) -> [UInt8] {
        (bom ? [0xFF, 0xFE] : []) + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }
    static func utf16BE(_ text: String, bom: Bool = true) -> [UInt8] {
        (bom ? [0xFE, 0xFF] : []) + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
