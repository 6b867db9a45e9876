import ArgumentParser
import Foundation
import RosterKit

struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy (or move) contacts from one location to another of the same practice.",
        discussion: """
            The new membership keeps the contact's email status from the first location; texts follow the \
            text rule (subscribed at the new location if they were at the old one, then unsubscribed there). \
            Opt-outs travel with the person. A contact already in the target is left as it is.

            Example:
              roster copy --from Nashua --to Hudson --contact C7KM29PXQ4
              roster copy --from Nashua --to Hudson --all --move
            """
    )

    @Option(help: "The location to copy from.") var from: String
    @Option(help: "The location to copy to.") var to: String
    @Option(help: "The practice (needed only when location names are not unique).") var practice: String?
    /// `--contact A B C` and `--contact A --contact B` alike (SPEC 10: `--contact ID ...`).
    @Option(name: .customLong("contact"), parsing: .upToNextOption, help: "Contact IDs to copy (one or more; repeatable).")
    var contacts: [String] = []
    @Flag(help: "Copy every contact of --from.") var all = false
    @Flag(help: "Also remove the contacts from --from.") var move = false
    @Flag(name: .customLong("dry-run"), help: "Say what would be copied; change nothing.") var dryRun = false
    @Flag(help: "Print the readout as JSON.") var json = false
    @OptionGroup var database: DatabaseOptions

    /// A pasted list may hold commas or spaces too: "C7KM29PXQ4, C2JPEAVZR6".
    var contactIDs: [String] {
        contacts.flatMap { $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) }
    }

    func validate() throws {
        if all == !contactIDs.isEmpty {
            throw ValidationError("name the contacts to copy with --contact ID (repeatable), or copy them all with --all")
        }
    }

    func run() throws {
        try runReporting(json: json) {
            let readout = try Contacts(store: database.open()).copy(from: from, to: to, practice: practice,
                                                                     ids: all ? nil : contactIDs, move: move, dryRun: dryRun)
            if json { return try printJSON(readout) }
            func counted(_ n: Int) -> String { ReadoutText.count(n, "contact") }
            if dryRun { print("Dry run, nothing changed:", terminator: " ") }
            print("\(dryRun ? (move ? "would move" : "would copy") : (move ? "Moved" : "Copied")) \(counted(readout.copied + (move ? readout.alreadyThere : 0))) from \(readout.from) to \(readout.to)"
                  + (readout.alreadyThere == 0 ? "." : " (\(counted(readout.alreadyThere)) already in \(readout.to)"
                     + (readout.optOutsCarried == 0 ? (readout.alreadyThere == 1 ? ", left as it was)." : ", left as they were).") : ").")))
            if readout.optOutsCarried > 0 {
                // Not "left as they were": their opt-out at A now holds at B.
                print("\(counted(readout.optOutsCarried)) already in \(readout.to) \(dryRun ? "would now be" : readout.optOutsCarried == 1 ? "is now" : "are now") opted out there as at \(readout.from): an opt-out is the person's choice, and moving does not drop it (`roster show ID` lists the change).")
            }
            let people = ReadoutText.count(readout.textsMoved, "person", "people")
            if readout.textsMoved > 0 && move {
                // A's membership is gone: "turned off at A" would describe a row no longer there.
                print("\(people) \(dryRun ? "would get" : readout.textsMoved == 1 ? "gets" : "get") texts from \(readout.to) now, instead of from \(readout.from).")
            } else if readout.textsMoved > 0 {
                let get = dryRun ? "would now get" : readout.textsMoved == 1 ? "now gets" : "now get"
                print("\(people) \(get) texts from \(readout.to) only: a person gets texts from one location, so their texts from \(readout.from) \(dryRun ? "would be" : "were") turned off.")
            }
            if move && readout.moved > 0 { print("\(counted(readout.moved)) \(dryRun ? "would no longer be" : "no longer") in \(readout.from).") }
            for channel in Channel.allCases {
                guard let ended = readout.subscriptionsEnded[channel], !ended.isEmpty else { continue }
                let what = channel == .text ? "texts" : "emails"
                let shown = ended.prefix(20).joined(separator: ", ") + (ended.count > 20 ? " and \(ended.count - 20) more (`--json` lists all)" : "")
                print("Note: \(counted(ended.count)) already in \(readout.to) with \(what) off there got \(what) from \(readout.from) only, and \(dryRun ? "would get" : "now get") them from no location (the move leaves their place in \(readout.to) as it was): \(shown). If they should get \(what) from \(readout.to), subscribe each: `roster subscribe ID --location \(ReadoutText.shellWord(readout.to)) --channel \(channel.rawValue)`.")
            }
        }
    }
}

/// `subscribe` and `unsubscribe` share these.
struct StatusOptions: ParsableArguments {
    @Argument(help: "The Contact ID.") var id: String
    @Option(help: "The location.") var location: String
    @Option(help: "The practice (needed only when location names are not unique).") var practice: String?
    @Option(help: "text or email.") var channel: Channel
    @OptionGroup var database: DatabaseOptions
}

struct SubscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribe",
        abstract: "Subscribe a contact on one channel at one location (the person's renewed consent).",
        discussion: """
            The only command that lifts an opt-out. Subscribing to texts unsubscribes texts at the contact's \
            other locations (the text rule).

            Example:
              roster subscribe C7KM29PXQ4 --location Nashua --channel text
            """
    )
    @OptionGroup var options: StatusOptions

    func run() throws {
        try runReporting {
            let result = try Contacts(store: options.database.open()).setStatus(options.id, location: options.location, practice: options.practice,
                                                                                channel: options.channel, status: .subscribed)
            let what = "\(result.contactID): \(options.channel.rawValue) at \(result.location)"
            print(result.from == .subscribed ? "\(what) was already subscribed." : "\(what) is now subscribed (was \(result.from.rawValue)).")
            if !result.movedFrom.isEmpty {
                print("Texts from \(result.movedFrom.joined(separator: ", ")) turned off: a person gets texts from one location.")
            }
            if !result.optedOutElsewhere.isEmpty {
                print("Note: they opted out of \(options.channel == .text ? "texts" : "emails") at \(ReadoutText.list(result.optedOutElsewhere)), which stays: subscribe only with their consent for \(result.location).")
            }
        }
    }
}

struct UnsubscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsubscribe",
        abstract: "Unsubscribe a contact on one channel at one location.",
        discussion: """
            With --opt-out the status becomes opted-out: the person's own choice, which no import, merge or \
            copy turns back, and which follows the person to every location they are added to.

            Example:
              roster unsubscribe C7KM29PXQ4 --location Nashua --channel email --opt-out
            """
    )
    @OptionGroup var options: StatusOptions
    @Flag(name: .customLong("opt-out"), help: "Record it as the person's own opt-out.") var optOut = false

    func run() throws {
        try runReporting {
            let status: Status = optOut ? .optedOut : .unsubscribed
            let result = try Contacts(store: options.database.open()).setStatus(options.id, location: options.location, practice: options.practice,
                                                                                channel: options.channel, status: status)
            let what = "\(result.contactID): \(options.channel.rawValue) at \(result.location)"
            if result.from == .optedOut && status == .unsubscribed {
                print("\(what) stays opted-out: that was the person's own choice, and only `roster subscribe` (their renewed consent) changes it.")
            } else if result.from == status {
                print("\(what) was already \(status.rawValue).")
            } else {
                print("\(what) is now \(status.rawValue) (was \(result.from.rawValue)).")
            }
            if result.subscribedNowhere {
                let what = options.channel == .text ? "texts" : "emails"
                print("Note: they now get \(what) from no location of the practice. If that was not meant (a subscribe elsewhere moves texts here first), `roster show \(result.contactID)` lists where they had them, and `roster subscribe \(result.contactID) --location L --channel \(options.channel.rawValue)` turns them back on.")
            }
            if !result.subscribedElsewhere.isEmpty {
                let what = options.channel == .text ? "texts" : "emails"
                let commands = result.subscribedElsewhere.map {
                    "`roster unsubscribe \(result.contactID) --location \(ReadoutText.shellWord($0)) --channel \(options.channel.rawValue) --opt-out`"
                }
                print("Note: they still get \(what) from \(ReadoutText.list(result.subscribedElsewhere)). If they asked the practice to stop, opt them out there too: \(commands.joined(separator: ", then "))")
            }
            if !result.samePhoneTexted.isEmpty {
                print("Note: \(ReadoutText.list(result.samePhoneTexted)) \(result.samePhoneTexted.count == 1 ? "has" : "have") the same mobile phone and still \(result.samePhoneTexted.count == 1 ? "gets" : "get") texts: if the phone's owner asked to stop them, opt \(result.samePhoneTexted.count == 1 ? "that contact" : "each") out too (`roster unsubscribe ID --location L --channel text --opt-out`).")
            }
        }
    }
}
