// OpenSSL's libcrypto, for SHA-256 only (Debian: libssl-dev, which libpq-dev already
// depends on). Its SHA-256 uses the CPU's SHA instructions where there are some.
#include <openssl/evp.h>
