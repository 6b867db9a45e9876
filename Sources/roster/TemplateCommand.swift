import ArgumentParser
import RosterKit

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Print the CSV template's header line.",
        discussion: "Example:\n  roster template > patients.csv"
    )

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        print(TemplateField.headerLine)
    }
}
