#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call.
// Memory statistics off: Debian's libsqlite3 has no lookaside allocator, so every text
// value a statement reads or writes is a malloc, and with statistics on each one takes a
// global mutex (a fifth of a one-row UPDATE's instructions). roster reads no statistics.
// Must run before SQLite initialises; afterwards it returns SQLITE_MISUSE and changes nothing.
static inline int roster_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
