// libpq, PostgreSQL's C client library (Debian: apt-get install libpq-dev), for the
// PostgreSQL store (issue 9). Debian puts its headers under postgresql/.
#include <postgresql/libpq-fe.h>
