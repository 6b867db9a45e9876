// libpq, PostgreSQL's C client library, for the PostgreSQL store (issue 9). Its header
// (Debian: libpq-dev, under postgresql/) gives the types; the functions are libpq's own,
// reached through libpq_loader.c, which opens libpq.so.5 only when a PostgreSQL database is
// used. Linking libpq made every roster command load it and eighteen libraries of its own
// (Kerberos, LDAP, GnuTLS...): 5.6 ms of each start, measured (docs/PERFORMANCE.md).
#include <postgresql/libpq-fe.h>

/// Opens libpq.so.5 and finds the functions roster calls, once. NULL when they are
/// ready; otherwise what went wrong, for a message (the PQ functions must not be called).
const char *roster_libpq_load(void);
