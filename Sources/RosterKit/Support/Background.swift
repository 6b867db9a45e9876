import Foundation

/// The SHA-256 of a file, worked out on a thread of its own while the rows are read and
/// stored: on a machine with two cores the hash then costs no wall time (it was a twentieth
/// of an import when it ran first). `hash` says when it is ready; `wait` blocks for it.
final class BackgroundFileHash: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcome: Result<String, any Error>?
    private var cancelled = false

    init(path: String) {
        let thread = Thread { [self] in
            let result = Result { try self.hash(path) }
            condition.changing { outcome = result }
        }
        thread.name = "roster file hash"
        thread.start()
    }

    /// The hash when it is ready, nil while it is being worked out.
    var hash: String? {
        condition.lock()
        defer { condition.unlock() }
        return try? outcome?.get()
    }

    func wait() throws -> String {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        return try outcome!.get()
    }

    /// Stops the thread at its next chunk (the run that wanted the hash has ended).
    func cancel() { condition.changing { cancelled = true } }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    private func hash(_ path: String) throws -> String {
        let file = try ChunkedFile(path: path)
        var sha = SHA256()
        var buffer: [UInt8] = []
        while !isCancelled {
            let n = try file.next(into: &buffer)
            if n == 0 { break }
            buffer.withUnsafeBytes { sha.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return sha.finish()
    }
}

/// A file's records read, and (for an import) normalised, on a thread of their own, a few
/// batches ahead of the store. The field rules are pure, so a row normalised here is the
/// row the store's thread would have normalised; the order is the file's.
final class RecordFeed<Prepared: Sendable>: @unchecked Sendable {
    struct Item: Sendable {
        var record: CSVRecord
        /// The record's place among the file's non-blank records (1 for the first).
        var count: Int
        /// What the feed could work out of the row without the store.
        var prepared: Prepared?
    }

    struct Batch: Sendable {
        var items: [Item] = []
        /// How far into the file the reader was after the batch's last record.
        var bytesRead = 0
    }

    private let condition = NSCondition()
    private var ready: [Batch] = []
    /// Batches the store's thread has decided, handed back to be freed on the feed's: the
    /// feed has time to spare, and freeing a batch's rows and values was a twelfth of the
    /// store's thread, the one an import waits for.
    private var spent: [(batch: Batch, along: (any Sendable)?)] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private static var batchSize: Int { 256 }
    private static var batchesAhead: Int { 8 }
    /// At most this much of the file per batch (a batch of a typical list is some 40 KB).
    private static var batchBytes: Int { 4 << 20 }

    /// `prepare` is given each non-blank record and its count among them (1 for the first).
    init(reader: CSVReader, prepare: @escaping @Sendable (CSVRecord, Int) -> Prepared?) {
        nonisolated(unsafe) let reader = reader   // handed over: only the feed's thread reads it from now on
        let thread = Thread { [self] in
            var batch = Batch()
            var count = 0
            var batchStart = reader.bytesRead
            do {
                while let record = try reader.next() {
                    if record.isBlank { continue }
                    count += 1
                    batch.items.append(Item(record: record, count: count, prepared: prepare(record, count)))
                    // Rows of huge cells end a batch early: read-ahead is bounded in bytes too.
                    if batch.items.count == Self.batchSize || reader.bytesRead - batchStart >= Self.batchBytes {
                        batch.bytesRead = reader.bytesRead
                        guard put(batch) else { return }
                        batch = Batch()
                        batchStart = reader.bytesRead
                        freeSpent()
                    }
                }
                batch.bytesRead = reader.bytesRead
                if !batch.items.isEmpty { guard put(batch) else { return } }
                end(nil)
            } catch {
                if !batch.items.isEmpty { batch.bytesRead = reader.bytesRead; guard put(batch) else { return } }
                end(error)
            }
        }
        thread.name = "roster record feed"
        thread.start()
    }

    /// The next batch in file order; nil at the end of the file. Throws the reader's error
    /// after the batches read before it.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            condition.broadcast()
            return ready.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the thread (the run has ended, perhaps early): it reads no further.
    func cancel() { condition.changing { cancelled = true } }

    /// Hands back a batch the store has decided, for the feed's thread to free, with what
    /// was worked out of it (a merge batch's stored contacts and normalised rows: freeing
    /// them was a twentieth of a merge's main thread).
    func giveBack(_ batch: Batch, along: (any Sendable)? = nil) {
        condition.lock()
        spent.append((batch, along))
        condition.unlock()
    }

    /// Frees the batches handed back, but for the newest: rows of it may still be held by
    /// the store, unwritten, and the last release of their values is the costly one.
    private func freeSpent() {
        condition.lock()
        var freed: [(batch: Batch, along: (any Sendable)?)] = []
        if spent.count > 1 {
            freed = spent
            spent = [freed.removeLast()]
        }
        condition.unlock()
        withExtendedLifetime(freed) {}   // freed here, outside the lock
    }

    /// Waits for room; false when the run has been cancelled.
    private func put(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= Self.batchesAhead && !cancelled { condition.wait() }
        if cancelled { return false }
        ready.append(batch)
        condition.broadcast()
        return true
    }

    private func end(_ error: (any Error)?) {
        condition.changing { (failure, finished) = (error, true) }
    }
}

/// Work handed to another thread now and collected later: a merge batch's rows are
/// normalised against their stored contacts while the store writes the batch before.
final class WorkAhead<Value: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private var value: Value?

    init(_ work: @escaping @Sendable () -> Value) {
        group.enter()
        DispatchQueue.global().async { [self] in
            value = work()
            group.leave()
        }
    }

    /// The value, once the work is done (the group orders the write before this read).
    func wait() -> Value {
        group.wait()
        return value!
    }
}

/// Items handled in order on a thread of their own, a batch at a time, while the caller
/// goes on producing them: an export formats and writes rows while the store reads the next.
final class OrderedWorker<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [[Item]] = []
    private var closed = false
    private var done = false
    private var failure: (any Error)?
    private var batch: [Item] = []
    private let batchSize: Int
    private static var batchesAhead: Int { 8 }

    init(batchSize: Int = 256, _ work: @escaping @Sendable ([Item]) throws -> Void) {
        self.batchSize = batchSize
        batch.reserveCapacity(batchSize)
        let thread = Thread { [self] in
            while let items = take() {
                do { try work(items) } catch {
                    condition.changing { failure = error }
                    break
                }
            }
            condition.changing { done = true }
        }
        thread.name = "roster ordered worker"
        thread.start()
    }

    /// Adds an item; once the worker has failed, the next hand-over of a batch throws its
    /// error (the worker does nothing more).
    func add(_ item: Item) throws {
        batch.append(item)
        if batch.count == batchSize { try send() }
    }

    /// Hands over what is left and waits for the worker to finish it all.
    func finish() throws {
        if !batch.isEmpty { try send() }
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        if let failure { throw failure }
    }

    /// Drops what the worker has not begun and waits for it to stop (the caller failed):
    /// nothing is done after this returns.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        waiting.removeAll()
        condition.broadcast()
        while !done { condition.wait() }
    }

    private func send() throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= Self.batchesAhead && failure == nil && !done { condition.wait() }
        if let failure { throw failure }
        waiting.append(batch)
        condition.broadcast()
        batch = []
        batch.reserveCapacity(batchSize)
    }

    /// The next batch for the worker; nil once closed and drained (after a failure the
    /// worker stops asking).
    private func take() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && !closed { condition.wait() }
        if waiting.isEmpty { return nil }
        condition.broadcast()
        return waiting.removeFirst()
    }
}

extension NSCondition {
    /// Runs `body` holding the lock, then wakes every thread waiting on the condition.
    func changing(_ body: () -> Void) {
        lock()
        body()
        broadcast()
        unlock()
    }
}
