// Opens libpq.so.5 when a PostgreSQL database is first used (CLibPQ.h says why), and
// defines the libpq functions roster calls as calls through the pointers found there.
// Their prototypes are libpq-fe.h's (the header declares them, so a mismatch does not
// compile); add a function to LIBPQ_FUNCTIONS and below when the store calls a new one.
#include "CLibPQ.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define LIBPQ_FUNCTIONS(X) \
    X(PQclear) \
    X(PQcmdStatus) \
    X(PQcmdTuples) \
    X(PQconnectdbParams) \
    X(PQconninfoFree) \
    X(PQconninfoParse) \
    X(PQerrorMessage) \
    X(PQexec) \
    X(PQexecParams) \
    X(PQexecPrepared) \
    X(PQfinish) \
    X(PQfreemem) \
    X(PQgetResult) \
    X(PQgetisnull) \
    X(PQgetlength) \
    X(PQgetvalue) \
    X(PQntuples) \
    X(PQparameterStatus) \
    X(PQprepare) \
    X(PQputCopyData) \
    X(PQputCopyEnd) \
    X(PQresultErrorField) \
    X(PQresultStatus) \
    X(PQsetClientEncoding) \
    X(PQsetNoticeProcessor) \
    X(PQstatus) \
    X(PQtransactionStatus)

#define POINTER(name) static __typeof__(name) *p_##name;
LIBPQ_FUNCTIONS(POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *load_error;
static char message[512];

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(message, sizeof message, "PostgreSQL's client library libpq.so.5 could not be loaded (%s): install it (Debian: apt-get install libpq5)",
                 reason ? reason : "not found");
        load_error = message;
        return;
    }
#define RESOLVE(name) \
    p_##name = (__typeof__(name) *)dlsym(library, #name); \
    if (p_##name == NULL) { \
        snprintf(message, sizeof message, "PostgreSQL's client library libpq.so.5 has no " #name ": install a newer libpq5"); \
        load_error = message; \
        return; \
    }
    LIBPQ_FUNCTIONS(RESOLVE)
}

const char *roster_libpq_load(void) {
    pthread_once(&once, load);
    return load_error;
}

void PQclear(PGresult *res) { p_PQclear(res); }
char * PQcmdStatus(PGresult *res) { return p_PQcmdStatus(res); }
char * PQcmdTuples(PGresult *res) { return p_PQcmdTuples(res); }
PGconn * PQconnectdbParams(const char *const *keywords, const char *const *values, int expand_dbname) { return p_PQconnectdbParams(keywords, values, expand_dbname); }
void PQconninfoFree(PQconninfoOption *connOptions) { p_PQconninfoFree(connOptions); }
PQconninfoOption * PQconninfoParse(const char *conninfo, char **errmsg) { return p_PQconninfoParse(conninfo, errmsg); }
char * PQerrorMessage(const PGconn *conn) { return p_PQerrorMessage(conn); }
PGresult * PQexec(PGconn *conn, const char *query) { return p_PQexec(conn, query); }
PGresult * PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat) { return p_PQexecParams(conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat); }
PGresult * PQexecPrepared(PGconn *conn, const char *stmtName, int nParams, const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat) { return p_PQexecPrepared(conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat); }
void PQfinish(PGconn *conn) { p_PQfinish(conn); }
void PQfreemem(void *ptr) { p_PQfreemem(ptr); }
PGresult * PQgetResult(PGconn *conn) { return p_PQgetResult(conn); }
int PQgetisnull(const PGresult *res, int tup_num, int field_num) { return p_PQgetisnull(res, tup_num, field_num); }
int PQgetlength(const PGresult *res, int tup_num, int field_num) { return p_PQgetlength(res, tup_num, field_num); }
char * PQgetvalue(const PGresult *res, int tup_num, int field_num) { return p_PQgetvalue(res, tup_num, field_num); }
int PQntuples(const PGresult *res) { return p_PQntuples(res); }
const char * PQparameterStatus(const PGconn *conn, const char *paramName) { return p_PQparameterStatus(conn, paramName); }
PGresult * PQprepare(PGconn *conn, const char *stmtName, const char *query, int nParams, const Oid *paramTypes) { return p_PQprepare(conn, stmtName, query, nParams, paramTypes); }
int PQputCopyData(PGconn *conn, const char *buffer, int nbytes) { return p_PQputCopyData(conn, buffer, nbytes); }
int PQputCopyEnd(PGconn *conn, const char *errormsg) { return p_PQputCopyEnd(conn, errormsg); }
char * PQresultErrorField(const PGresult *res, int fieldcode) { return p_PQresultErrorField(res, fieldcode); }
ExecStatusType PQresultStatus(const PGresult *res) { return p_PQresultStatus(res); }
int PQsetClientEncoding(PGconn *conn, const char *encoding) { return p_PQsetClientEncoding(conn, encoding); }
PQnoticeProcessor PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg) { return p_PQsetNoticeProcessor(conn, proc, arg); }
ConnStatusType PQstatus(const PGconn *conn) { return p_PQstatus(conn); }
PGTransactionStatusType PQtransactionStatus(const PGconn *conn) { return p_PQtransactionStatus(conn); }
