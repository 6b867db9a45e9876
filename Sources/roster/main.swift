import Foundation

// Every file roster creates (database, -wal, -shm, exports, reports) holds PHI: 0600.
umask(0o077)
Roster.main()
