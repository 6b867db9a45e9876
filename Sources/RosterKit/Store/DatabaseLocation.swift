/// Where the database is (SPEC 9): `--db PATH`, else `$ROSTER_DB`, else
/// `$XDG_DATA_HOME/roster/roster.sqlite` (default `~/.local/share/roster/`).
public enum DatabaseLocation {
    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["ROSTER_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? "~") + "/.local/share")
        return dataHome + "/roster/roster.sqlite"
    }

    /// A URL's scheme is case-insensitive (RFC 3986): `POSTGRESQL://…` is a server too, not a
    /// file of that name (which would put the practice's data on the local disk).
    public static func isPostgreSQL(_ location: String) -> Bool {
        let head = location.prefix(13).lowercased()
        return head.hasPrefix("postgresql://") || head.hasPrefix("postgres://")
    }

    /// Opens the store a location names: a `postgresql://` or `postgres://` URL selects
    /// the PostgreSQL store, anything else is a SQLite file's path.
    public static func open(_ location: String) throws -> any ContactStore {
        if isPostgreSQL(location) {
            // libpq reads the scheme in lower case only.
            let scheme = location.prefix { $0 != ":" }
            return try PostgreSQLStore(url: scheme.lowercased() + location.dropFirst(scheme.count))
        }
        return try SQLiteStore(path: location)
    }
}
